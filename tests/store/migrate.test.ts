import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, migrate, MigrationMismatchError } from '../../src/app/migrate.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { collect, type EventStore, type EventToAppend, type RecordedEvent } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sqlite = (name = 'log.db') => openSqliteStore(join(dir, name), { create: true });

const meta = (seenUpTo: bigint | number, extra: Record<string, unknown> = {}) => ({
  eventId: randomUUID(),
  instanceId: 'i-1',
  role: 'explorer',
  at: '2026-01-02T03:04:05.000Z',
  seenUpTo: String(seenUpTo),
  schemaVersion: 1,
  ...extra,
});
const ev = (type: string, data: Record<string, unknown>, metadata: Record<string, unknown>): EventToAppend => ({ id: randomUUID(), type, data, metadata });

/**
 * A small log with what a real one has: interleaved streams, a multi-event batch, unicode,
 * nested data, and position-valued fields pointing at earlier events.
 */
async function fill(store: EventStore): Promise<void> {
  await store.append('instance-i-1', [ev('InstanceJoined', { instanceId: 'i-1', role: 'explorer' }, meta(0))], { expectedRevision: 'no_stream' });
  await store.append('task-t-1', [ev('TaskProposed', { taskId: 't-1', title: 'Ünïcode ✓ 日本語 🧭', tags: ['a', 'b'] }, meta(0))]);
  const finding = await store.append('finding-f-1', [ev('FindingRecorded', { findingId: 'f-1', summary: 'x', cites: [], nested: { deep: [1, { two: null }] } }, meta(0))]);
  await store.append('task-t-1', [ev('TaskClaimed', { taskId: 't-1', leaseUntil: '2026-01-02T04:00:00.000Z' }, meta(0)), ev('ClaimRenewed', { taskId: 't-1' }, meta(0))], {
    expectedRevision: 0n,
  });
  await store.append('instance-i-1', [ev('InstanceSynced', { instanceId: 'i-1', upTo: String(finding.position) }, meta(0))], { expectedRevision: 0n });
  await store.append('finding-f-2', [ev('FindingRecorded', { findingId: 'f-2', summary: 'y', cites: ['f-1'] }, meta(finding.position, { causationId: 'c-1' }))]);
  await store.append('message-m-1', [ev('MessagePosted', { to: 'all', body: 'quotes " and \\ and \n' }, meta(finding.position))]);
  for (let i = 0; i < 12; i++) await store.append(`task-t-${2 + (i % 3)}`, [ev('TaskProposed', { taskId: `t-${i}`, i }, meta(finding.position))]);
}

/** The log without positions, which each store assigns for itself. */
const content = async (store: EventStore) => (await collect(store.readAll())).map(({ position: _, ...rest }) => rest);

describe('migrate', () => {
  it('copies an in-memory log into SQLite exactly, and verifies it', async () => {
    const from = new InMemoryEventStore();
    await fill(from);
    const to = sqlite();
    const progress: [number, number][] = [];
    const result = await migrate({ from, to, onProgress: (copied, total) => progress.push([copied, total]) });
    expect(result).toMatchObject({ copied: 20, skipped: 0, total: 20 });
    expect(result.targetHash).toBe(result.sourceHash);
    expect(result.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await content(to)).toStrictEqual(await content(from));
    expect(progress[0]).toEqual([0, 20]);
    expect(progress.at(-1)).toEqual([20, 20]);
    await to.close();
  });

  it('copies a SQLite log into memory exactly, and verifies it', async () => {
    const from = sqlite();
    await fill(from);
    const to = new InMemoryEventStore();
    const result = await migrate({ from, to });
    expect(result).toMatchObject({ copied: 20, skipped: 0, total: 20 });
    expect(result.targetHash).toBe(result.sourceHash);
    expect(await content(to)).toStrictEqual(await content(from));
    // Streams come back whole, at their revisions.
    expect((await collect(to.readStream('task-t-1'))).map((e) => [e.type, e.revision])).toEqual([
      ['TaskProposed', 0n],
      ['TaskClaimed', 1n],
      ['ClaimRenewed', 2n],
    ]);
    await from.close();
  });

  it('an interrupted copy resumes where it stopped, skipping what is there without appending it again', async () => {
    const from = new InMemoryEventStore();
    await fill(from);
    const to = sqlite();
    const stop = new AbortController();
    const error = await migrate({ from, to, batchSize: 1, signal: stop.signal, onProgress: (copied) => copied === 7 && stop.abort() }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(await collect(to.readAll())).toHaveLength(7);

    let appends = 0;
    const counting = withAppend(to, (...args) => (appends++, to.append(...args)));
    const resumed = await migrate({ from, to: counting });
    expect(resumed).toMatchObject({ copied: 13, skipped: 7, total: 20 });
    expect(appends).toBe(13);
    expect(resumed.targetHash).toBe(resumed.sourceHash);
    expect(await content(to)).toStrictEqual(await content(from));

    // Once complete, running it again copies nothing and still verifies.
    expect(await migrate({ from, to })).toMatchObject({ copied: 0, skipped: 20, total: 20 });
    await to.close();
  });

  it('detects a target that was tampered with after the copy', async () => {
    const from = new InMemoryEventStore();
    await fill(from);
    const path = join(dir, 'log.db');
    const to = openSqliteStore(path, { create: true });
    await migrate({ from, to });
    const db = new Database(path);
    db.prepare("UPDATE events SET data = json_set(data, '$.summary', 'edited') WHERE type = 'FindingRecorded' AND stream_name = 'finding-f-2'").run();
    db.close();
    const error = await migrate({ from, to }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationMismatchError);
    expect((error as Error).message).toMatch(/verification failed: the target's events differ/);
    await to.close();
  });

  it('detects a target that does not store what it was given', async () => {
    const from = new InMemoryEventStore();
    await fill(from);
    const inner = new InMemoryEventStore();
    // A lossy store: drops the unicode from one field.
    const lossy = withAppend(inner, (stream, events, options) =>
      inner.append(stream, events.map((e) => (typeof e.data.title === 'string' ? { ...e, data: { ...e.data, title: e.data.title.replace(/[^\x20-\x7e]/g, '?') } } : e)), options),
    );
    await expect(migrate({ from, to: lossy })).rejects.toThrow(MigrationMismatchError);
  });

  it('refuses a target that holds another log, before copying anything', async () => {
    const from = new InMemoryEventStore();
    await fill(from);
    const to = new InMemoryEventStore();
    await to.append('task-other', [ev('TaskProposed', {}, meta(0))]);
    await expect(migrate({ from, to })).rejects.toThrow(/not an earlier copy of this log/);
    expect(await collect(to.readAll())).toHaveLength(1);

    const longer = new InMemoryEventStore();
    await migrate({ from, to: longer });
    const shorter = new InMemoryEventStore();
    for (const e of (await collect(from.readAll())).slice(0, 5)) {
      await shorter.append(e.streamName, [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }]);
    }
    await expect(migrate({ from: shorter, to: longer })).rejects.toThrow(/beyond the end of the source/);
  });

  it('translates position-valued fields when the target numbers positions differently', async () => {
    const from = new InMemoryEventStore();
    await fill(from);
    const to = sparse(new InMemoryEventStore(), 1000n);
    const result = await migrate({ from, to });
    expect(result.targetHash).toBe(result.sourceHash);

    const source = await collect(from.readAll());
    const target = await collect(to.readAll());
    const findingAt = (log: RecordedEvent[]) => log.find((e) => e.streamName === 'finding-f-1')!.position;
    expect(findingAt(target)).toBe(findingAt(source) * 1000n);
    const synced = target.find((e) => e.type === 'InstanceSynced')!;
    expect(synced.data.upTo).toBe(String(findingAt(target)));
    const later = target.find((e) => e.streamName === 'finding-f-2')!;
    expect(later.metadata.seenUpTo).toBe(String(findingAt(target)));
    expect(later.metadata.causationId).toBe('c-1');
    expect(target.find((e) => e.type === 'InstanceJoined')!.metadata.seenUpTo).toBe('0');
    // Everything else is as it was.
    const strip = (log: RecordedEvent[]) => log.map(({ position: _p, data: { upTo: _u, ...data }, metadata: { seenUpTo: _s, ...metadata }, ...rest }) => ({ ...rest, data, metadata }));
    expect(strip(target)).toStrictEqual(strip(source));

    // Resuming rebuilds the translation from the pairs, so a complete copy still verifies.
    expect(await migrate({ from, to })).toMatchObject({ copied: 0, skipped: 20, sourceHash: result.sourceHash });
  });

  it('migrates an empty log to an empty log', async () => {
    const result = await migrate({ from: new InMemoryEventStore(), to: new InMemoryEventStore() });
    expect(result).toMatchObject({ copied: 0, skipped: 0, total: 0 });
    expect(result.targetHash).toBe(result.sourceHash);
  });

  it('hashes data and metadata as canonical JSON: key order does not matter, values do', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});

/** The same store with its append replaced. */
const withAppend = (store: EventStore, append: EventStore['append']): EventStore => ({
  append,
  readStream: (stream, options) => store.readStream(stream, options),
  readAll: (options) => store.readAll(options),
  subscribe: (options) => store.subscribe(options),
  headPosition: () => store.headPosition(),
  close: () => store.close(),
});

/** A store whose positions are `k` apart, as KurrentDB's byte offsets are: unlike the source's. */
function sparse(inner: EventStore, k: bigint): EventStore {
  const out = (e: RecordedEvent): RecordedEvent => ({ ...e, position: e.position * k });
  return {
    async append(stream, events, options) {
      const result = await inner.append(stream, events, options);
      return { ...result, position: result.position * k };
    },
    async *readStream(stream, options) {
      for await (const e of inner.readStream(stream, options)) yield out(e);
    },
    async *readAll(options = {}) {
      const after = options.after === undefined ? undefined : options.after / k;
      const before = options.before === undefined ? undefined : (options.before + k - 1n) / k;
      for await (const e of inner.readAll({ ...options, after, before })) yield out(e);
    },
    subscribe: () => {
      throw new Error('not needed here');
    },
    headPosition: async () => (await inner.headPosition()) * k,
    close: () => inner.close(),
  };
}
