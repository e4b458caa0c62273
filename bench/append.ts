import { join } from 'node:path';
import type { EventStore } from '../src/store/port.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { openRaw, rawInserter, type RawEvent } from './baselines/raw-sqlite.js';
import { findingEvent } from './support/events.js';
import { sized, type Benchmark, type Figure } from './support/figure.js';
import { fmt, settle } from './support/stats.js';

/**
 * Append throughput of the SQLite store (the `append` every command ends with: expected
 * revision check, idempotency, JSON encoding, one transaction), as a ratio to a raw
 * better-sqlite3 loop inserting the same rows into the same table with the same pragmas.
 * Single: one event per transaction, each to a new stream with expected revision
 * "no_stream", as `find` and `propose` do. Batched: 100 events per append to one stream.
 * Rounds alternate raw and cairn on fresh files; the best round of each counts.
 */
export const appendBenchmark: Benchmark = {
  name: 'append',
  description: 'append throughput, single-event and batched, vs a raw better-sqlite3 insert loop',
  async run(ctx) {
    const singles = sized(ctx, 20_000, 2_000, 100);
    const batched = sized(ctx, 100_000, 10_000, 100);
    const batchSize = 100;
    const rounds = ctx.quick ? 2 : 3;
    const best = { rawSingle: Infinity, cairnSingle: Infinity, rawBatch: Infinity, cairnBatch: Infinity };
    let file = 0;
    const fresh = () => join(ctx.dir, `append-${file++}.db`);

    for (let round = 0; round < rounds; round++) {
      const salt = round + 1;
      const single = Array.from({ length: singles }, (_, i) => findingEvent(i, salt));
      const batches = chunk(Array.from({ length: batched }, (_, i) => findingEvent(i, salt + 100)), batchSize).map((b, k) =>
        b.map((e, r) => ({ ...e, stream: `message-batch-${k}`, revision: r })),
      );
      best.rawSingle = Math.min(best.rawSingle, rawRun(fresh(), single.map((e) => [e])));
      await settle();
      best.cairnSingle = Math.min(best.cairnSingle, await cairnRun(fresh(), single.map((e) => [e])));
      await settle();
      best.rawBatch = Math.min(best.rawBatch, rawRun(fresh(), batches));
      await settle();
      best.cairnBatch = Math.min(best.cairnBatch, await cairnRun(fresh(), batches));
      await settle();
      ctx.log(`append round ${round + 1}/${rounds}: single raw ${fmt(best.rawSingle)} ms, cairn ${fmt(best.cairnSingle)} ms; batched raw ${fmt(best.rawBatch)} ms, cairn ${fmt(best.cairnBatch)} ms`);
    }

    const figure = (id: string, name: string, count: number, cairnMs: number, rawMs: number): Figure => {
      const value = (count / cairnMs) * 1000;
      const baseline = (count / rawMs) * 1000;
      const ratio = value / baseline;
      return {
        id,
        name,
        value,
        unit: 'events/s',
        baseline: { name: 'raw better-sqlite3 insert loop', value: baseline, unit: 'events/s' },
        ratio,
        target: '>= 0.8 of raw',
        met: ratio >= 0.8,
        command: 'npm run bench -- --only append',
        details: { events: count, cairnMs, rawMs, rounds },
      };
    };
    return [
      figure('append.single', 'append, 1 event per append', singles, best.cairnSingle, best.rawSingle),
      figure('append.batched', `append, ${batchSize} events per append`, batched, best.cairnBatch, best.rawBatch),
    ];
  },
};

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function rawRun(path: string, batches: RawEvent[][]): number {
  const db = openRaw(path);
  try {
    const insert = rawInserter(db);
    const start = performance.now();
    for (const batch of batches) insert(batch);
    return performance.now() - start;
  } finally {
    db.close();
  }
}

/** Times cairn's `append` of each batch, one append per batch, each to a new stream. */
export async function cairnRun(open: string | (() => Promise<EventStore>), batches: RawEvent[][]): Promise<number> {
  const store = typeof open === 'string' ? openSqliteStore(open, { create: true }) : await open();
  try {
    const start = performance.now();
    for (const batch of batches) {
      await store.append(
        batch[0]!.stream,
        batch.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
        { expectedRevision: 'no_stream' },
      );
    }
    return performance.now() - start;
  } finally {
    await store.close();
  }
}
