import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { appOver } from '../../src/app/app.js';
import { newest, showViews } from '../../src/app/views.js';
import { taskBoard, tasksProjection, type TaskView } from '../../projections/tasks.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { realisticLog } from '../projections/generate.js';
import { plain } from './fold-tables.js';

/**
 * The board shows a few items of each list, and must still tell the truth about the rest: a
 * month in, the newest tasks are all open, so a board of the newest tasks hid every claim and
 * counted 50 open of 20,000. Held here to the tasks fold over the same log.
 */

const EVENTS = realisticLog(5, 3_000).events;
const NOW = new Date(EVENTS[EVENTS.length - 1]!.metadata.at);
const SHOWN = 5;

async function boardOf(events: readonly StoredEvent[]) {
  const store = new InMemoryEventStore();
  for (const e of events) await store.append(e.streamName, [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]);
  const app = appOver(store, { clock: () => NOW });
  try {
    return plain((await showViews(app, ['tasks', 'findings', 'inbox', 'questions'], undefined, newest(SHOWN))).views) as unknown as Board;
  } finally {
    await app.close();
  }
}

interface Board {
  tasks: { counts: Record<string, number>; tasks: TaskView[] };
  findings: { counts: { findings: number; syntheses: number }; findings: unknown[]; syntheses: unknown[] };
  inbox: { messages: unknown[]; page: { total: number } };
  questions: { questions: unknown[]; page: { total: number } };
}

/** The tasks of the fold, each as it stands at NOW, newest proposal first. */
function foldedTasks(): TaskView[] {
  let state = tasksProjection.initialState();
  for (const event of EVENTS) state = tasksProjection.evolve(state, event);
  return taskBoard(state, NOW).reverse();
}

describe('the board beyond its bound', () => {
  it('the task board counts every task, shows every running claim and the newest open and done', async () => {
    const board = await boardOf(EVENTS);
    const tasks = foldedTasks();
    const having = (...statuses: string[]) => tasks.filter((t) => statuses.includes(t.status));
    // The log has more of each column than the board shows, and claims older than the newest tasks.
    expect(having('open').length).toBeGreaterThan(SHOWN);
    expect(having('completed', 'abandoned').length).toBeGreaterThan(SHOWN);
    const claimed = having('claimed');
    expect(claimed.length).toBeGreaterThan(0);
    expect(claimed.some((c) => !tasks.slice(0, SHOWN).includes(c))).toBe(true);

    expect(board.tasks.counts).toEqual({
      open: having('open').length,
      claimed: claimed.length,
      completed: having('completed').length,
      abandoned: having('abandoned').length,
      stale: tasks.filter((t) => t.stale).length,
    });
    const expected = [...claimed.slice(0, SHOWN), ...having('open').slice(0, SHOWN), ...having('completed', 'abandoned').slice(0, SHOWN)];
    expect(board.tasks.tasks).toEqual(plain(expected));
  });

  it('findings, messages and questions count all they hold, not the few they show', async () => {
    const board = await boardOf(EVENTS);
    const count = (type: StoredEvent['type']) => EVENTS.filter((e) => e.type === type).length;
    expect(count('FindingRecorded')).toBeGreaterThan(SHOWN);
    expect(board.findings.counts).toEqual({ findings: count('FindingRecorded'), syntheses: count('SynthesisPublished') });
    expect(board.findings.findings.length + board.findings.syntheses.length).toBe(SHOWN);
    expect(board.inbox.page.total).toBe(count('MessagePosted'));
    expect(board.inbox.messages).toHaveLength(SHOWN);
    expect(board.questions.page.total).toBe(count('QuestionPosed'));
  });
});
