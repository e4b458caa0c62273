/**
 * The KurrentDB adapter. Against a real server (KURRENTDB_URL, or a container when a Docker
 * engine is present) it runs the shared conformance suite; without one that part is skipped
 * with one line saying why. The unavailable-server tests always run: they need no server.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { openKurrentDbStore } from '../../src/store/kurrentdb.js';
import { resilientFeed, type LiveFeed } from '../../src/store/resilient-feed.js';
import { openStore } from '../../src/store/open.js';
import { collect, type EventStore, type EventToAppend, type RecordedEvent } from '../../src/store/port.js';
import { runConformanceSuite } from './conformance.js';

const IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:latest';
const event = (): EventToAppend => ({ id: randomUUID(), type: 'Noted', data: { n: 1 }, metadata: {} });

/** Where a server can be had: KURRENTDB_URL, else a container if a Docker engine answers. */
async function serverSource(): Promise<{ url: string } | { docker: true } | { skip: string }> {
  if (process.env.KURRENTDB_URL) return { url: process.env.KURRENTDB_URL };
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) {
    return { skip: 'KURRENTDB_URL is not set and no Docker engine is available' };
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { docker: true };
  } catch (error) {
    return { skip: `KURRENTDB_URL is not set and the Docker engine did not answer (${error instanceof Error ? error.message : String(error)})` };
  }
}

const source = await serverSource();
if ('skip' in source) console.log(`kurrentdb conformance skipped: ${source.skip}`);

async function startKurrentDb(hostPort?: number): Promise<{ container: StartedTestContainer; url: string }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(IMAGE)
    .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_CLUSTER_SIZE: '1' })
    .withExposedPorts(hostPort === undefined ? 2113 : { container: 2113, host: hostPort })
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
    .withStartupTimeout(180_000)
    .start();
  return { container, url: `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false` };
}

describe.skipIf('skip' in source)('KurrentDB server', () => {
  let url = 'url' in source ? source.url : '';
  let container: StartedTestContainer | undefined;

  beforeAll(async () => {
    if (url) return;
    ({ container, url } = await startKurrentDb());
  }, 240_000);

  afterAll(async () => {
    await container?.stop();
  });

  runConformanceSuite('kurrentdb', async () => ({ store: await openKurrentDbStore(url) }));

  it('a position typed by a person (not an event’s) reads as it would on any store', async () => {
    const store = await openKurrentDbStore(url);
    try {
      const p = `typed${randomUUID().slice(0, 8)}-`;
      await store.append(`${p}s`, [event(), event(), event()]);
      const [e1, e2, e3] = await collect(store.readAll({ streamPrefixes: [p] }));
      // e1.position + 1 falls inside e1's record: the server refuses it as a read position.
      expect((await collect(store.readAll({ after: e1!.position + 1n, streamPrefixes: [p] }))).map((e) => e.id)).toEqual([e2!.id, e3!.id]);
      expect((await collect(store.readAll({ direction: 'backwards', before: e2!.position + 1n, streamPrefixes: [p] }))).map((e) => e.id)).toEqual([
        e2!.id,
        e1!.id,
      ]);
      const sub = store.subscribe({ after: e1!.position + 1n, streamPrefixes: [p] });
      expect((await take(sub[Symbol.asyncIterator](), 2)).map((e) => e.id)).toEqual([e2!.id, e3!.id]);
      await sub.close();
    } finally {
      await store.close();
    }
  });

  it.skipIf(!existsSync(new URL('../../dist/src/store/kurrentdb.js', import.meta.url)))(
    'a process that used the store exits by itself after close() (the CLI relies on it)',
    () => {
      const script = `
        const { openKurrentDbStore } = await import('./dist/src/store/kurrentdb.js');
        const store = await openKurrentDbStore(process.env.URL);
        const p = 'exit' + Date.now() + '-';
        await store.append(p + 's', [{ id: crypto.randomUUID(), type: 'Noted', data: {}, metadata: {} }]);
        for await (const e of store.readAll({ direction: 'backwards', maxCount: 1 })) void e;
        const sub = store.subscribe({ streamPrefixes: [p] });
        await sub[Symbol.asyncIterator]().next();
        await sub.close();
        await store.close();
        console.log('closed');`;
      const started = Date.now();
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: new URL('../..', import.meta.url),
        env: { ...process.env, URL: url },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(out.trim()).toBe('closed');
      expect(Date.now() - started).toBeLessThan(30_000);
    },
  );

  it('opens through openStore, with a per-server cache directory', async () => {
    const opened = await openStore(url);
    try {
      expect(opened.describe).not.toContain('@');
      expect(opened.cacheDir).toMatch(/cairn/);
      expect(typeof (await opened.store.headPosition())).toBe('bigint');
    } finally {
      await opened.store.close();
    }
  });

  // Needs to restart the server, so only with a container of its own.
  it.skipIf('url' in source)(
    'a subscription resumes after the server restarts, losing and repeating nothing',
    async () => {
      const port = await freePort();
      const own = await startKurrentDb(port);
      const store = await openKurrentDbStore(own.url);
      try {
        const p = `restart${randomUUID().slice(0, 8)}-`;
        const before = [event(), event(), event()];
        await store.append(`${p}s`, before);
        const sub = store.subscribe({ streamPrefixes: [p] });
        const iterator = sub[Symbol.asyncIterator]();
        const received = await take(iterator, 3);
        await own.container.restart();
        const after = [event(), event(), event()];
        await appendUntilAvailable(store, `${p}s`, after);
        received.push(...(await take(iterator, 3, 90_000)));
        expect(received.map((e) => e.id)).toEqual([...before, ...after].map((e) => e.id));
        await sub.close();
      } finally {
        await store.close();
        await own.container.stop();
      }
    },
    300_000,
  );
});

describe('KurrentDB unavailable (no server needed)', () => {
  // Nothing listens on port 1: the connection is refused at once.
  const refused = 'kurrentdb://127.0.0.1:1?tls=false&defaultDeadline=2000';

  it('append rejects with StoreUnavailableError naming the host, within the deadline', async () => {
    const store = await openKurrentDbStore(refused);
    const started = Date.now();
    try {
      const error = await store.append('task-1', [event()], { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/^KurrentDB at 127\.0\.0\.1:1 is unavailable: .*ECONNREFUSED/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await store.close();
    }
  });

  it('reads and headPosition reject with StoreUnavailableError too', async () => {
    const store = await openKurrentDbStore(refused);
    try {
      await expect(collect(store.readStream('task-1'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(collect(store.readAll({ maxCount: 5 }))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.headPosition()).rejects.toThrow(/KurrentDB at 127\.0\.0\.1:1 is unavailable/);
    } finally {
      await store.close();
    }
  });

  it('a peer that accepts connections but never answers is unavailable after the deadline, not a hang', async () => {
    const peer = await silentPeer();
    const store = await openKurrentDbStore(`kurrentdb://127.0.0.1:${peer.port}?tls=false&defaultDeadline=500`);
    const started = Date.now();
    try {
      const error = await store.append('task-1', [event()]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/no answer to append to task-1 within 500 ms/);
      await expect(collect(store.readStream('task-1'))).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await store.close();
      await peer.close();
    }
  });

  it('a subscription retries, then gives up with StoreUnavailableError', async () => {
    const store = await openKurrentDbStore('kurrentdb://127.0.0.1:1?tls=false&defaultDeadline=300');
    const started = Date.now();
    try {
      const error = await collect(store.subscribe({ streamPrefixes: ['task-'] })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      // Gives up after 6 deadlines of failing, never having been confirmed.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_800);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await store.close();
    }
  });

  it('close() promptly ends a subscription that is retrying', async () => {
    const store = await openKurrentDbStore(refused);
    const sub = store.subscribe();
    const loop = collect(sub);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await sub.close();
    expect(await loop).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
    await store.close();
  });

  it('a malformed URL is StoreUnavailableError when opened; a closed store refuses calls', async () => {
    await expect(openKurrentDbStore('kurrentdb://host:notaport?tls=false')).rejects.toBeInstanceOf(StoreUnavailableError);
    const store = await openKurrentDbStore(refused);
    await store.close();
    await expect(store.append('task-1', [event()])).rejects.toThrow(/closed/);
  });

  it('openStore loads the adapter on demand for a kurrentdb:// URL', async () => {
    const opened = await openStore(refused);
    try {
      expect(opened.describe).toBe(refused);
      await expect(opened.store.append('task-1', [event()])).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await opened.store.close();
    }
  });

  it.skipIf(!existsSync(new URL('../../dist/src/store/kurrentdb.js', import.meta.url)))(
    'importing the adapter does not load the client (compiled build)',
    () => {
      const script = `
        import { createRequire } from 'node:module';
        const require = createRequire(import.meta.url);
        const loaded = () => Object.keys(require.cache).some((k) => k.includes('@kurrent'));
        const adapter = await import('./dist/src/store/kurrentdb.js');
        const before = loaded();
        await adapter.openKurrentDbStore('kurrentdb://127.0.0.1:1?tls=false').then((s) => s.close());
        console.log(JSON.stringify({ before, after: loaded() }));`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual({ before: false, after: true });
    },
  );
});

/**
 * The resubscribe loop on its own, fed by scripted feeds: this checks cairn's algorithm (resume
 * from the last delivered position, drop repeats, give up, stop on abort), not the client.
 */
describe('resilientFeed', () => {
  const at = (position: bigint): RecordedEvent => ({ id: `e${position}`, type: 'T', streamName: 's', revision: position, position, data: {}, metadata: {} });

  /** A feed that yields `positions` then fails with `error` (or ends, without one). */
  function scripted(positions: (bigint | undefined)[], error?: unknown, confirmed = true): LiveFeed & { closed: boolean } {
    const feed = {
      closed: false,
      events: (async function* () {
        for (const p of positions) yield p === undefined ? undefined : at(p);
        if (error) throw error;
      })(),
      confirmed: () => confirmed,
      close: async () => {
        feed.closed = true;
      },
    };
    return feed;
  }

  const dropped = Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 });
  const options = (signal: AbortSignal, giveUpAfterMs = 60_000) => ({
    after: 10n,
    signal,
    transient: (e: unknown) => e === dropped,
    giveUpAfterMs,
    fail: (e: unknown) => new StoreUnavailableError(`gave up: ${String(e)}`),
  });

  it('after a drop, reopens from the last delivered position and delivers each event once', async () => {
    const stop = new AbortController();
    const opened: (bigint | undefined)[] = [];
    const feeds = [
      scripted([10n, 11n, undefined, 12n], dropped), // repeats the start position, skips an unwanted event
      scripted([11n, 12n, 13n, 14n], dropped), // a resumed read that repeats what was delivered
      scripted([14n, 15n]),
    ];
    const got: bigint[] = [];
    for await (const e of resilientFeed((from) => (opened.push(from), feeds[opened.length - 1]!), options(stop.signal))) {
      got.push(e.position);
      if (got.length === 5) stop.abort();
    }
    expect(got).toEqual([11n, 12n, 13n, 14n, 15n]);
    expect(opened).toEqual([10n, 12n, 14n]);
    expect(feeds.every((f) => f.closed)).toBe(true);
  });

  it('gives up when reopening keeps failing without ever being confirmed', async () => {
    const iterator = resilientFeed(() => scripted([], dropped, false), options(new AbortController().signal, 250));
    const started = Date.now();
    await expect(collect({ [Symbol.asyncIterator]: () => iterator })).rejects.toThrow(/gave up/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('keeps going when each feed was confirmed before it dropped', async () => {
    const stop = new AbortController();
    let opens = 0;
    const got: bigint[] = [];
    const feed = resilientFeed(() => scripted([BigInt(11 + opens++)], dropped, true), options(stop.signal, 50));
    for await (const e of feed) {
      got.push(e.position);
      if (got.length === 3) stop.abort();
    }
    expect(got).toEqual([11n, 12n, 13n]);
  });

  it('a refused start position is retried once from the start, skipping up to it', async () => {
    const refusedPosition = new Error('Invalid position');
    const opened: (bigint | undefined)[] = [];
    const feeds = [scripted([], refusedPosition), scripted([3n, 9n, 10n, 11n])];
    const stop = new AbortController();
    const got: bigint[] = [];
    for await (const e of resilientFeed((from) => (opened.push(from), feeds[opened.length - 1]!), options(stop.signal))) {
      got.push(e.position);
      stop.abort();
    }
    expect(opened).toEqual([10n, undefined]);
    expect(got).toEqual([11n]);
    const again = resilientFeed(() => scripted([], refusedPosition), options(new AbortController().signal));
    await expect(collect({ [Symbol.asyncIterator]: () => again })).rejects.toThrow(/gave up: Error: Invalid position/);
  });

  it('an abort ends the iteration even while the feed is stuck', async () => {
    const stop = new AbortController();
    const stuck: LiveFeed = { events: { [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => undefined) }) }, confirmed: () => true, close: async () => undefined };
    const loop = collect({ [Symbol.asyncIterator]: () => resilientFeed(() => stuck, options(stop.signal)) });
    setTimeout(() => stop.abort(), 50);
    expect(await loop).toEqual([]);
  });
});

async function take(iterator: AsyncIterator<RecordedEvent>, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(deadline - Date.now(), 0))));
    const next = await Promise.race([iterator.next(), timeout]);
    clearTimeout(timer);
    if (next === 'timeout' || next.done) throw new Error(`got ${out.length} of ${count} events`);
    out.push(next.value);
  }
  return out;
}

/** Appends, retrying while the server comes back: safe because the event ids make it idempotent. */
async function appendUntilAvailable(store: EventStore, stream: string, events: EventToAppend[]): Promise<void> {
  for (const deadline = Date.now() + 90_000; ; ) {
    try {
      await store.append(stream, events);
      return;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A TCP peer that accepts connections and never says a word: a hung server. */
function silentPeer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
