import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError } from '../../src/errors.js';
import { collect, type AppendResult, type StreamAppend } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

/** SQLite's appendMany: what import copies a log with. One write, all or none, each append checked. */
describe('SqliteEventStore.appendMany', () => {
  const event = (data: Record<string, unknown>) => ({ id: randomUUID(), type: 'Noted', data, metadata: {} });

  it('appends in one write, and each append sees where the earlier ones landed', async () => {
    const store = openSqliteStore(':memory:', { create: true });
    await store.append('s-0', [event({ n: 0 })]);
    const plan = ['s-1', 's-2', 's-1', 's-3'];
    const results = await store.appendMany((done: readonly AppendResult[]): StreamAppend | undefined =>
      done.length < plan.length
        ? { streamName: plan[done.length]!, events: [event({ previous: String(done[done.length - 1]?.position ?? 0n) })], expectedRevision: 'any' }
        : undefined,
    );
    expect(results.map((r) => r.position)).toEqual([2n, 3n, 4n, 5n]);
    const events = await collect(store.readAll({ after: 1n }));
    expect(events.map((e) => e.data.previous)).toEqual(['0', '2', '3', '4']);
    expect(events.map((e) => `${e.streamName}@${e.revision}`)).toEqual(['s-1@0', 's-2@0', 's-1@1', 's-3@0']);
    await store.close();
  });

  it('a refused append anywhere appends none of them', async () => {
    const store = openSqliteStore(':memory:', { create: true });
    await store.append('taken', [event({})]);
    const plan: StreamAppend[] = [
      { streamName: 'a', events: [event({})], expectedRevision: 'no_stream' },
      { streamName: 'taken', events: [event({})], expectedRevision: 'no_stream' },
    ];
    await expect(store.appendMany((done) => plan[done.length])).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.headPosition()).toBe(1n);
    expect(await collect(store.readStream('a'))).toEqual([]);
    await store.close();
  });
});
