import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { appOver, type App } from '../../src/app/app.js';
import { LIVE_ITEMS, VIEWS, newest } from '../../src/app/views.js';
import { PastTables } from '../../src/readstore/past-tables.js';
import { toPlainJson } from '../../src/runtime/json.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { realisticLog } from '../projections/generate.js';

/**
 * An analyst replays a month from the command line, one process per replay: each one used to
 * fold the log from its first event. A process now leaves its copy of the past under the
 * log's cache directory, and the next replay at a later moment of the same log folds on.
 */

const EVENTS = realisticLog(21, 3_000).events;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function logWith(events: readonly StoredEvent[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-parked-'));
  dirs.push(dir);
  const store = openSqliteStore(join(dir, 'log.db'), { create: true });
  for (const e of events) await store.append(e.streamName, [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]);
  await store.close();
  return join(dir, 'log.db');
}

/** A process: an app over the log, with the log's cache directory `cache`. */
const processOver = (log: string, cache: string): App => appOver(openSqliteStore(log), { cacheDir: cache });

const tasksAt = (app: App, position: bigint) =>
  app.readPast({ position }, (past) => toPlainJson(VIEWS.tasks!.show(past.tables, new Date(Date.parse(EVENTS[Number(position) - 1]!.metadata.at)), newest(LIVE_ITEMS))));

/** The same view folded from nothing, by nobody's copy. */
async function freshTasksAt(app: App, position: bigint) {
  const fresh = PastTables.open(undefined);
  try {
    await fresh.fold(app.store, { until: position });
    return toPlainJson(VIEWS.tasks!.show(fresh.tables, new Date(Date.parse(EVENTS[Number(position) - 1]!.metadata.at)), newest(LIVE_ITEMS)));
  } finally {
    fresh.close();
  }
}

describe('a copy of the past left for the next process', () => {
  it('a replay at a later moment in the next process folds on from where the last one stood', async () => {
    const log = await logWith(EVENTS);
    const cache = `${log}.cache`;
    const first = processOver(log, cache);
    await tasksAt(first, 1_000n);
    await first.close();
    expect(existsSync(join(cache, 'cairn-past-parked'))).toBe(true);

    const next = processOver(log, cache);
    const reads = vi.spyOn(next.store, 'readAll');
    const shown = await tasksAt(next, 2_500n);
    const folds = reads.mock.calls.filter(([options]) => options?.after !== undefined && options.after > 0n);
    expect(folds.map(([options]) => options!.after)).toEqual([1_000n]);
    expect(existsSync(join(cache, 'cairn-past-parked')), 'taken over, not shared').toBe(false);
    expect(shown).toEqual(await freshTasksAt(next, 2_500n));
    await next.close();
  });

  it('is not used for an earlier moment, nor by another log kept under the same directory', async () => {
    const log = await logWith(EVENTS);
    const cache = `${log}.cache`;
    const first = processOver(log, cache);
    await tasksAt(first, 2_000n);
    await first.close();

    // An earlier moment: the copy stands past it, so the replay starts anew, and is right.
    const earlier = processOver(log, cache);
    const reads = vi.spyOn(earlier.store, 'readAll');
    expect(await tasksAt(earlier, 500n)).toEqual(await freshTasksAt(earlier, 500n));
    expect(reads.mock.calls.some(([options]) => (options?.after ?? 0n) > 0n && options?.maxCount === undefined)).toBe(false);
    await earlier.close(); // leaves its own copy, at 500

    // Another log (the first one deleted and another made in its place): the copy is removed, unused.
    const other = await logWith(realisticLog(22, 3_000).events);
    const elsewhere = processOver(other, cache);
    const otherReads = vi.spyOn(elsewhere.store, 'readAll');
    await elsewhere.readPast({ position: 1_000n }, () => undefined);
    expect(otherReads.mock.calls.some(([options]) => (options?.after ?? 0n) > 0n && options?.maxCount === undefined)).toBe(false);
    await elsewhere.close();
  });

  it('a replay of one view, at an earlier moment than a copy of every view, folds that view alone', async () => {
    const log = await logWith(EVENTS);
    const cache = `${log}.cache`;
    const first = processOver(log, cache);
    await first.readPast({ position: 2_000n }, () => undefined); // every view: the dashboard's slider, a replay of all
    await first.close();

    const next = processOver(log, cache);
    const parts = await next.readPast({ position: 1_000n }, (past) => [...past.parts].sort(), { parts: ['tasks'] });
    expect(parts).toEqual(['tasks']);
    // Within one process, a copy anew still holds what its reads asked for before.
    expect(await next.readPast({ position: 500n }, (past) => [...past.parts].sort(), { parts: ['questions'] })).toEqual(['findings', 'questions', 'tasks']);
    await next.close();
  });
});
