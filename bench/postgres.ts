import { statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PROJECTIONS } from '../projections/index.js';
import type { Projection } from '../projections/projection.js';
import { migrate } from '../src/app/migrate.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { realisticLog } from '../tests/projections/generate.js';
import { ensureDatabase } from '../tests/support/postgres-database.js';
import { cairnRun, chunk } from './append.js';
import { rawPostgresInsert, rawPostgresReadAndParse } from './baselines/raw-postgres.js';
import { raceClaims } from './claim-race.js';
import { CORE, replayOnce, writeLog } from './replay.js';
import { findingEvent } from './support/events.js';
import { sized, type BenchContext, type Benchmark, type Figure } from './support/figure.js';
import { fmt, settle } from './support/stats.js';

const COMMAND = 'npm run bench -- --only postgres';

/**
 * The PostgreSQL store beside the SQLite one, in the same run: append throughput (and the
 * raw node-postgres INSERT it is compared with), 8 processes racing claims, a migration from
 * SQLite, the size of a million events on disk, and replay read from each. The server is
 * CAIRN_BENCH_POSTGRES_URL, else the local one (database cairn_bench, created if missing).
 */
export const postgresBenchmark: Benchmark = {
  name: 'postgres',
  description: 'PostgreSQL beside SQLite: appends, claim races, migrate, size per 1M events, replay',
  async run(ctx) {
    const server = process.env.CAIRN_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/cairn_bench';
    try {
      await ensureDatabase(server);
    } catch (error) {
      // Like the suite: without a server this benchmark says why and measures nothing.
      ctx.log(`postgres skipped: no PostgreSQL server at ${server.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@')} (${error instanceof Error ? error.message : String(error)}); set CAIRN_BENCH_POSTGRES_URL`);
      return [];
    }
    const schemas: string[] = [];
    const logAt = (label: string) => {
      const schema = `bench_${label}_${process.pid}_${schemas.length}`;
      schemas.push(schema);
      const url = new URL(server);
      url.searchParams.set('schema', schema);
      return { url: url.toString(), schema };
    };
    // Logs on a server keep their caches under XDG_CACHE_HOME: the run's scratch directory, not the user's.
    const cacheHome = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(ctx.dir, 'cache');
    try {
        return [...(await appends(ctx, server, logAt)), ...(await claimRaces(ctx, logAt)), ...(await migration(ctx, logAt)), ...(await sizeAndReplay(ctx, server, logAt))];
    } finally {
      if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = cacheHome;
      await dropSchemas(server, schemas);
    }
  },
};

type LogAt = (label: string) => { url: string; schema: string };

/** Single-event and 100-event appends: cairn on PostgreSQL, a raw INSERT loop, cairn on SQLite; best of the rounds. */
async function appends(ctx: BenchContext, server: string, logAt: LogAt): Promise<Figure[]> {
  const singles = sized(ctx, 3_000, 300, 50);
  const batchedCount = sized(ctx, 30_000, 3_000, 100);
  const rounds = ctx.quick ? 1 : 2;
  const best = { pgSingle: Infinity, rawSingle: Infinity, sqliteSingle: Infinity, pgBatch: Infinity, rawBatch: Infinity, sqliteBatch: Infinity };
  for (let round = 0; round < rounds; round++) {
    const single = Array.from({ length: singles }, (_, i) => [findingEvent(i, round + 1)]);
    const batches = chunk(Array.from({ length: batchedCount }, (_, i) => findingEvent(i, round + 101)), 100).map((b, k) =>
      b.map((e, r) => ({ ...e, stream: `message-batch-${k}`, revision: r })),
    );
    const openPg = () => openPostgresStore(logAt('append').url, { create: true });
    await settle();
    best.rawSingle = Math.min(best.rawSingle, await rawPostgresInsert(server, logAt('raw').schema, single));
    best.pgSingle = Math.min(best.pgSingle, await cairnRun(openPg, single));
    best.sqliteSingle = Math.min(best.sqliteSingle, await cairnRun(join(ctx.dir, `pg-append-${round}-single.db`), single));
    await settle();
    best.rawBatch = Math.min(best.rawBatch, await rawPostgresInsert(server, logAt('raw').schema, batches));
    best.pgBatch = Math.min(best.pgBatch, await cairnRun(openPg, batches));
    best.sqliteBatch = Math.min(best.sqliteBatch, await cairnRun(join(ctx.dir, `pg-append-${round}-batch.db`), batches));
    ctx.log(`postgres append round ${round + 1}/${rounds}: single pg ${fmt(best.pgSingle)} ms, raw ${fmt(best.rawSingle)} ms, sqlite ${fmt(best.sqliteSingle)} ms; batched pg ${fmt(best.pgBatch)} ms, raw ${fmt(best.rawBatch)} ms, sqlite ${fmt(best.sqliteBatch)} ms`);
  }
  const figure = (id: string, name: string, count: number, pgMs: number, rawMs: number, sqliteMs: number): Figure => {
    const value = (count / pgMs) * 1000;
    const baseline = (count / rawMs) * 1000;
    return {
      id,
      name,
      value,
      unit: 'events/s',
      baseline: { name: 'raw node-postgres INSERT, one commit per batch', value: baseline, unit: 'events/s' },
      ratio: value / baseline,
      target: '(reported)',
      met: null,
      command: COMMAND,
      details: { events: count, pgMs, rawMs, sqliteEventsPerSecond: (count / sqliteMs) * 1000, postgresOverSqlite: sqliteMs / pgMs },
    };
  };
  return [
    figure('postgres.append.single', 'PostgreSQL append, 1 event per append', singles, best.pgSingle, best.rawSingle, best.sqliteSingle),
    figure('postgres.append.batched', 'PostgreSQL append, 100 events per append', batchedCount, best.pgBatch, best.rawBatch, best.sqliteBatch),
  ];
}

/** The claim race of `claim-race`, on PostgreSQL and on SQLite. */
async function claimRaces(ctx: BenchContext, logAt: LogAt): Promise<Figure[]> {
  const onPostgres = await raceClaims(ctx, logAt('race').url);
  const onSqlite = await raceClaims(ctx, join(ctx.dir, 'pg-race.db'));
  ctx.log(`postgres claim race: ${fmt(onPostgres.attemptsPerSecond)} claims/s on PostgreSQL, ${fmt(onSqlite.attemptsPerSecond)} on SQLite`);
  return [
    {
      id: 'postgres.claim-race.throughput',
      name: `claim race on PostgreSQL, ${onPostgres.processes} processes x ${onPostgres.tasks} tasks: attempts per second`,
      value: onPostgres.attemptsPerSecond,
      unit: 'claims/s',
      baseline: { name: 'the same race on SQLite', value: onSqlite.attemptsPerSecond, unit: 'claims/s' },
      ratio: onPostgres.attemptsPerSecond / onSqlite.attemptsPerSecond,
      target: '(reported)',
      met: null,
      command: COMMAND,
      details: { postgres: onPostgres, sqlite: onSqlite },
    },
    {
      id: 'postgres.claim-race.winners',
      name: 'claim race on PostgreSQL: tasks with exactly one winner (and one TaskClaimed)',
      value: onPostgres.oneWinnerEach ? onPostgres.tasks : onPostgres.winners,
      unit: `of ${onPostgres.tasks}`,
      target: 'all tasks, 1 winner each',
      met: onPostgres.oneWinnerEach,
      command: COMMAND,
    },
  ];
}

/** `cairn migrate` from a SQLite log into an empty PostgreSQL one, verified by count and hash. */
async function migration(ctx: BenchContext, logAt: LogAt): Promise<Figure[]> {
  const count = sized(ctx, 100_000, 10_000, 1000);
  const path = join(ctx.dir, 'pg-migrate.db');
  await writeLog(path, count);
  const from = openSqliteStore(path);
  const to = await openPostgresStore(logAt('migrate').url, { create: true });
  try {
    await settle();
    const start = performance.now();
    const result = await migrate({ from, to });
    const ms = performance.now() - start;
    ctx.log(`postgres migrate: ${count} events in ${fmt(ms / 1000)} s, hashes ${result.sourceHash === result.targetHash ? 'equal' : 'DIFFER'}`);
    return [
      {
        id: 'postgres.migrate',
        name: `migrate SQLite -> PostgreSQL, ${count.toLocaleString('en-US')} events, verified`,
        value: (count / ms) * 1000,
        unit: 'events/s',
        target: 'hashes equal',
        met: result.sourceHash === result.targetHash && result.copied === count,
        command: COMMAND,
        details: { events: count, ms, ...result },
      },
    ];
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
}

/**
 * A million realistic events, in SQLite and in PostgreSQL: bytes on disk per event, and every
 * projection replayed from each, as a ratio to a raw read-and-parse of the same table.
 */
async function sizeAndReplay(ctx: BenchContext, server: string, logAt: LogAt): Promise<Figure[]> {
  const count = sized(ctx, 1_000_000, 50_000, 1000);
  const path = join(ctx.dir, 'pg-replay.db');
  await writeLog(path, count);
  const log = logAt('replay');
  await copyRows(path, log);
  const sqliteBytes = sqliteFileBytes(path);
  const pgBytes = await postgresBytes(server, log.schema);

  const all = Object.values(PROJECTIONS) as Projection<unknown>[];
  const core = all.filter((p) => CORE.includes(p.name));
  const openPg = () => openPostgresStore(log.url);
  const rounds = ctx.quick ? 1 : 2;
  const best = { raw: Infinity, pgAll: Infinity, pgCore: Infinity, sqliteAll: Infinity, sqliteCore: Infinity };
  for (let round = 0; round < rounds; round++) {
    await settle();
    const start = performance.now();
    const read = await rawPostgresReadAndParse(server, log.schema);
    if (read !== count) throw new Error(`the raw read saw ${read} of ${count} events`);
    best.raw = Math.min(best.raw, performance.now() - start);
    best.pgCore = Math.min(best.pgCore, await replayOnce(openPg, core, count));
    best.pgAll = Math.min(best.pgAll, await replayOnce(openPg, all, count));
    best.sqliteCore = Math.min(best.sqliteCore, await replayOnce(path, core, count));
    best.sqliteAll = Math.min(best.sqliteAll, await replayOnce(path, all, count));
    ctx.log(`postgres replay round ${round + 1}/${rounds}: raw read ${fmt(best.raw)} ms; core pg ${fmt(best.pgCore)} ms, sqlite ${fmt(best.sqliteCore)} ms; all pg ${fmt(best.pgAll)} ms, sqlite ${fmt(best.sqliteAll)} ms`);
  }
  const perMillion = (bytes: number) => (bytes / count) * 1_000_000;
  const replay = (id: string, projections: Projection<unknown>[], pgMs: number, sqliteMs: number): Figure => {
    const value = (count / pgMs) * 1000;
    const baseline = (count / best.raw) * 1000;
    return {
      id,
      name: `replay of ${projections.length} projections from PostgreSQL, ${count.toLocaleString('en-US')} events`,
      value,
      unit: 'events/s',
      baseline: { name: 'raw node-postgres read + JSON parse, pages of 1,000', value: baseline, unit: 'events/s' },
      ratio: value / baseline,
      target: '>= 0.5 of raw',
      met: value / baseline >= 0.5,
      command: COMMAND,
      details: { events: count, pgMs, rawMs: best.raw, sqliteEventsPerSecond: (count / sqliteMs) * 1000, postgresOverSqlite: sqliteMs / pgMs },
    };
  };
  return [
    {
      id: 'postgres.size',
      name: 'PostgreSQL table + indexes per 1,000,000 events',
      value: perMillion(pgBytes.total) / 2 ** 20,
      unit: 'MiB',
      baseline: { name: 'the SQLite file for the same events', value: perMillion(sqliteBytes) / 2 ** 20, unit: 'MiB' },
      ratio: pgBytes.total / sqliteBytes,
      target: '(reported)',
      met: null,
      command: COMMAND,
      details: { events: count, heapBytes: pgBytes.heap, toastBytes: pgBytes.toast, indexBytes: pgBytes.indexes, sqliteBytes },
    },
    replay('postgres.replay.all', all, best.pgAll, best.sqliteAll),
    replay('postgres.replay.core', core, best.pgCore, best.sqliteCore),
  ];
}

/** Copies the SQLite log's rows as they are (same positions) into a new PostgreSQL log, 5,000 per INSERT. */
async function copyRows(path: string, log: { url: string; schema: string }): Promise<void> {
  await (await openPostgresStore(log.url, { create: true })).close();
  const source = openSqliteStore(path);
  const client = new pg.Client({ connectionString: log.url.replace(/\?.*$/, '') });
  await client.connect();
  try {
    let page: unknown[][] = [];
    const flush = async () => {
      const column = (i: number) => page.map((row) => row[i]);
      await client.query(
        `INSERT INTO "${log.schema}".events (position, stream_name, revision, event_id, type, data, metadata)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::json[], $7::json[])`,
        [0, 1, 2, 3, 4, 5, 6].map(column),
      );
      page = [];
    };
    for await (const e of source.readAll()) {
      page.push([String(e.position), e.streamName, String(e.revision), e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
      if (page.length === 5000) await flush();
    }
    if (page.length > 0) await flush();
    await client.query(`VACUUM ANALYZE "${log.schema}".events`);
  } finally {
    await client.end();
    await source.close();
  }
}

function sqliteFileBytes(path: string): number {
  const db = openSqliteStore(path);
  void db.close(); // closing the last connection checkpoints the WAL into the file
  return statSync(path).size;
}

async function postgresBytes(server: string, schema: string): Promise<{ heap: number; toast: number; indexes: number; total: number }> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    const table = `"${schema}".events`;
    const { rows } = await client.query<{ heap: string; total: string; indexes: string }>(
      `SELECT pg_relation_size($1::regclass) AS heap, pg_indexes_size($1::regclass) AS indexes, pg_total_relation_size($1::regclass) AS total`,
      [table],
    );
    const { heap, indexes, total } = rows[0]!;
    return { heap: Number(heap), indexes: Number(indexes), toast: Number(total) - Number(heap) - Number(indexes), total: Number(total) };
  } finally {
    await client.end();
  }
}

async function dropSchemas(server: string, schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
