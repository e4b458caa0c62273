/**
 * What only the SQLite adapter promises: many processes on one file, durability across
 * kill -9, cross-process wake-ups, corrupted rows and unusable files reported clearly.
 * Child processes run the compiled adapter in dist/ (`npm run build` first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptEventError, IdempotencyConflictError, StoreUnavailableError, ValidationError } from '../../src/errors.js';
import { collect, type EventToAppend, type RecordedEvent } from '../../src/store/port.js';
import { openSqliteStore, type SqliteEventStore } from '../../src/store/sqlite.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const compiled = fileURLToPath(new URL('../../dist/src/store/sqlite.js', import.meta.url));

const event = (data: Record<string, unknown> = {}): EventToAppend => ({ id: randomUUID(), type: 'Noted', data, metadata: {} });

let dir: string;
let dbPath: string;
const open: SqliteEventStore[] = [];
const children: ChildProcess[] = [];

const openStore = (path = dbPath, create = true): SqliteEventStore => {
  const store = openSqliteStore(path, { create });
  open.push(store);
  return store;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-sqlite-specific-'));
  dbPath = join(dir, 'log.db');
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const store of open.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Spawns a fixture script; lines of its stdout arrive through `lines`. */
function run(script: string, args: string[]) {
  const child = spawn(process.execPath, [join(fixtures, script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const lineCount = async (n: number, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (lines.length < n) {
      if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}) after ${lines.length} lines: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`${script} printed ${lines.length} of ${n} lines: ${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return { child, lines, lineCount, exited, stderr: () => stderr };
}

describe('sqlite: opening', () => {
  it('the fixtures run the compiled adapter, so it must be built', () => {
    expect(existsSync(compiled), `${compiled} missing: run \`npm run build\``).toBe(true);
  });

  it('creates a WAL-mode log, starting empty at head 0 with the first position 1', async () => {
    const store = openStore();
    expect(await store.headPosition()).toBe(0n);
    const result = await store.append('s', [event()]);
    expect(result.position).toBe(1n);
    const raw = new Database(dbPath, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('without create, a missing file is StoreUnavailableError pointing at `cairn init`, and nothing is created', () => {
    const error = captureSync(() => openSqliteStore(dbPath));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe(`no cairn log at ${dbPath}; run \`cairn init\``);
    expect(existsSync(dbPath)).toBe(false);
  });

  it('a directory that does not exist is StoreUnavailableError naming it', () => {
    const missing = join(dir, 'nope', 'deeper');
    const error = captureSync(() => openSqliteStore(join(missing, 'log.db'), { create: true }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(missing);
    expect((error as Error).message).toContain('does not exist');
  });

  it('a file that is not a SQLite database is StoreUnavailableError, and the file is left alone', () => {
    const text = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(dbPath, text);
    for (const create of [false, true]) {
      const error = captureSync(() => openSqliteStore(dbPath, { create }));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toContain(dbPath);
      expect((error as Error).message).toContain('not a SQLite database');
    }
    expect(readFileSync(dbPath, 'utf8')).toBe(text);
  });

  it('a SQLite database without a cairn log is refused unless creating', () => {
    const raw = new Database(dbPath);
    raw.exec('CREATE TABLE notes (x TEXT)');
    raw.close();
    const error = captureSync(() => openSqliteStore(dbPath));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('not a cairn log');
  });

  it('a log from a newer schema is refused', () => {
    openStore();
    const raw = new Database(dbPath);
    raw.pragma('user_version = 99');
    raw.close();
    const error = captureSync(() => openSqliteStore(dbPath));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('newer cairn');
  });

  it('keeps everything across close and reopen, and never reuses a position', async () => {
    const first = openSqliteStore(dbPath, { create: true });
    const batch = [event({ a: 1 }), event({ b: 2 })];
    await first.append('s', batch);
    await first.close();
    const raw = new Database(dbPath);
    raw.prepare('DELETE FROM events WHERE position = 2').run();
    raw.close();

    const second = openStore(dbPath, false);
    const read = await collect(second.readAll());
    expect(read.map((e) => [e.id, e.position, e.data])).toEqual([[batch[0]!.id, 1n, { a: 1 }]]);
    const next = await second.append('t', [event()]);
    expect(next.position).toBe(3n);
  });

  it('operations on a closed store are StoreUnavailableError', async () => {
    const store = openSqliteStore(dbPath, { create: true });
    await store.close();
    await store.close(); // idempotent
    await expect(store.append('s', [event()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(collect(store.readAll())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('sqlite: append rules beyond the port', () => {
  it('an event id already stored in another stream is an IdempotencyConflictError naming that stream', async () => {
    const store = openStore();
    const shared = event();
    await store.append('task-1', [shared]);
    const error = await store.append('task-2', [event(), shared]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyConflictError);
    expect((error as IdempotencyConflictError).eventIds).toEqual([shared.id]);
    expect((error as Error).message).toContain('task-1');
    expect(await collect(store.readStream('task-2'))).toEqual([]);
  });

  it('the same id twice in one batch is a ValidationError and appends nothing', async () => {
    const store = openStore();
    const e = event();
    const error = await store.append('s', [e, event(), e]).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.field).toBe('events.2.id');
    expect(await store.headPosition()).toBe(0n);
  });

  it('data that is not JSON-serialisable is a ValidationError naming the field', async () => {
    const store = openStore();
    const error = await store.append('s', [event(), { ...event(), data: { n: 1n } }]).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.field).toBe('events.1.data');
    expect(await store.headPosition()).toBe(0n);
  });

  it('an empty batch checks the expected revision and appends nothing', async () => {
    const store = openStore();
    expect(await store.append('s', [], { expectedRevision: 'no_stream' })).toEqual({ nextExpectedRevision: -1n, position: 0n });
    await store.append('s', [event(), event()]);
    expect(await store.append('s', [], { expectedRevision: 1n })).toEqual({ nextExpectedRevision: 1n, position: 2n });
    await expect(store.append('s', [], { expectedRevision: 'no_stream' })).rejects.toThrow('expected revision no_stream');
  });

  it('reads page by page: exact counts and order across page boundaries', async () => {
    const store = openStore();
    const all: EventToAppend[] = [];
    for (let i = 0; i < 5; i++) {
      const batch = Array.from({ length: 250 }, (_, n) => event({ n: i * 250 + n }));
      await store.append(i % 2 === 0 ? 'even' : 'odd', batch);
      all.push(...batch);
    }
    for (const maxCount of [499, 500, 501, 1000, 1249, 1250, 5000]) {
      const forwards = await collect(store.readAll({ maxCount }));
      expect(forwards.map((e) => e.id)).toEqual(all.slice(0, maxCount).map((e) => e.id));
      const backwards = await collect(store.readAll({ direction: 'backwards', maxCount }));
      expect(backwards.map((e) => e.id)).toEqual([...all].reverse().slice(0, maxCount).map((e) => e.id));
    }
    const even = all.filter((_, i) => Math.floor(i / 250) % 2 === 0);
    expect((await collect(store.readStream('even'))).map((e) => e.id)).toEqual(even.map((e) => e.id));
    expect((await collect(store.readStream('even', { direction: 'backwards', fromRevision: 600n }))).map((e) => e.revision)).toEqual(
      Array.from({ length: 601 }, (_, i) => BigInt(600 - i)),
    );
    const odd = await collect(store.readAll({ after: 100n, before: 1100n, streamPrefixes: ['odd'] }));
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => BigInt(from + i));
    expect(odd.map((e) => e.position)).toEqual([...range(251, 250), ...range(751, 250)]);
  });
});

describe('sqlite: corrupted rows', () => {
  async function corrupt(sql: string): Promise<{ store: SqliteEventStore; position: bigint }> {
    const store = openStore();
    await store.append('s', [event({ ok: 1 })]);
    const bad = await store.append('s', [event({ ok: 2 })]);
    await store.append('s', [event({ ok: 3 })]);
    const raw = new Database(dbPath);
    raw.prepare(sql).run(bad.position);
    raw.close();
    return { store, position: bad.position };
  }

  async function expectCorruptAt(read: Promise<unknown>, position: bigint, reason: string): Promise<void> {
    const error = await read.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptEventError);
    expect((error as CorruptEventError).position).toBe(position);
    expect((error as Error).message).toContain(`position ${position}`);
    expect((error as Error).message).toContain(reason);
  }

  it('invalid JSON in data names the position, in every kind of read', async () => {
    const { store, position } = await corrupt("UPDATE events SET data = '{\"truncated\": ' WHERE position = ?");
    await expectCorruptAt(collect(store.readStream('s')), position, 'data is not valid JSON');
    await expectCorruptAt(collect(store.readStream('s', { direction: 'backwards' })), position, 'data');
    await expectCorruptAt(collect(store.readAll()), position, 'data');
    const sub = store.subscribe();
    await expectCorruptAt(collect(sub), position, 'data');
    await sub.close();
    // Reads that do not reach the row still work.
    expect(await collect(store.readStream('s', { maxCount: 1 }))).toHaveLength(1);
  });

  it('metadata that is JSON but not an object names the position', async () => {
    const { store, position } = await corrupt("UPDATE events SET metadata = '[1, 2]' WHERE position = ?");
    await expectCorruptAt(collect(store.readAll()), position, 'metadata is not a JSON object');
  });

  it('a NULL where a value must be names the position', async () => {
    // A file written by another tool, without cairn's NOT NULL constraints.
    const raw = new Database(dbPath);
    raw.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_name TEXT, revision INTEGER,
      event_id TEXT UNIQUE, type TEXT, data TEXT, metadata TEXT, UNIQUE (stream_name, revision));
      INSERT INTO events VALUES (1, 's', 0, 'a', 'Noted', '{}', '{}');
      INSERT INTO events VALUES (2, 's', 1, 'b', NULL, '{}', '{}');
      INSERT INTO events VALUES (3, 's', 2, 'c', 'Noted', NULL, '{}');
      INSERT INTO events VALUES (4, 't', NULL, 'd', 'Noted', '{}', '{}');`);
    raw.close();
    const store = openStore(dbPath, false);
    await expectCorruptAt(collect(store.readAll()), 2n, 'type is NULL');
    await expectCorruptAt(collect(store.readAll({ after: 2n })), 3n, 'data is NULL');
    await expectCorruptAt(collect(store.readAll({ after: 3n })), 4n, 'revision is NULL');
  });
});

describe('sqlite: subscriptions', () => {
  it('wakes on an append made through another connection in this process', async () => {
    const writer = openStore();
    const reader = openStore();
    const sub = reader.subscribe({ after: 0n });
    const it = sub[Symbol.asyncIterator]();
    const pending = it.next();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the reader is idle, waiting
    const sent = event();
    const started = performance.now();
    await writer.append('s', [sent]);
    const got = await pending;
    const latency = performance.now() - started;
    expect(got.done).toBe(false);
    expect((got.value as RecordedEvent).id).toBe(sent.id);
    expect(latency).toBeLessThan(1000);
    await sub.close();
  });

  it('closing the store ends its subscriptions', async () => {
    const store = openSqliteStore(dbPath, { create: true });
    const sub = store.subscribe();
    const loop = collect(sub);
    await store.append('s', [event()]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await store.close();
    const delivered = await Promise.race([loop, new Promise((resolve) => setTimeout(() => resolve('still running'), 3000))]);
    expect(delivered).toHaveLength(1);
  });

  it('a subscription in this process wakes on appends from another process, promptly', async () => {
    const store = openStore();
    const sub = store.subscribe({ after: await store.headPosition(), streamPrefixes: ['ping-'] });
    const it = sub[Symbol.asyncIterator]();
    const child = run('append-later.mjs', [dbPath, 'ping-1', '3', '200']);
    const received: Array<{ id: string; receivedAt: number }> = [];
    for (let i = 0; i < 3; i++) {
      const next = await Promise.race([it.next(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
      if (next === 'timeout' || next.done) throw new Error(`no event ${i}: ${child.stderr()}`);
      received.push({ id: next.value.id, receivedAt: performance.timeOrigin + performance.now() });
    }
    expect(await child.exited).toBe(0);
    const acked = child.lines.map((l) => JSON.parse(l) as { id: string; ackedAt: number });
    expect(received.map((r) => r.id)).toEqual(acked.map((a) => a.id));
    for (let i = 0; i < 3; i++) expect(received[i]!.receivedAt - acked[i]!.ackedAt).toBeLessThan(1000);
    await sub.close();
  });

  it('a waiting process wakes on an append from this process, then exits by itself', async () => {
    const store = openStore();
    await store.append('task-0', [event()]);
    const waiter = run('wait-for-event.mjs', [dbPath, 'task-']);
    await waiter.lineCount(1);
    expect(waiter.lines[0]).toBe('subscribed');
    await new Promise((resolve) => setTimeout(resolve, 100)); // it is idle now
    await store.append('message-1', [event()]); // not for it
    const sent = event();
    await store.append('task-1', [sent]);
    const ackedAt = performance.timeOrigin + performance.now();
    await waiter.lineCount(2);
    const got = JSON.parse(waiter.lines[1]!) as { id: string; receivedAt: number };
    expect(got.id).toBe(sent.id);
    expect(got.receivedAt - ackedAt).toBeLessThan(1000);
    const code = await Promise.race([waiter.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(code).toBe(0);
  });
});

describe('sqlite: subscriptions over a big log', () => {
  it('a rarely matching filter delivers exactly its events, across pages, then live', async () => {
    const store = openStore();
    const wanted: string[] = [];
    for (let round = 0; round < 3; round++) {
      await store.append('noise', Array.from({ length: 700 }, () => event()));
      const hit = event();
      await store.append(`rare-${round}`, [hit]);
      wanted.push(hit.id);
    }
    const sub = store.subscribe({ streamPrefixes: ['rare-'] });
    const it = sub[Symbol.asyncIterator]();
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(((await it.next()).value as RecordedEvent).id);
    expect(got).toEqual(wanted);
    const waiting = it.next();
    await store.append('noise', Array.from({ length: 600 }, () => event()));
    const live = event();
    await store.append('rare-live', [live]);
    expect(((await waiting).value as RecordedEvent).id).toBe(live.id);
    await sub.close();
  });

  it('positions beyond the 64-bit range read as empty instead of failing', async () => {
    const store = openStore();
    await store.append('s', [event()]);
    expect(await collect(store.readAll({ after: 2n ** 70n }))).toEqual([]);
    expect(await collect(store.readAll({ direction: 'backwards', before: 2n ** 70n }))).toHaveLength(1);
    expect(await collect(store.readStream('s', { fromRevision: 2n ** 70n }))).toEqual([]);
  });

  it('a subscription closed or aborted before it is iterated does not keep the process alive', async () => {
    await openStore().close(); // just create the file
    const script = `
      import { openSqliteStore } from ${JSON.stringify(compiled)};
      const store = openSqliteStore(${JSON.stringify(dbPath)});
      await store.subscribe().close();
      store.subscribe({ signal: AbortSignal.abort() });
      const controller = new AbortController();
      store.subscribe({ signal: controller.signal });
      controller.abort();
      console.log('done'); // and no store.close(): nothing may be left polling`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const code = await Promise.race([
      new Promise((resolve) => child.on('close', resolve)),
      new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000)),
    ]);
    expect(code, output).toBe(0);
    expect(output.trim()).toBe('done');
  });
});

describe('sqlite: many processes on one file', () => {
  it('every acknowledged event is stored exactly once, positions unique and increasing, revisions contiguous', async () => {
    const workers = 5;
    const count = 200;
    // They also race to create the file: none of them finds it there.
    const procs = Array.from({ length: workers }, (_, w) => run('append-worker.mjs', [dbPath, String(w), String(count)]));
    await Promise.all(procs.map((p) => p.lineCount(1)));
    for (const p of procs) p.child.stdin!.end('go\n');
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes, procs.map((p) => p.stderr()).join('\n')).toEqual(Array(workers).fill(0));

    const reports = procs.map(
      (p) =>
        JSON.parse(p.lines[1]!) as {
          acks: Array<{ id: string; stream: string; revision: string; position?: string }>;
          retries: { counter: number; idempotent: number };
        },
    );
    const acks = reports.flatMap((r) => r.acks);
    const store = openStore(dbPath, false);
    const all = await collect(store.readAll());

    // Exactly once, and nothing that was not acknowledged.
    const byId = new Map(all.map((e) => [e.id, e]));
    expect(byId.size).toBe(all.length);
    expect(all).toHaveLength(acks.length);
    for (const a of acks) {
      const stored = byId.get(a.id);
      expect(stored, a.id).toBeDefined();
      expect(stored!.streamName).toBe(a.stream);
      expect(String(stored!.revision)).toBe(a.revision);
      if (a.position !== undefined) expect(String(stored!.position)).toBe(a.position);
    }
    // Positions strictly increasing in log order.
    for (let i = 1; i < all.length; i++) expect(all[i]!.position > all[i - 1]!.position).toBe(true);
    // Per-stream revisions contiguous from 0, in log order.
    const streams = new Map<string, bigint[]>();
    for (const e of all) streams.set(e.streamName, [...(streams.get(e.streamName) ?? []), e.revision]);
    for (const [name, revisions] of streams) {
      expect(revisions, name).toEqual(revisions.map((_, i) => BigInt(i)));
    }
    expect(streams.get('shared')).toHaveLength(workers * count);
    expect(streams.get('counter')).toHaveLength(workers * (count / 4));
    expect(streams.get('batches')).toHaveLength(workers * (count / 10) * 3);
    for (let w = 0; w < workers; w++) {
      const own = await collect(store.readStream(`own-${w}`));
      expect(own.map((e) => e.data['n'])).toEqual(Array.from({ length: count }, (_, n) => n));
    }
    // Batches were never interleaved with other appends.
    const batchEvents = all.filter((e) => e.streamName === 'batches');
    for (let i = 0; i < batchEvents.length; i += 3) {
      expect(batchEvents[i + 2]!.position - batchEvents[i]!.position).toBe(2n);
    }
    expect(reports.reduce((sum, r) => sum + r.retries.idempotent, 0)).toBe(workers * (count / 25));
    // The workers really ran at once: their appends to the shared stream interleave.
    const writers = all.filter((e) => e.streamName === 'shared').map((e) => e.data['worker']);
    const switches = writers.filter((w, i) => i > 0 && w !== writers[i - 1]).length;
    expect(switches).toBeGreaterThan(workers * 2);
  });

  it('nothing acknowledged is lost when the appending process is killed with SIGKILL', async () => {
    mkdirSync(dir, { recursive: true });
    const writer = run('append-until-killed.mjs', [dbPath]);
    await writer.lineCount(400);
    writer.child.kill('SIGKILL');
    await writer.exited;
    const acknowledged = [...writer.lines];
    expect(writer.child.signalCode).toBe('SIGKILL');

    const store = openStore(dbPath, false);
    const all = await collect(store.readAll());
    const stored = new Set(all.map((e) => e.id));
    expect(stored.size).toBe(all.length);
    const missing = acknowledged.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    // The log is still consistent and writable after the crash.
    await store.append('after-crash', [event()], { expectedRevision: 'no_stream' });
    for (let i = 1; i < all.length; i++) expect(all[i]!.position > all[i - 1]!.position).toBe(true);
  });
});

function captureSync(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
