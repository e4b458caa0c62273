/**
 * The PostgreSQL adapter, live against a real server (tests/support/postgres.ts says which):
 * the shared conformance suite, then what only a server shared by many processes can get
 * wrong: a transaction that commits late, writers in several processes, LISTEN/NOTIFY.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { IdempotencyConflictError, StoreUnavailableError, WrongExpectedRevisionError } from '../../src/errors.js';
import { collect, type AppendResult, type EventStore, type EventToAppend, type ExpectedRevision, type RecordedEvent, type StreamAppend } from '../../src/store/port.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { child, run } from '../reliability/support.js';
import { freshLog, postgresServer, schemaOf, sql } from '../support/postgres.js';
import { runConformanceSuite } from './conformance.js';

const server = await postgresServer('PostgreSQL store tests');
const live = 'url' in server ? server : undefined;
const url = live ? freshLog(live, 'store') : '';
if (live) await (await openPostgresStore(url, { create: true })).close();

const event = (data: Record<string, unknown> = {}): EventToAppend => ({ id: randomUUID(), type: 'Noted', data, metadata: {} });

/** Pulls `count` events from a subscription, failing after `ms`. */
async function take(iterator: AsyncIterator<RecordedEvent>, count: number, ms = 10_000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const deadline = Date.now() + ms;
  while (out.length < count) {
    const next = await Promise.race([iterator.next(), sleep(Math.max(0, deadline - Date.now()), 'timeout' as const)]);
    if (next === 'timeout') throw new Error(`only ${out.length} of ${count} events arrived`);
    if (next.done) throw new Error(`the subscription ended after ${out.length} of ${count} events`);
    out.push(next.value);
  }
  return out;
}

/** The connections listening for the appends of the log at `log`. */
const listenerPids = async (log: string): Promise<number[]> =>
  (await sql<{ pid: number }>(live!, 'SELECT pid FROM pg_stat_activity WHERE query = $1', [`LISTEN "cairn_${schemaOf(log)}"`])).map((row) => row.pid);

/** Reads again every `everyMs`, 100 times at most, until `done` holds of the answer; returns the last answer. */
async function pollUntil<T>(read: () => Promise<T>, done: (answer: T) => boolean, everyMs = 20): Promise<T> {
  let answer = await read();
  for (let i = 0; i < 100 && !done(answer); i++) {
    await sleep(everyMs);
    answer = await read();
  }
  return answer;
}

async function withStores<T>(count: number, body: (...stores: EventStore[]) => Promise<T>): Promise<T> {
  const stores = await Promise.all(Array.from({ length: count }, () => openPostgresStore(url)));
  try {
    return await body(...stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

describe.skipIf(!live)('PostgreSQL store', () => {
  runConformanceSuite('postgres', async () => ({ store: await openPostgresStore(url) }));

  describe('opening', () => {
    it('a schema that holds no log is refused with what to run, and nothing is created', async () => {
      const empty = freshLog(live!, 'none');
      const error = await openPostgresStore(empty).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/^no cairn log at postgres:\/\/127\.0\.0\.1:5432\/\S+\?schema=t_none_\w+; run `cairn init --store URL` to create one$/);
      expect(await sql(live!, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [schemaOf(empty)])).toEqual([]);
    });

    it('an unreachable server is "store unavailable", naming where without the password', async () => {
      const error = await openPostgresStore('postgres://cairn:s3cret@127.0.0.1:1/cairn').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toContain('postgres://127.0.0.1:1/cairn?schema=cairn');
      expect((error as Error).message).not.toContain('s3cret');
    });

    it('a log written by a newer cairn is refused, and a bad schema name is refused before connecting', async () => {
      const newer = freshLog(live!, 'newer');
      await (await openPostgresStore(newer, { create: true })).close();
      await sql(live!, `UPDATE "${schemaOf(newer)}".log_info SET value = '99' WHERE key = 'schema_version'`);
      await expect(openPostgresStore(newer)).rejects.toThrow(/written by a newer cairn \(schema 99\); upgrade cairn$/);
      await expect(openPostgresStore(`${live!.url}?schema=Robert'); DROP TABLE x;--`)).rejects.toThrow(/invalid schema/);
    });

    it('creating a log from several processes at once makes one log', async () => {
      const shared = freshLog(live!, 'init');
      const opened = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(shared, { create: true })));
      expect(opened.filter((s) => s.created)).toHaveLength(1);
      await Promise.all(opened.map((s) => s.close()));
    });
  });

  describe('positions as readers see them', () => {
    it('a transaction that commits late is never skipped: a later append waits for it, and readers see both in order', async () => {
      await withStores(2, async (reader, writer) => {
        const p = `late${randomUUID().slice(0, 8)}-`;
        const head = await reader.headPosition();
        const sub = reader.subscribe({ after: head, streamPrefixes: [p] });
        const it = sub[Symbol.asyncIterator]();
        // A writer that has appended but not yet committed (a slow network, a long transaction).
        const slow = new pg.Client({ connectionString: live!.url });
        await slow.connect();
        try {
          const early = event();
          await slow.query('BEGIN');
          const [held] = (
            await slow.query<{ at_position: string }>(`SELECT * FROM "${schemaOf(url)}".append_events($1, 'any', $2, '{Noted}', '{"{}"}', '{"{}"}')`, [
              `${p}early`,
              [early.id],
            ])
          ).rows;
          const late = event();
          let landed = false;
          const appending = writer.append(`${p}late`, [late]).then((result) => ((landed = true), result));
          await sleep(300);
          expect(landed).toBe(false); // it waits for the open transaction rather than overtaking it
          expect(await collect(reader.readAll({ after: head, streamPrefixes: [p] }))).toEqual([]);
          await slow.query('COMMIT');
          const result = await appending;
          expect(result.position).toBe(BigInt(held!.at_position) + 1n);
          const delivered = await take(it, 2);
          expect(delivered.map((e) => e.id)).toEqual([early.id, late.id]);
        } finally {
          await slow.end();
          await sub.close();
        }
      });
    });

    it('an append kept waiting by a transaction left open fails as "store unavailable" after lock_timeout, naming the cause, and appends nothing', async () => {
      const impatient = `${url}&options=${encodeURIComponent('-c lock_timeout=300ms')}`;
      const store = await openPostgresStore(impatient);
      const open = new pg.Client({ connectionString: live!.url });
      await open.connect();
      try {
        await open.query('BEGIN');
        await open.query(`SELECT * FROM "${schemaOf(url)}".append_events('held', 'any', $1, '{Noted}', '{"{}"}', '{"{}"}')`, [[randomUUID()]]);
        const refused = event();
        const error = await store.append(`refused${refused.id}`, [refused]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).message).toMatch(/another append held the log's lock for longer than lock_timeout .*is a transaction calling append_events left open\?$/);
        await open.query('COMMIT');
        expect(await collect(store.readStream(`refused${refused.id}`))).toEqual([]);
      } finally {
        await open.end();
        await store.close();
      }
    });

    it('with writers in 4 processes, a live subscriber receives exactly what the log holds, in order, with no gap', async () => {
      const p = 'message-';
      const log = freshLog(live!, 'writers');
      await (await openPostgresStore(log, { create: true })).close();
      const reader = await openPostgresStore(log);
      const sub = reader.subscribe({ streamPrefixes: [p] });
      const received: RecordedEvent[] = [];
      const collecting = (async () => {
        for await (const e of sub) received.push(e);
      })();
      try {
        const writers = [0, 1, 2, 3].map((w) => run(child('appender.mjs'), [log, `w${w}`, String(w + 1)]));
        await Promise.all(writers.map((w) => w.ready));
        await sleep(1500);
        for (const w of writers) w.process.kill('SIGKILL');
        await Promise.all(writers.map((w) => w.exited));
        const acknowledged = writers.flatMap((w) => w.lines);
        const stored = await collect(reader.readAll());
        const deadline = Date.now() + 10_000;
        while (received.length < stored.length && Date.now() < deadline) await sleep(20);
        expect(acknowledged.length).toBeGreaterThan(100);
        expect(received.map((e) => e.id)).toEqual(stored.map((e) => e.id));
        // Positions run 1, 2, 3… : none handed out and then abandoned.
        expect(stored.map((e) => e.position)).toEqual(stored.map((_, i) => BigInt(i + 1)));
        const present = new Set(stored.map((e) => e.id));
        expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
      } finally {
        await sub.close();
        await collecting;
        await reader.close();
      }
    });
  });

  describe('LISTEN/NOTIFY', () => {
    it('an append by another process wakes a waiting subscriber', async () => {
      await withStores(1, async (reader) => {
        const p = `wake${randomUUID().slice(0, 8)}-`;
        const sub = reader.subscribe({ after: await reader.headPosition(), streamPrefixes: [p] });
        const it = sub[Symbol.asyncIterator]();
        const waiting = it.next();
        await sleep(200); // parked: nothing to read, no polling
        const other = run(child('append-once.mjs'), [url, `${p}s`]);
        const [{ code, stderr }, next] = await Promise.all([other.exited, Promise.race([waiting, sleep(10_000, 'timeout' as const)])]);
        expect(code, stderr).toBe(0);
        expect(next).not.toBe('timeout');
        expect((next as IteratorResult<RecordedEvent>).value.id).toBe(other.lines[0]);
        await sub.close();
      });
    });

    it('a subscriber whose LISTEN connection is cut listens again and misses nothing appended meanwhile', async () => {
      await withStores(2, async (reader, writer) => {
        const p = `cut${randomUUID().slice(0, 8)}-`;
        const sub = reader.subscribe({ after: await reader.headPosition(), streamPrefixes: [p] });
        const it = sub[Symbol.asyncIterator]();
        const first = event();
        await writer.append(`${p}s`, [first]);
        expect((await take(it, 1))[0]!.id).toBe(first.id);
        // The first event may reach the subscriber before its LISTEN has run: wait for the LISTEN to cut.
        const [before] = await pollUntil(() => listenerPids(url), (pids) => pids.length > 0, 50);
        expect(before).toBeDefined();
        await sql(live!, 'SELECT pg_terminate_backend($1)', [before!]);
        const meanwhile = event();
        await writer.append(`${p}s`, [meanwhile]); // while no LISTEN may be active
        expect((await take(it, 1))[0]!.id).toBe(meanwhile.id);
        // And it is listening again: a later append still wakes it.
        const again = await pollUntil(async () => (await listenerPids(url)).filter((pid) => pid !== before), (pids) => pids.length > 0, 50);
        expect(again).toHaveLength(1);
        const after = event();
        await writer.append(`${p}s`, [after]);
        expect((await take(it, 1))[0]!.id).toBe(after.id);
        await sub.close();
      });
    });

    it('the LISTEN connection is held only while someone is subscribed', async () => {
      const log = freshLog(live!, 'idle');
      const store = await openPostgresStore(log, { create: true });
      try {
        const sub = store.subscribe({});
        const it = sub[Symbol.asyncIterator]();
        const pending = it.next();
        await pollUntil(() => listenerPids(log), (pids) => pids.length > 0);
        expect(await listenerPids(log)).toHaveLength(1);
        await sub.close();
        await pending;
        await pollUntil(() => listenerPids(log), (pids) => pids.length === 0);
        expect(await listenerPids(log)).toHaveLength(0);
      } finally {
        await store.close();
      }
    });
  });

  describe('appends from several connections', () => {
    it('the same batch sent by two processes at once is stored once, and both are told where', async () => {
      await withStores(2, async (a, b) => {
        const stream = `dup${randomUUID().slice(0, 8)}`;
        const batch = [event(), event()];
        const [ra, rb] = await Promise.all([a.append(stream, batch, { expectedRevision: 'no_stream' }), b.append(stream, batch, { expectedRevision: 'no_stream' })]);
        expect(ra).toEqual(rb);
        expect(await collect(a.readStream(stream))).toHaveLength(2);
      });
    });

    it('appendMany is one transaction: a refusal anywhere stores none of it', async () => {
      await withStores(1, async (store) => {
        const p = `many${randomUUID().slice(0, 8)}-`;
        await store.append(`${p}b`, [event()]);
        const plan = [
          { streamName: `${p}a`, events: [event()], expectedRevision: 'no_stream' as const },
          { streamName: `${p}b`, events: [event()], expectedRevision: 'no_stream' as const },
        ];
        await expect(store.appendMany!((done) => plan[done.length])).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await collect(store.readAll({ streamPrefixes: [p] }))).toHaveLength(1);
        const ok = await store.appendMany!((done) => (done.length < 3 ? { streamName: `${p}c`, events: [event()], expectedRevision: done.length === 0 ? 'no_stream' : done[done.length - 1]!.nextExpectedRevision } : undefined));
        expect(ok.map((r) => r.nextExpectedRevision)).toEqual([0n, 1n, 2n]);
      });
    });

    /**
     * A plan of `n` appends over 7 streams, each asking for the revision the previous append to
     * its stream reached (every fifth asks for 'any'), one or two events each; the ids are fixed,
     * so the same plan can be run twice.
     */
    function planOf(p: string, n: number, stale?: number) {
      const ids = Array.from({ length: n }, () => [randomUUID(), randomUUID()]);
      return (done: readonly AppendResult[]): StreamAppend | undefined => {
        const i = done.length;
        if (i >= n) return undefined;
        let expected: ExpectedRevision = i >= 7 ? done[i - 7]!.nextExpectedRevision : 'no_stream';
        if ((i % 5 === 0 && i >= 7) || i === 1) expected = 'any'; // append 1: 'any' on a stream the transaction has not seen
        if (i === stale) expected = 0n;
        return { streamName: `${p}s-${i % 7}`, events: ids[i]!.slice(0, i % 3 === 0 ? 2 : 1).map((id) => ({ id, type: 'Noted', data: { i }, metadata: {} })), expectedRevision: expected };
      };
    }

    /** The same plan, one append after another: what appendMany must be equal to. */
    async function oneByOne(store: EventStore, next: (done: readonly AppendResult[]) => StreamAppend | undefined): Promise<AppendResult[]> {
      const done: AppendResult[] = [];
      for (let a = next(done); a; a = next(done)) done.push(await store.append(a.streamName, a.events, { expectedRevision: a.expectedRevision }));
      return done;
    }

    const relative = (results: AppendResult[]) => results.map((r) => [r.nextExpectedRevision, r.position - results[0]!.position]);

    it('appendMany of 1,500 appends lands exactly where one append after another would', async () => {
      await withStores(1, async (store) => {
        const p = `plan${randomUUID().slice(0, 8)}-`;
        const planned = await store.appendMany!(planOf(p, 1500));
        const memory = new InMemoryEventStore();
        const sequential = await oneByOne(memory, planOf(p, 1500));
        expect(relative(planned)).toEqual(relative(sequential));
        const stored = await collect(store.readAll({ streamPrefixes: [p] }));
        expect(stored.map((e) => [e.streamName, e.revision, e.data.i])).toEqual((await collect(memory.readAll())).map((e) => [e.streamName, e.revision, e.data.i]));
        expect(stored.map((e) => e.position)).toEqual(stored.map((_, i) => stored[0]!.position + BigInt(i)));
      });
    });

    it('appendMany over appends already stored (an import run twice) answers where they are and adds only the new ones', async () => {
      await withStores(1, async (store) => {
        const p = `again${randomUUID().slice(0, 8)}-`;
        const plan = planOf(p, 900);
        const first = await store.appendMany!((done) => (done.length < 400 ? plan(done) : undefined));
        const whole = await store.appendMany!(plan);
        expect(whole.slice(0, 400)).toEqual(first);
        expect(relative(whole)).toEqual(relative(await oneByOne(new InMemoryEventStore(), planOf(p, 900))));
        const stored = await collect(store.readAll({ streamPrefixes: [p] }));
        expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
        expect(stored).toHaveLength(900 + 300); // every third append carries two events
        expect(stored.map((e) => e.data.i)).toEqual(stored.map((e) => e.data.i).sort((a, b) => Number(a) - Number(b)));
      });
    });

    it('a refusal deep in an appendMany (a stale expected revision at append 450) stores none of it', async () => {
      await withStores(1, async (store) => {
        const p = `stale${randomUUID().slice(0, 8)}-`;
        const error = await store.appendMany!(planOf(p, 600, 450)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).streamName).toBe(`${p}s-${450 % 7}`);
        expect(await collect(store.readAll({ streamPrefixes: [p] }))).toEqual([]);
      });
    });

    it('an event id stored in another stream is refused, naming that stream', async () => {
      await withStores(1, async (store) => {
        const e = event();
        await store.append(`x${e.id}`, [e]);
        const error = await store.append(`y${e.id}`, [e]).catch((x: unknown) => x);
        expect(error).toBeInstanceOf(IdempotencyConflictError);
        expect((error as Error).message).toBe(`stream y${e.id}: event ${e.id} is already stored in stream x${e.id}`);
      });
    });
  });
});
