/**
 * `cairn log` with a filter costs what it shows, not what the log holds: a type nobody wrote
 * for a month answered after reading and checking every event (9 s at a million). A call now
 * looks through at most LOG_SCANNED events and says where it stopped, and the cursor walks
 * on; `--since TIME` starts near that time instead of at the first event.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { appOver, type App } from '../../src/app/app.js';
import { LOG_SCANNED, log } from '../../src/app/log.js';
import { revisionBefore } from '../../src/app/transfer.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { realisticLog } from '../projections/generate.js';
import { CountingStore } from '../runtime/counting-store.js';

const EVENTS = realisticLog(31, LOG_SCANNED + 12_000).events;

describe('log: a filtered history read a window at a time', () => {
  let dir: string;
  let store: CountingStore;
  let app: App;
  const run = (input: Record<string, unknown>) => log.run(app, log.input.parse(input), {});

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-log-window-'));
    const sqlite = openSqliteStore(join(dir, 'log.db'), { create: true });
    await sqlite.appendMany!((done) => {
      const e = EVENTS[done.length];
      return e && { streamName: e.streamName, events: [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }], expectedRevision: revisionBefore(e.revision) };
    });
    store = new CountingStore(sqlite);
    app = appOver(store);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a filter matching nothing in the first window answers after it, and the cursor walks every match exactly once', async () => {
    // Nobody judged a convergence in this log: the first call looks through one window and says where it stopped.
    store.reset();
    const first = await run({ type: ['ConvergenceJudged'] });
    expect(first.events).toEqual([]);
    expect(first.next).toBe(String(LOG_SCANNED));
    expect(store.eventsRead).toBeLessThanOrEqual(LOG_SCANNED);
    expect(await run({ type: ['ConvergenceJudged'], cursor: first.next })).toEqual({ events: [], next: null });

    const closed = EVENTS.filter((e) => e.type === 'QuestionClosed').map((e) => e.metadata.eventId);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let calls = 0; ; calls++) {
      const page = await run({ type: ['QuestionClosed'], ...(cursor ? { cursor } : {}) });
      seen.push(...page.events.map((e: StoredEvent) => e.metadata.eventId));
      if (page.next === null) break;
      cursor = page.next;
      expect(calls).toBeLessThan(1_000);
    }
    expect(seen).toEqual(closed);
  });

  it('--since a time reads from near it, and shows what a scan of the whole log would', async () => {
    const from = EVENTS[EVENTS.length - 500]!.metadata.at;
    const expected = EVENTS.filter((e) => e.metadata.at >= from).slice(0, 30).map((e) => e.metadata.eventId);
    store.reset();
    const page = await run({ since: from });
    expect(page.events.map((e: StoredEvent) => e.metadata.eventId)).toEqual(expected);
    // A binary search of one-event reads, then the page: not the 62,000 events before it.
    expect(store.eventsRead).toBeLessThan(5_000);
  });
});
