import { describe, expect, it } from 'vitest';
import { fold } from '../../projections/projection.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';
import { appOver } from '../../src/app/app.js';
import { propose } from '../../src/app/task-commands.js';
import { parseEvent, type StoredEvent } from '../../events/index.js';
import { nearDuplicateTasks } from '../../src/signals/advise.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { monthOfWork } from '../../bench/support/month.js';

/**
 * `propose` finds near-duplicates among the tasks sharing a stem with the title (the tables'
 * stem index), weighting words by all open and claimed tasks: the same warnings as comparing
 * the title with every active task.
 */
describe('near-duplicate tasks from the stem index', () => {
  it('equal the comparison with every active task', async () => {
    const store = new InMemoryEventStore();
    const events: StoredEvent[] = [];
    for (const e of monthOfWork({ events: 3_000, seed: 21 })) {
      await store.append(e.streamName, [{ id: e.id, type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata as Record<string, unknown> }]);
      events.push({ ...parseEvent(e), streamName: e.streamName, revision: BigInt(e.revision), position: BigInt(e.position) } as StoredEvent);
    }
    const now = new Date(Date.parse(events[events.length - 1]!.metadata.at) + 60_000);
    const app = appOver(store, { clock: () => now });
    const active = taskBoard(fold(tasksProjection, events), now)
      .filter((t) => t.status === 'open' || t.status === 'claimed')
      .map((t) => ({ taskId: t.taskId, title: t.title, description: t.description ?? undefined, tags: t.tags }));
    expect(active.length).toBeGreaterThan(50);
    let warned = 0;
    for (const [i, task] of active.slice(0, 12).entries()) {
      // A restatement of an active task, as a second agent would propose it.
      const title = `${task.title} again`;
      const expected = nearDuplicateTasks(title, active).map(({ task: t, score }) => ({ taskId: t.taskId, score }));
      const result = await propose.run(app, { title, tags: [], id: `t-dup-${i}` }, { instanceId: 'ada' });
      expect(result.nearDuplicates.map(({ taskId, score }) => ({ taskId, score }))).toEqual(expected);
      warned += expected.length;
      active.push({ taskId: `t-dup-${i}`, title, description: undefined, tags: [] });
    }
    expect(warned, 'titles that warn of nothing would prove nothing').toBeGreaterThan(0);
    await app.close();
  });
});
