import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { appOver, type App } from '../../src/app/app.js';
import { importExport } from '../../src/app/transfer.js';
import { VIEW_NAMES, showViews } from '../../src/app/views.js';
import { due, milestonesFromEnv, thinned, type MilestoneOptions } from '../../src/readstore/milestones.js';
import type { EventStore } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { tempDir } from '../cli/run.js';
import { realisticLog } from '../projections/generate.js';
import { CountingStore } from '../runtime/counting-store.js';
import { dump, expectSameRows, foldedAlone, plain } from './fold-tables.js';

/**
 * A replay of a month of work folded every event up to its point; copies of the live tables
 * kept at a few positions let it fold on from the nearest one before it instead, and it must
 * show exactly what a replay from the first event shows.
 */

const EVENTS = realisticLog(5, 3_000).events;
const CHUNK = 600;
const OPTIONS: MilestoneOptions = { keep: 3, minSpacing: 500n };

const exported = (events: readonly StoredEvent[]) => () =>
  (async function* () {
    for (const e of events) yield JSON.stringify({ id: e.metadata.eventId, type: e.type, streamName: e.streamName, revision: String(e.revision), position: String(e.position), data: e.data, metadata: e.metadata });
  })();

const open: App[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

function appAt(path: string, cacheDir: string, milestones: MilestoneOptions, wrap: (store: EventStore) => EventStore = (s) => s): App {
  const app = appOver(wrap(openSqliteStore(path, { create: true })), { cacheDir, milestones });
  open.push(app);
  return app;
}

/** The log written a chunk at a time, the live tables caught up after each, as reads would. */
async function grownLog(events: readonly StoredEvent[], milestones = OPTIONS): Promise<{ path: string; cacheDir: string; app: App }> {
  const dir = tempDir('cairn-milestones-');
  const path = join(dir, 'log.db');
  const cacheDir = join(dir, 'cache');
  const app = appAt(path, cacheDir, milestones);
  for (let from = 0; from < events.length; from += CHUNK) {
    await importExport(app.store, exported(events.slice(from, from + CHUNK)));
    await app.tables();
  }
  return { path, cacheDir, app };
}

const copiesIn = (cacheDir: string): bigint[] =>
  (existsSync(join(cacheDir, 'milestones')) ? readdirSync(join(cacheDir, 'milestones')) : [])
    .map((name) => /^(\d+)\.db$/.exec(name)?.[1])
    .filter((p): p is string => p !== undefined)
    .map(BigInt)
    .sort((a, b) => (a < b ? -1 : 1));

describe('when a copy is due, and which go', () => {
  it('a copy is due once the fold is a spacing past the newest: the larger of the floor and a share of the log', () => {
    const options = { keep: 4, minSpacing: 100n };
    expect(due(undefined, 99n, options)).toBe(false);
    expect(due(undefined, 100n, options)).toBe(true);
    expect(due(100n, 199n, options)).toBe(false);
    expect(due(1_000n, 1_200n, options)).toBe(false); // a quarter of 1,200 is 300
    expect(due(1_000n, 1_400n, options)).toBe(true);
    expect(due(undefined, 10_000n, { keep: 0, minSpacing: 1n })).toBe(false);
  });

  it('thinning keeps the newest and removes, each time, the copy whose neighbours lie closest', () => {
    expect(thinned([600n, 1_200n, 1_800n, 3_000n], 3)).toEqual([600n]);
    expect(thinned([100n, 200n, 900n, 1_000n], 2)).toEqual([100n, 900n]);
    expect(thinned([5n], 0)).toEqual([5n]);
    expect(thinned([1n, 2n], 2)).toEqual([]);
  });

  it('CAIRN_REPLAY_COPIES sets how many are kept, and a bad value is refused naming it', () => {
    expect(milestonesFromEnv({}).keep).toBe(4);
    expect(milestonesFromEnv({ CAIRN_REPLAY_COPIES: '0' }).keep).toBe(0);
    expect(() => milestonesFromEnv({ CAIRN_REPLAY_COPIES: 'many' })).toThrow(/CAIRN_REPLAY_COPIES/);
  });
});

describe('copies of the live tables kept for replays', () => {
  it('the live tables leave at most `keep` copies behind as they fold, spread over the log', async () => {
    const { cacheDir } = await grownLog(EVENTS);
    // Copies at 600, 1,200 and 1,800; at 3,000 a fourth, so the first goes.
    expect(copiesIn(cacheDir)).toEqual([1_200n, 1_800n, 3_000n]);
  });

  it('a replay folds on from the nearest copy before its point, and shows what a replay from the first event shows', async () => {
    const { path, cacheDir } = await grownLog(EVENTS);
    let counting: CountingStore | undefined;
    const later = appAt(path, cacheDir, OPTIONS, (store) => (counting = new CountingStore(store)));
    const fromScratch = appAt(path, join(tempDir('cairn-no-copies-'), 'cache'), { keep: 0, minSpacing: 1n });
    for (const at of [1_500n, 1_200n, 2_999n]) {
      // A point before the last one asked for starts anew: from the copy at or before it.
      counting!.reset();
      const replayed = await showViews(later, VIEW_NAMES, { position: at });
      const nearest = copiesIn(cacheDir).filter((p) => p <= at).at(-1)!;
      // The events after the copy up to the point (and the one past it that ends the read), and the event at the point, for its time.
      expect(counting!.eventsRead, `at ${at}`).toBeLessThanOrEqual(Number(at - nearest) + 2);
      const expected = await showViews(fromScratch, VIEW_NAMES, { position: at });
      expect(replayed.position).toBe(at);
      expect(plain(replayed), `at ${at}`).toEqual(plain(expected));
    }
    // Before the first copy: from the log's first event.
    counting!.reset();
    await showViews(later, ['tasks'], { position: 700n });
    expect(counting!.eventsRead).toBeGreaterThanOrEqual(700);
  });

  it('a replay at a time starts from the newest copy holding nothing stamped after it, and shows what a replay from nothing shows', async () => {
    const { path, cacheDir } = await grownLog(EVENTS);
    const maxAtOf = (position: number) => Math.max(...EVENTS.slice(0, position).map((e) => Date.parse(e.metadata.at)));
    const stamped = (file: string) => {
      const copy = new Database(join(cacheDir, 'milestones', file), { readonly: true });
      const value = copy.prepare(`SELECT value FROM meta WHERE key = 'max_at'`).pluck().get();
      copy.close();
      return Number(value);
    };
    // Each copy knows the latest stamp among the events it holds (the log's clocks disagree with its order).
    expect([stamped('1200.db'), stamped('1800.db')]).toEqual([maxAtOf(1_200), maxAtOf(1_800)]);
    expect(maxAtOf(1_200)).toBeLessThan(maxAtOf(1_800));
    let counting: CountingStore | undefined;
    const later = appAt(path, cacheDir, OPTIONS, (store) => (counting = new CountingStore(store)));
    const fromScratch = appAt(path, join(tempDir('cairn-no-copies-'), 'cache'), { keep: 0, minSpacing: 1n });
    for (const [time, start] of [
      [maxAtOf(1_800), 1_800],
      [maxAtOf(1_800) - 1, 1_200],
    ] as const) {
      counting!.reset();
      const replayed = await showViews(later, VIEW_NAMES, { time: new Date(time) });
      // A time takes every later event stamped by then: the rest of the log is read, and only it.
      expect(counting!.eventsRead, `from ${start}`).toBeLessThanOrEqual(EVENTS.length - start + 1);
      expect(plain(replayed), `from ${start}`).toEqual(plain(await showViews(fromScratch, VIEW_NAMES, { time: new Date(time) })));
    }
  });

  it('tables folded before they kept the latest stamp never claim one, so their copies start no replay at a time', async () => {
    const dir = tempDir('cairn-milestones-');
    const app = appAt(join(dir, 'log.db'), join(dir, 'cache'), OPTIONS);
    await importExport(app.store, exported(EVENTS.slice(0, CHUNK)));
    const live = await app.tables();
    live.db.prepare(`DELETE FROM meta WHERE key = 'max_at'`).run(); // as tables folded by an earlier version
    await importExport(app.store, exported(EVENTS.slice(CHUNK, 2 * CHUNK)));
    await app.tables();
    expect(live.db.prepare(`SELECT value FROM meta WHERE key = 'max_at'`).pluck().get()).toBeUndefined();
  });

  it("an import's copies are left by the importing thread while its fold thread folds on, each the tables at one commit", async () => {
    // The compiled module: its thread runs the compiled fold-worker.js beside it.
    const { BackgroundFold } = (await import(new URL('../../dist/src/readstore/background-fold.js', import.meta.url).href)) as typeof import('../../src/readstore/background-fold.js');
    const events = realisticLog(8, 12_000).events;
    const importWith = async (copies: boolean) => {
      const dir = tempDir('cairn-milestones-');
      const path = join(dir, 'log.db');
      // Where the thread finds the tables of the log it opens.
      const cacheDir = `${path}.cache`;
      const app = appAt(path, cacheDir, OPTIONS);
      const tables = await app.tables();
      const fold = BackgroundFold.start(path, copies ? { tables } : {})!;
      await importExport(app.store, exported(events), { onAppended: () => fold.grew() });
      await fold.finish();
      return { path, cacheDir };
    };
    // Given the thread that folds, which leaves no copy itself (it never stops to make one)
    expect(copiesIn((await importWith(false)).cacheDir)).toEqual([]);
    // When the importing thread leaves them from its own connection as the fold passes them
    const { path, cacheDir } = await importWith(true);
    const copies = copiesIn(cacheDir);
    // Then they are spread over the log, at most `keep` of them
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(copies.length).toBeLessThanOrEqual(OPTIONS.keep);
    // And each holds exactly the rows one writer folds up to its position: one state, never a mix of commits
    for (const position of copies) {
      expectSameRows(dump(new Database(join(cacheDir, 'milestones', `${position}.db`), { readonly: true })), await foldedAlone(path, position));
    }
  }, 120_000);

  it('a copy that cannot be made never fails the read whose fold passed it', async () => {
    const dir = tempDir('cairn-milestones-');
    const cacheDir = join(dir, 'cache');
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, 'milestones'), 'not a directory');
    const app = appAt(join(dir, 'log.db'), cacheDir, OPTIONS);
    for (let from = 0; from < 3 * CHUNK; from += CHUNK) {
      await importExport(app.store, exported(EVENTS.slice(from, from + CHUNK)));
      expect((await app.tables()).watermark()).toBe(BigInt(from + CHUNK));
    }
    expect(readdirSync(cacheDir).filter((name) => name.includes('milestone'))).toEqual(['milestones']);
  });

  it("copies of another log are never used: a replay removes them and folds from this log's first event", async () => {
    const { cacheDir } = await grownLog(EVENTS);
    const other = join(tempDir('cairn-other-log-'), 'log.db');
    // Generated ids follow a counter: the other log's are made its own, as real ids are.
    const otherEvents = realisticLog(6, 2_000).events.map((e) => ({ ...e, metadata: { ...e.metadata, eventId: randomUUID() } }) as StoredEvent);
    const app = appAt(other, cacheDir, { keep: 0, minSpacing: 1n });
    await importExport(app.store, exported(otherEvents));
    const reader = appAt(other, cacheDir, OPTIONS);
    const fresh = appAt(other, join(tempDir('cairn-no-copies-'), 'cache'), { keep: 0, minSpacing: 1n });
    const [replayed, expected] = [await showViews(reader, VIEW_NAMES, { position: 1_900n }), await showViews(fresh, VIEW_NAMES, { position: 1_900n })];
    expect(plain(replayed)).toEqual(plain(expected));
    expect(copiesIn(cacheDir).filter((p) => p <= 1_900n)).toEqual([]);
  });

  it('a copy holds only what the fold derives: not the last health verdict, nor what the hook last showed', async () => {
    const dir = tempDir('cairn-milestones-');
    const app = appAt(join(dir, 'log.db'), join(dir, 'cache'), OPTIONS);
    await importExport(app.store, exported(EVENTS.slice(0, CHUNK)));
    const live = await app.tables();
    live.note('health', { asOf: 600n, window: { from: '', to: '' }, status: 'watch', warnings: [] });
    live.setHookState('ada', { upTo: 600n, atMs: 0, warned: {} });
    await importExport(app.store, exported(EVENTS.slice(CHUNK, 2 * CHUNK)));
    await app.tables();
    const [position] = copiesIn(join(dir, 'cache')).reverse();
    expect(position).toBe(1_200n);
    const copy = new Database(join(dir, 'cache', 'milestones', '1200.db'), { readonly: true });
    const keys = copy.prepare(`SELECT key FROM meta ORDER BY key`).pluck().all();
    copy.close();
    expect(keys).toEqual(expect.arrayContaining(['watermark', 'last_event', 'version']));
    expect(keys.filter((k) => /^(note|hook):/.test(String(k)))).toEqual([]);
    expect(live.noted('health')).toBeDefined();
  });
});
