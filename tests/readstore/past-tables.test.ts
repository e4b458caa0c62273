import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseOrThrow, type StoredEvent } from '../../events/index.js';
import { appOver, type App } from '../../src/app/app.js';
import { REPLAY_ITEMS, replay } from '../../src/app/replay.js';
import { LIVE_ITEMS, VIEW_NAMES, VIEWS, newest, showViews } from '../../src/app/views.js';
import { toPlainJson } from '../../src/runtime/json.js';
import { viewSeries } from '../../src/server/series.js';
import { PastTables } from '../../src/readstore/past-tables.js';
import { ReadStore } from '../../src/readstore/read-store.js';
import { AbandonedError } from '../../src/errors.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { realisticLog } from '../projections/generate.js';
import { plain } from './fold-tables.js';

/**
 * A replay folds the tables from the log's first event to the point asked for, into a
 * scratch file, and shows them as the board does: what the board showed when the log ended
 * there, bounded the same way, in memory that does not grow with the log.
 */

const EVENTS = realisticLog(11, 2_500).events;

async function appWith(events: readonly StoredEvent[], clock?: () => Date): Promise<App> {
  const store = new InMemoryEventStore();
  for (const e of events) await store.append(e.streamName, [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]);
  return appOver(store, { clock });
}

/** Tables folded from nothing to `position`, without the app's kept copy. */
async function foldedTo(app: App, position: number): Promise<PastTables> {
  const fresh = PastTables.open(undefined);
  await fresh.fold(app.store, { until: BigInt(position) });
  return fresh;
}

describe('the tables as they stood at a past point', () => {
  it('a replay at a position shows what the board showed when the log ended there, every view', async () => {
    const full = await appWith(EVENTS);
    for (const cut of [1, 400, 1_333, EVENTS.length - 1]) {
      const then = new Date(EVENTS[cut - 1]!.metadata.at);
      const ended = await appWith(EVENTS.slice(0, cut), () => then);
      const [replayed, board] = await Promise.all([showViews(full, VIEW_NAMES, { position: BigInt(cut) }), showViews(ended, VIEW_NAMES)]);
      expect(replayed.position).toBe(BigInt(cut));
      expect(replayed.now).toEqual(then);
      expect(plain(replayed.views), `at ${cut}`).toEqual(plain(board.views));
      await ended.close();
    }
    await full.close();
  });

  it('a replay shows the newest items of each list and the count of all, more with a limit', async () => {
    const app = await appWith(EVENTS);
    const at = String(EVENTS.length);
    const recorded = EVENTS.filter((e) => e.type === 'FindingRecorded' || e.type === 'SynthesisPublished');
    expect(recorded.length).toBeGreaterThan(LIVE_ITEMS);
    type Shown = { findings: { findings: { position: bigint }[]; syntheses: { position: bigint }[]; page: { returned: number; total: number } } };
    const newestOf = (views: unknown) => {
      const { findings, syntheses } = (views as Shown).findings;
      return [...findings, ...syntheses].map((f) => f.position).sort((a, b) => (a > b ? -1 : 1));
    };
    const bounded = (await replay.run(app, parseOrThrow(replay.input, { at, projection: 'findings' }), {})).views;
    expect(newestOf(bounded)).toEqual(recorded.slice(-REPLAY_ITEMS).map((e) => e.position).reverse());
    expect((bounded as Shown).findings.page).toMatchObject({ returned: REPLAY_ITEMS, total: recorded.length });
    const more = (await replay.run(app, parseOrThrow(replay.input, { at, projection: 'findings', limit: 40 }), {})).views;
    expect(newestOf(more)).toHaveLength(40);
    expect(newestOf(more).slice(0, REPLAY_ITEMS)).toEqual(newestOf(bounded));
    // Tasks: a board of at most `limit` in each column, counting every task.
    const tasksThen = new Set(EVENTS.flatMap((e) => (e.type === 'TaskProposed' ? [e.data.taskId] : []))).size;
    const board = ((await replay.run(app, parseOrThrow(replay.input, { at, projection: 'tasks' }), {})).views as { tasks: { counts: Record<string, number>; tasks: { status: string }[] } }).tasks;
    expect(board.counts.open! + board.counts.claimed! + board.counts.completed! + board.counts.abandoned!).toBe(tasksThen);
    for (const column of [['open'], ['claimed'], ['completed', 'abandoned']]) expect(board.tasks.filter((t) => column.includes(t.status)).length).toBeLessThanOrEqual(REPLAY_ITEMS);
    // Activity: the instances seen last, each with its main topics, and how many there are.
    const activity = (await replay.run(app, parseOrThrow(replay.input, { at, projection: 'activity', limit: 2 }), {})).views as {
      activity: { instances: { instanceId: string; lastSeen: string; topics: Record<string, number> }[]; page: { returned: number; total: number } };
    };
    const lastSeen = new Map<string, string>();
    for (const e of EVENTS) if (e.metadata.instanceId !== 'anonymous' && (lastSeen.get(e.metadata.instanceId) ?? '') < e.metadata.at) lastSeen.set(e.metadata.instanceId, e.metadata.at);
    const latest = [...lastSeen].sort(([a, x], [b, y]) => (x === y ? (a < b ? -1 : 1) : x > y ? -1 : 1)).slice(0, 2).map(([id]) => id).sort();
    expect(activity.activity.instances.map((i) => i.instanceId)).toEqual(latest);
    expect(activity.activity.page).toMatchObject({ returned: 2, total: lastSeen.size });
    for (const i of activity.activity.instances) expect(Object.keys(i.topics).length).toBeLessThanOrEqual(2);
    await app.close();
  });

  it('a replay of one view folds only what it reads, and shows what the replay of every view shows of it', async () => {
    const at = { position: 2_000n };
    const full = await appWith(EVENTS);
    const whole = await showViews(full, VIEW_NAMES, at);
    await full.close();
    const opened = vi.spyOn(PastTables, 'open');
    try {
      for (const name of VIEW_NAMES) {
        const app = await appWith(EVENTS);
        const alone = await showViews(app, [name], at);
        expect(plain(alone.views[name]), name).toEqual(plain(whole.views[name]));
        // A copy of what this view reads does not serve one that reads more: that starts anew,
        // holding what both asked for, so reads that come back to the first view fold on from it.
        const other = name === 'health' ? 'tasks' : 'health';
        await showViews(app, [other], at);
        await showViews(app, [name], { position: 2_100n });
        await app.close();
      }
      const asked = opened.mock.calls.map(([, parts]) => [...(parts ?? [])]);
      expect(asked).toEqual(VIEW_NAMES.flatMap((name) => [VIEWS[name]!.reads, ...(name === 'health' ? [] : [[...VIEWS[name]!.reads, ...VIEWS.health!.reads]])]));
    } finally {
      opened.mockRestore();
    }
    const tasksAlone = PastTables.open(undefined, ['tasks']);
    expect(tasksAlone.holds(['tasks'])).toBe(true);
    expect(tasksAlone.holds(['activity']), 'activity reads the tasks, not the other way').toBe(false);
    tasksAlone.close();
    const health = PastTables.open(undefined, ['health']);
    expect(health.holds(['convergence', 'tasks', 'findings'])).toBe(true);
    expect(health.holds(['messages'])).toBe(false);
    health.close();
  });

  it('a cursor walks a listing as it stood then, each item once; --all shows a whole view; both name one view', async () => {
    const app = await appWith(EVENTS);
    const at = 1_333;
    const then = EVENTS.slice(0, at).filter((e) => e.type === 'FindingRecorded' || e.type === 'SynthesisPublished').map((e) => String(e.position));
    expect(then.length).toBeGreaterThan(3 * 37);
    type Listing = { findings: { findings: { position: bigint }[]; syntheses: { position: bigint }[]; page: { total: number; next: string | null } } };
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const { findings } = (await replay.run(app, parseOrThrow(replay.input, { at: String(at), projection: 'findings', limit: 37, ...(cursor ? { cursor } : {}) }), {})).views as Listing;
      expect(findings.page.total).toBe(then.length);
      walked.push(...[...findings.findings, ...findings.syntheses].map((f) => String(f.position)));
      cursor = findings.page.next ?? undefined;
    } while (cursor !== undefined);
    expect(walked.sort()).toEqual([...then].sort());

    const every = ((await replay.run(app, parseOrThrow(replay.input, { at: String(at), projection: 'tasks', all: true }), {})).views as { tasks: { counts: Record<string, number>; tasks: unknown[] } }).tasks;
    expect(every.tasks.length).toBe(new Set(EVENTS.slice(0, at).flatMap((e) => (e.type === 'TaskProposed' ? [e.data.taskId] : []))).size);
    expect(every.tasks.length).toBe(every.counts.open! + every.counts.claimed! + every.counts.completed! + every.counts.abandoned!);

    const refused = (input: Record<string, unknown>) => replay.run(app, parseOrThrow(replay.input, { at: String(at), ...input }), {});
    await expect(refused({ cursor: '900' })).rejects.toMatchObject({ issues: [{ field: 'cursor' }] });
    await expect(refused({ projection: 'tasks', cursor: '900' })).rejects.toMatchObject({ issues: [{ field: 'cursor' }] });
    await expect(refused({ all: true })).rejects.toMatchObject({ issues: [{ field: 'all' }] });
    await app.close();
  });

  it('a series folds the log once, and each sample is the view of the tables at its position, judged at its moment', async () => {
    const app = await appWith(EVENTS);
    const end = new Date(Date.parse(EVENTS[EVENTS.length - 1]!.metadata.at) + 60_000);
    const samples = await viewSeries(app, VIEWS.tasks!, { points: 6, end });
    expect(samples).toHaveLength(6);
    expect(new Set(samples.map((s) => s.position)).size, 'the samples stand at different positions').toBeGreaterThan(3);
    for (const sample of samples) {
      const shown = await app.readPast({ position: BigInt(sample.position) }, (past) => toPlainJson(VIEWS.tasks!.show(past.tables, new Date(sample.at), newest(LIVE_ITEMS))));
      expect(sample.view, `at ${sample.position}`).toEqual(shown);
    }
    await app.close();
  });

  it('a replay at a time leaves out events stamped after it, wherever the log holds them', async () => {
    const app = await appWith(EVENTS);
    // Writers' clocks are skewed: a message logged before an event yet stamped after it.
    const stamp = (e: StoredEvent) => Date.parse(e.metadata.at);
    const k = EVENTS.findIndex((e, i) => EVENTS.slice(0, i).some((before) => before.type === 'MessagePosted' && stamp(before) > stamp(e)));
    expect(k).toBeGreaterThan(0);
    const time = new Date(stamp(EVENTS[k]!));
    const early = EVENTS.slice(0, k).find((e) => e.type === 'MessagePosted' && stamp(e) > time.getTime())!;
    await app.readPast({ time }, (past) => {
      const stampedBy = EVENTS.filter((e) => stamp(e) <= time.getTime());
      expect(past.position).toBe(stampedBy[stampedBy.length - 1]!.position);
      const messages = (VIEWS.inbox!.show(past.tables, time, newest(10_000)) as { messages: { messageId: string }[] }).messages.map((m) => m.messageId).sort();
      expect(messages).toEqual(stampedBy.flatMap((e) => (e.type === 'MessagePosted' ? [e.data.messageId] : [])).sort());
      expect(messages).not.toContain(early.type === 'MessagePosted' && early.data.messageId);
    });
    await app.close();
  });
});

describe('scratch tables', () => {
  it('give the event loop a turn between batches: a server folding a month still answers others', async () => {
    const app = await appWith(realisticLog(12, 12_000).events);
    const order: string[] = [];
    const folding = app.readPast({ position: 12_000n }, () => order.push('folded'));
    setImmediate(() => order.push('another request'));
    await folding;
    expect(order).toEqual(['another request', 'folded']);
    await app.close();
  });

  it('live in a directory of their own, removed on close; those of a process that is gone are removed by the next', () => {
    const parent = mkdtempSync(join(tmpdir(), 'cairn-test-'));
    try {
      const orphan = join(parent, 'cairn-past-2147483646-abc');
      const ours = join(parent, `cairn-past-${process.pid}-abc`);
      for (const dir of [orphan, ours]) mkdirSync(dir);
      const past = PastTables.open(parent);
      const left = readdirSync(parent);
      expect(left).toHaveLength(2);
      expect(left).toContain(`cairn-past-${process.pid}-abc`);
      expect(left.every((name) => name.startsWith(`cairn-past-${process.pid}-`))).toBe(true);
      past.close();
      expect(readdirSync(parent)).toEqual([`cairn-past-${process.pid}-abc`]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('reads of the past one after another', () => {
  it('fold on from the copy they keep when the next position is later, and start anew when it is earlier', async () => {
    const app = await appWith(EVENTS);
    const folded: number[] = [];
    const at = (position: number) => app.readPast({ position: BigInt(position) }, (past) => {
      folded.push(Number(past.tables.watermark()));
      return toPlainJson(VIEWS.tasks!.show(past.tables, new Date(EVENTS[position - 1]!.metadata.at), newest(10_000)));
    });
    const anew = vi.spyOn(PastTables, 'open');
    const [first, later] = [await at(800), await at(2_000)];
    expect(anew, 'started anew for the first only').toHaveBeenCalledTimes(1);
    const [again, earlier] = [await at(2_000), await at(500)];
    expect(anew, 'and again for the earlier').toHaveBeenCalledTimes(2);
    expect(folded).toEqual([800, 2_000, 2_000, 500]);
    anew.mockRestore();
    // Each answer equals the tables folded from nothing to its position.
    for (const [position, shown] of [[800, first], [2_000, later], [2_000, again], [500, earlier]] as const) {
      const fresh = await foldedTo(app, position);
      try {
        expect(shown, `at ${position}`).toEqual(toPlainJson(VIEWS.tasks!.show(fresh.tables, new Date(EVENTS[position - 1]!.metadata.at), newest(10_000))));
      } finally {
        fresh.close();
      }
    }
    await app.close();
  });

  it('wait for each other: two reads at once never fold the same copy together', async () => {
    const app = await appWith(EVENTS);
    const inside: number[] = [];
    let overlapping = false;
    const read = (position: number) =>
      app.readPast({ position: BigInt(position) }, async (past) => {
        if (inside.length > 0) overlapping = true;
        inside.push(position);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inside.pop();
        return past.position;
      });
    expect(await Promise.all([read(1_500), read(700), read(2_400)])).toEqual([1_500n, 700n, 2_400n]);
    expect(overlapping).toBe(false);
    await app.close();
  });

  it('stop when whoever asked went away: a read given up while it waits never folds, one given up while it folds keeps what it folded for the next', async () => {
    // Longer than a batch: the fold looks at the signal between batches.
    const events = realisticLog(12, 12_000).events;
    const app = await appWith(events);
    const opened = vi.spyOn(PastTables, 'open');
    const gone = AbortSignal.abort();
    await expect(app.readPast({ position: 900n }, (past) => past.position, { signal: gone })).rejects.toBeInstanceOf(AbandonedError);
    expect(opened).not.toHaveBeenCalled();

    // Given up after the first batch of a long fold: it stops there.
    const leaving = new AbortController();
    const foldEvents = ReadStore.prototype.foldEvents;
    const folds = vi.spyOn(ReadStore.prototype, 'foldEvents').mockImplementationOnce(function (this: ReadStore, batch, through) {
      leaving.abort();
      foldEvents.call(this, batch, through);
    });
    await expect(app.readPast({ position: BigInt(events.length) }, (past) => past.position, { signal: leaving.signal })).rejects.toBeInstanceOf(AbandonedError);
    expect(folds, 'one batch, then it stopped').toHaveBeenCalledTimes(1);
    folds.mockRestore();
    expect(opened).toHaveBeenCalledTimes(1);

    // The next read folds on from where it stopped, and answers as a fold from nothing does.
    const position = events.length - 10;
    const shown = await app.readPast({ position: BigInt(position) }, (past) => toPlainJson(VIEWS.tasks!.show(past.tables, new Date(0), newest(10_000))));
    expect(opened, 'folded on, not anew').toHaveBeenCalledTimes(1);
    const fresh = await foldedTo(app, position);
    expect(shown).toEqual(toPlainJson(VIEWS.tasks!.show(fresh.tables, new Date(0), newest(10_000))));
    fresh.close();
    opened.mockRestore();
    await app.close();
  });
});
