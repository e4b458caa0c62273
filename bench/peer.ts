import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { RawEvent } from './baselines/raw-sqlite.js';
import { chunk } from './append.js';
import { findingEvent } from './support/events.js';
import { sized, type Benchmark, type Figure } from './support/figure.js';
import { fmt, settle } from './support/stats.js';

/**
 * cairn's SQLite store beside a peer: Emmett's SQLite event store (@event-driven-io/emmett-sqlite,
 * on the sqlite3 package), in the same process and run, on the same payloads (bench/support/events.ts).
 *
 * Emmett is measured two ways. As its store API ships (getSQLiteEventStore): it opens a
 * connection for every call and leaves SQLite's synchronous setting at FULL (an fsync of the
 * WAL per commit). And on one open connection with synchronous=NORMAL (its appendToStream and
 * readStream functions), which is exactly cairn's durability (WAL, synchronous=NORMAL: a commit
 * survives a killed process, not a power cut). The like-for-like run gives the ratio.
 */

type EmmettSqlite = typeof import('@event-driven-io/emmett-sqlite');
type Connection = ReturnType<EmmettSqlite['sqliteConnection']>;

interface Timings {
  single: number;
  batched: number;
  read: number;
}

const STREAM_TYPE = 'finding';
/** The long stream is written in appends of this many: Emmett binds 10 SQL variables per event, SQLite allows 32,766. */
const LONG_STREAM_CHUNK = 1_000;

export const peerBenchmark: Benchmark = {
  name: 'peer',
  description: "cairn's SQLite store beside Emmett's SQLite event store: single appends, batched appends, reading a stream back",
  async run(ctx) {
    let emmett: EmmettSqlite;
    try {
      emmett = await import('@event-driven-io/emmett-sqlite');
    } catch (error) {
      ctx.log(`peer skipped: @event-driven-io/emmett-sqlite could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); run npm install`);
      return [];
    }
    const singles = sized(ctx, 2_000, 300, 50);
    const batchSize = 100;
    const batched = sized(ctx, 20_000, 2_000, batchSize);
    const streamLength = sized(ctx, 10_000, 1_000, 100);
    const reads = ctx.quick ? 3 : 10;
    const rounds = ctx.quick ? 1 : 3;
    let file = 0;
    const fresh = () => join(ctx.dir, `peer-${file++}.db`);
    const best = { cairn: worst(), emmett: worst(), emmettShipped: worst() };

    for (let round = 0; round < rounds; round++) {
      const salt = 500 + round;
      const single = Array.from({ length: singles }, (_, i) => findingEvent(i, salt));
      const batches = chunk(Array.from({ length: batched }, (_, i) => findingEvent(i, salt + 100)), batchSize).map((b, k) => b.map((e) => ({ ...e, stream: `message-batch-${k}` })));
      const stream = Array.from({ length: streamLength }, (_, i) => ({ ...findingEvent(i, salt + 200), stream: 'finding-long' }));
      keepBest(best.cairn, await cairnRun(fresh, single, batches, stream, reads));
      await settle();
      keepBest(best.emmett, await emmettOneConnection(emmett, fresh, single, batches, stream, reads));
      await settle();
      keepBest(best.emmettShipped, await emmettShipped(emmett, fresh, single, batches, stream, reads));
      await settle();
      ctx.log(
        `peer round ${round + 1}/${rounds}: single cairn ${fmt(best.cairn.single)} ms, emmett ${fmt(best.emmett.single)} ms (as shipped ${fmt(best.emmettShipped.single)} ms); ` +
          `batched cairn ${fmt(best.cairn.batched)} ms, emmett ${fmt(best.emmett.batched)} ms (${fmt(best.emmettShipped.batched)} ms); ` +
          `read cairn ${fmt(best.cairn.read)} ms, emmett ${fmt(best.emmett.read)} ms (${fmt(best.emmettShipped.read)} ms)`,
      );
    }

    const perSecond = (count: number, ms: number) => (count / ms) * 1000;
    const figure = (kind: keyof Timings, name: string, count: number, unit: string): Figure[] => {
      const value = perSecond(count, best.cairn[kind]);
      const peer = perSecond(count, best.emmett[kind]);
      const shipped = perSecond(count, best.emmettShipped[kind]);
      return [
        {
          id: `peer.${kind}`,
          name: `${name}: cairn (WAL, synchronous=NORMAL) vs Emmett on one connection with the same settings`,
          value,
          unit,
          baseline: { name: 'Emmett SQLite, one connection, WAL, synchronous=NORMAL', value: peer, unit },
          ratio: value / peer,
          target: '>= 1 (ahead of the peer), or say why not',
          met: value / peer >= 1,
          command: 'npm run bench -- --only peer',
          details: { events: count, rounds, cairnMs: best.cairn[kind], emmettMs: best.emmett[kind] },
        },
        {
          id: `peer.${kind}.shipped`,
          name: `${name}: Emmett's store API as shipped (a connection per call, synchronous=FULL)`,
          value: shipped,
          unit,
          baseline: { name: 'cairn', value, unit },
          ratio: shipped / value,
          target: '(for comparison)',
          met: null,
          command: 'npm run bench -- --only peer',
          details: { events: count, rounds, emmettMs: best.emmettShipped[kind] },
        },
      ];
    };
    return [
      ...figure('single', 'append, 1 event per append (new stream)', singles, 'events/s'),
      ...figure('batched', `append, ${batchSize} events per append`, batched, 'events/s'),
      ...figure('read', `read a ${streamLength}-event stream back, ${reads} times`, streamLength * reads, 'events/s'),
    ];
  },
};

const worst = (): Timings => ({ single: Infinity, batched: Infinity, read: Infinity });

function keepBest(best: Timings, run: Timings): void {
  best.single = Math.min(best.single, run.single);
  best.batched = Math.min(best.batched, run.batched);
  best.read = Math.min(best.read, run.read);
}

async function time(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const cairnEvent = (e: RawEvent) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata });
const emmettEvent = (e: RawEvent) => ({ type: e.type, data: e.data, metadata: e.metadata });

async function cairnRun(fresh: () => string, single: RawEvent[], batches: RawEvent[][], stream: RawEvent[], reads: number): Promise<Timings> {
  const store = openSqliteStore(fresh(), { create: true });
  try {
    const singleMs = await time(async () => {
      for (const e of single) await store.append(e.stream, [cairnEvent(e)], { expectedRevision: 'no_stream' });
    });
    const batchedMs = await time(async () => {
      for (const batch of batches) await store.append(batch[0]!.stream, batch.map(cairnEvent), { expectedRevision: 'no_stream' });
    });
    for (const [k, part] of chunk(stream, LONG_STREAM_CHUNK).entries()) {
      await store.append('finding-long', part.map(cairnEvent), { expectedRevision: k === 0 ? 'no_stream' : BigInt(k * LONG_STREAM_CHUNK - 1) });
    }
    const readMs = await time(async () => {
      for (let r = 0; r < reads; r++) {
        let n = 0;
        for await (const event of store.readStream('finding-long')) n += event.type.length > 0 ? 1 : 0;
        if (n !== stream.length) throw new Error(`cairn read ${n} of ${stream.length} events`);
      }
    });
    return { single: singleMs, batched: batchedMs, read: readMs };
  } finally {
    await store.close();
  }
}

async function emmettOneConnection(emmett: EmmettSqlite, fresh: () => string, single: RawEvent[], batches: RawEvent[][], stream: RawEvent[], reads: number): Promise<Timings> {
  const { STREAM_DOES_NOT_EXIST } = await import('@event-driven-io/emmett');
  const connection: Connection = emmett.sqliteConnection({ fileName: fresh() });
  try {
    await connection.command('PRAGMA synchronous = NORMAL');
    const settings = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
    if (settings?.synchronous !== 1) throw new Error(`Emmett's connection did not take synchronous=NORMAL (it reads ${settings?.synchronous})`);
    await emmett.createEventStoreSchema(connection);
    const append = async (name: string, events: RawEvent[]) => {
      const result = await emmett.appendToStream(connection, name, STREAM_TYPE, events.map(emmettEvent), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      if (!result.success) throw new Error(`Emmett refused an append to ${name}`);
    };
    const singleMs = await time(async () => {
      for (const e of single) await append(e.stream, [e]);
    });
    const batchedMs = await time(async () => {
      for (const batch of batches) await append(batch[0]!.stream, batch);
    });
    for (const [k, part] of chunk(stream, LONG_STREAM_CHUNK).entries()) {
      const result = await emmett.appendToStream(connection, 'finding-long', STREAM_TYPE, part.map(emmettEvent), { expectedStreamVersion: BigInt(k * LONG_STREAM_CHUNK) });
      if (!result.success) throw new Error('Emmett refused an append to finding-long');
    }
    const readMs = await time(async () => {
      for (let r = 0; r < reads; r++) {
        const { events } = await emmett.readStream(connection, 'finding-long');
        if (events.length !== stream.length) throw new Error(`Emmett read ${events.length} of ${stream.length} events`);
      }
    });
    return { single: singleMs, batched: batchedMs, read: readMs };
  } finally {
    connection.close();
  }
}

async function emmettShipped(emmett: EmmettSqlite, fresh: () => string, single: RawEvent[], batches: RawEvent[][], stream: RawEvent[], reads: number): Promise<Timings> {
  const { STREAM_DOES_NOT_EXIST } = await import('@event-driven-io/emmett');
  const store = emmett.getSQLiteEventStore({ fileName: fresh() });
  const append = async (name: string, events: RawEvent[]) => {
    await store.appendToStream(name, events.map(emmettEvent), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
  };
  const singleMs = await time(async () => {
    for (const e of single) await append(e.stream, [e]);
  });
  const batchedMs = await time(async () => {
    for (const batch of batches) await append(batch[0]!.stream, batch);
  });
  for (const [k, part] of chunk(stream, LONG_STREAM_CHUNK).entries()) {
    await store.appendToStream('finding-long', part.map(emmettEvent), { expectedStreamVersion: BigInt(k * LONG_STREAM_CHUNK) });
  }
  const readMs = await time(async () => {
    for (let r = 0; r < reads; r++) {
      const { events } = await store.readStream('finding-long');
      if (events.length !== stream.length) throw new Error(`Emmett read ${events.length} of ${stream.length} events`);
    }
  });
  return { single: singleMs, batched: batchedMs, read: readMs };
}
