import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { appOver, type App } from '../../src/app/app.js';
import { LIVE_ITEMS, VIEWS, newest } from '../../src/app/views.js';
import { AbandonedError } from '../../src/errors.js';
import { toPlainJson } from '../../src/runtime/json.js';
import { LiveSeries } from '../../src/server/live-series.js';
import type { SeriesPoint } from '../../src/server/series.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { realisticLog } from '../projections/generate.js';

/**
 * The dashboard's charts ask for a live series every few seconds for as long as a page is
 * open. A live series folds on from its last refresh: what was appended since, never the log
 * from its first event again, and every sample it shows is still the view at its moment.
 */

const EVENTS = realisticLog(11, 2_500).events;
const stamp = (e: StoredEvent) => Date.parse(e.metadata.at);

async function append(app: App, events: readonly StoredEvent[]): Promise<void> {
  for (const e of events) await app.store.append(e.streamName, [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]);
}

async function appWith(events: readonly StoredEvent[]): Promise<App> {
  const app = appOver(new InMemoryEventStore());
  await append(app, events);
  return app;
}

/** Each point is the view of the tables folded to its position, shown at its moment. */
async function expectTrue(app: App, points: SeriesPoint[]): Promise<void> {
  for (const point of points) {
    const shown = await app.readPast({ position: BigInt(point.position) }, (past) => toPlainJson(VIEWS.tasks!.show(past.tables, new Date(point.at), newest(LIVE_ITEMS))));
    expect(point.view, `at ${point.at} (position ${point.position})`).toEqual(shown);
  }
}

describe('a live series', () => {
  it('folds only what was appended since its last refresh, and every sample is the view at its moment', async () => {
    const cut = 1_500;
    const app = await appWith(EVENTS.slice(0, cut));
    const reads = vi.spyOn(app.store, 'readAll');
    const series = new LiveSeries(app, VIEWS.tasks!, 6);

    const first = await series.read(new Date(stamp(EVENTS[cut - 1]!) + 1_000));
    expect(first).toHaveLength(6);
    expect(first.at(-1)!.position).toBe(String(cut));
    await expectTrue(app, first);

    await append(app, EVENTS.slice(cut));
    reads.mockClear();
    const second = await series.read(new Date(stamp(EVENTS.at(-1)!) + 60_000));
    // The log was read from where the first refresh stood, not from its first event.
    expect(reads.mock.calls.length).toBeGreaterThan(0);
    for (const [options] of reads.mock.calls) expect(options?.after).toBe(BigInt(cut));
    expect(second).toHaveLength(6);
    expect(second.at(-1)!.position).toBe(String(EVENTS.length));
    const times = second.map((p) => Date.parse(p.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Samples of the first refresh still shown are the same, and the new ones are true too.
    const kept = second.slice(0, -1).filter((p) => first.slice(0, -1).some((q) => q.at === p.at));
    expect(kept.length).toBeGreaterThan(0);
    for (const p of kept) expect(p).toEqual(first.find((q) => q.at === p.at));
    await expectTrue(app, second);

    await series.close();
    await app.close();
  });

  it('as the span grows, the step doubles: always the points asked for, and no sample changes', async () => {
    const app = await appWith(EVENTS.slice(0, 600));
    const first = stamp(EVENTS[0]!);
    const span = stamp(EVENTS[599]!) - first;
    const series = new LiveSeries(app, VIEWS.tasks!, 9);
    let before: SeriesPoint[] = [];
    for (let doubling = 0; doubling < 6; doubling++) {
      const points = await series.read(new Date(first + span * 2 ** doubling + 1));
      expect(points.length, `at ${2 ** doubling} times the span`).toBe(9);
      for (const p of points.slice(0, -1)) {
        const earlier = before.slice(0, -1).find((q) => q.at === p.at);
        if (earlier) expect(p).toEqual(earlier);
      }
      before = points;
    }
    await expectTrue(app, before);
    await series.close();
    await app.close();
  });

  it('a refresh everyone left stops between batches; the next one folds on and shows what a new series shows', async () => {
    const events = realisticLog(12, 12_000).events;
    const app = await appWith(events);
    const end = new Date(stamp(events.at(-1)!) + 1_000);
    const series = new LiveSeries(app, VIEWS.tasks!, 8);
    const left = new AbortController();
    const reading = series.read(end, left.signal);
    setImmediate(() => left.abort()); // after the first batch of the fold
    await expect(reading).rejects.toBeInstanceOf(AbandonedError);

    const reads = vi.spyOn(app.store, 'readAll');
    const resumed = await series.read(end);
    expect(reads.mock.calls[0]![0]?.after).toBeGreaterThan(0n);
    const anew = new LiveSeries(app, VIEWS.tasks!, 8);
    expect(resumed).toEqual(await anew.read(end));
    await Promise.all([series.close(), anew.close()]);
    await app.close();
  });

  it('a series a closed server left is taken over at the next start: it folds on, and every sample is still the view at its moment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-series-parked-'));
    try {
      const log = join(dir, 'log.db');
      const cacheDir = join(dir, 'cache');
      const cut = 1_500;
      const before = appOver(openSqliteStore(log, { create: true }), { cacheDir });
      await append(before, EVENTS.slice(0, cut));
      const first = new LiveSeries(before, VIEWS.tasks!, 6, 'series-tasks-6');
      await first.read(new Date(stamp(EVENTS[cut - 1]!) + 1_000));
      await first.park();
      await before.close();

      const after = appOver(openSqliteStore(log), { cacheDir });
      await append(after, EVENTS.slice(cut));
      const reads = vi.spyOn(after.store, 'readAll');
      const end = new Date(stamp(EVENTS.at(-1)!) + 60_000);
      const taken = await new LiveSeries(after, VIEWS.tasks!, 6, 'series-tasks-6').read(end);
      const folds = reads.mock.calls.filter(([options]) => options?.maxCount === undefined);
      expect(folds.length).toBeGreaterThan(0);
      for (const [options] of folds) expect(options?.after).toBe(BigInt(cut));
      reads.mockRestore();
      expect(taken).toHaveLength(6);
      expect(taken.at(-1)!.position).toBe(String(EVENTS.length));
      await expectTrue(after, taken);
      await after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
