import { describe, expect, it } from 'vitest';
import { findingsProjection, listFindings } from '../../projections/findings.js';
import { fold } from '../../projections/projection.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';
import { appOver } from '../../src/app/app.js';
import { health } from '../../src/app/signals.js';
import { status } from '../../src/app/status.js';
import { coordinatorSuggestions } from '../../src/signals/suggestions.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { appendEvents } from '../projections/fixtures.js';
import { realisticLog } from '../projections/generate.js';
import { addFinding, FILLERS, joined } from '../signals/helpers.js';

/**
 * The board's suggestions come from what the tables keep as the log is folded (who has
 * talked to whom; the newest findings; live claims), never from a pass over every message.
 * On small logs they equal the pairwise comparison over the whole log.
 */
describe('suggestions on the board', () => {
  for (const seed of [3, 17, 29, 41, 58]) {
    it(`equal the pairwise ones over the whole log (seed ${seed})`, async () => {
      const log = realisticLog(seed, 220);
      const store = new InMemoryEventStore();
      await appendEvents(store, log.events);
      const now = new Date(Date.parse(log.events[log.events.length - 1]!.metadata.at) + 60_000);
      const app = appOver(store, { clock: () => now });
      const board = await status.run(app, { limit: 200 }, {});

      // The reference: every finding, every message, roles as they were when each was sent.
      const roles = new Map<string, string>();
      const messages: { from: string; to: string }[] = [];
      for (const e of log.events) {
        if (e.type === 'InstanceJoined') roles.set(e.data.instanceId, e.data.role);
        else if (e.type === 'RoleChanged') roles.set(e.data.instanceId, e.data.to);
        else if (e.type === 'MessagePosted') {
          const { from, to } = e.data;
          if (!to.startsWith('role:')) messages.push({ from, to });
          else for (const [id, role] of roles) if (role === to.slice(5) && id !== from) messages.push({ from, to: id });
        }
      }
      const findings = listFindings(fold(findingsProjection, log.events));
      expect(findings.length).toBeLessThan(100); // within the window the board compares
      const claims = taskBoard(fold(tasksProjection, log.events), now)
        .filter((t) => t.status === 'claimed')
        .map((t) => ({ taskId: t.taskId, title: t.title, description: t.description ?? undefined, tags: t.tags, owner: t.owner! }));
      const expected = coordinatorSuggestions({
        findings: findings.map((f) => ({ findingId: f.findingId, by: f.by, summary: f.summary, topic: f.topic ?? undefined })),
        messages,
        claims,
      });
      expect(board.suggestions).toEqual(expected.slice(0, 200));
      expect(expected.length, 'a log with nothing to suggest would prove nothing').toBeGreaterThan(0);
      await app.close();
    });
  }
});

describe("the board's notes of whole-log folds", () => {
  it('health warnings found by `health` show on the board, with the position they stand at', async () => {
    const log = joined({ e1: 'explorer', b1: 'builder', r1: 'reflector', c1: 'coordinator' });
    for (const [i, who] of ['e1', 'b1', 'r1', 'e1'].entries()) addFinding(log, `f${i}`, who, FILLERS[i]!, { topic: 'SQLite' });
    const store = new InMemoryEventStore();
    await appendEvents(store, log.events);
    const now = new Date(Date.parse(log.events[log.events.length - 1]!.metadata.at) + 60_000);
    const app = appOver(store, { clock: () => now });
    expect((await status.run(app, { limit: 10 }, {})).health).toBeNull();
    const report = await health.run(app, { window: 24 * 3_600_000 }, {});
    expect(report.signals.find((s) => s.name === 'topic-diversity')?.status).toBe('warning');
    const board = await status.run(app, { limit: 10 }, {});
    expect(board.health).toMatchObject({ asOf: log.head, status: 'warning', warnings: expect.arrayContaining([expect.objectContaining({ name: 'topic-diversity' })]) });
    await app.close();
  });
});
