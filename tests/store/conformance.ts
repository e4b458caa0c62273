/**
 * The one EventStore conformance suite every adapter runs unchanged. It must hold for a shared
 * KurrentDB server too, so it never assumes positions start at 1 or are contiguous, never
 * assumes it is alone in the log (every test uses fresh, randomly named streams and filters
 * by their prefix), and uses nothing adapter-specific.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyConflictError, WrongExpectedRevisionError } from '../../src/errors.js';
import {
  collect,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
  type Subscription,
} from '../../src/store/port.js';

export type MakeStore = () => Promise<{ store: EventStore; cleanup?: () => Promise<void> }>;

/** A prefix no other test (or earlier run against the same server) uses. */
const freshPrefix = (): string => `conf${randomUUID().replace(/-/g, '').slice(0, 12)}-`;

const event = (type = 'Noted', data: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata,
});
const events = (n: number, type = 'Noted'): EventToAppend[] => Array.from({ length: n }, (_, i) => event(type, { i }));

const ids = (list: Array<{ id: string }>): string[] => list.map((e) => e.id);
const positions = (recorded: RecordedEvent[]): bigint[] => recorded.map((e) => e.position);

function expectStrictlyIncreasing(values: bigint[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]! > values[i - 1]!, `${values[i]} after ${values[i - 1]}`).toBe(true);
}

/** Pulls the next `count` events from a subscription, failing if they do not come in time. */
async function nextEvents(iterator: AsyncIterator<RecordedEvent>, count: number, timeoutMs = 5000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(left, 0))));
    const result = await Promise.race([iterator.next(), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') throw new Error(`timed out waiting for event ${out.length + 1} of ${count}`);
    if (result.done) throw new Error(`subscription ended after ${out.length} of ${count} events`);
    out.push(result.value);
  }
  return out;
}

/** Resolves with how the iteration ended, or rejects if it had not ended within the timeout. */
async function endsWithin<T>(promise: Promise<T>, timeoutMs = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('did not end in time')), timeoutMs)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function runConformanceSuite(name: string, makeStore: MakeStore): void {
  describe(`EventStore conformance: ${name}`, () => {
    let store: EventStore;
    let cleanup: (() => Promise<void>) | undefined;
    let p: string;
    const subscriptions: Subscription[] = [];

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
      p = freshPrefix();
    });

    afterEach(async () => {
      for (const s of subscriptions.splice(0)) await s.close();
      await store.close();
      await cleanup?.();
    });

    const track = (s: Subscription): Subscription => {
      subscriptions.push(s);
      return s;
    };

    const rejectsWrongRevision = async (stream: string, expected: ExpectedRevision) => {
      const error = await store.append(stream, [event()], { expectedRevision: expected }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).streamName).toBe(stream);
    };

    describe('append', () => {
      it('appends to a new stream with no_stream, numbering revisions from 0', async () => {
        const batch = events(3);
        const result = await store.append(`${p}s`, batch, { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(2n);
        expect(typeof result.position).toBe('bigint');

        const read = await collect(store.readStream(`${p}s`));
        expect(ids(read)).toEqual(ids(batch));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(read.every((e) => e.streamName === `${p}s` && e.type === 'Noted')).toBe(true);
        expectStrictlyIncreasing(positions(read));
        expect(read[2]!.position).toBe(result.position);
      });

      it('reports the last revision and position of each append', async () => {
        const first = await store.append(`${p}s`, [event()]);
        const second = await store.append(`${p}s`, events(2));
        expect(first.nextExpectedRevision).toBe(0n);
        expect(second.nextExpectedRevision).toBe(2n);
        expect(second.position > first.position).toBe(true);
      });

      it('rejects no_stream when the stream exists, and appends nothing', async () => {
        await store.append(`${p}s`, [event()], { expectedRevision: 'no_stream' });
        await rejectsWrongRevision(`${p}s`, 'no_stream');
        expect(await collect(store.readStream(`${p}s`))).toHaveLength(1);
      });

      it('accepts a bigint expected revision that matches the last revision', async () => {
        await store.append(`${p}s`, events(2));
        const result = await store.append(`${p}s`, [event()], { expectedRevision: 1n });
        expect(result.nextExpectedRevision).toBe(2n);
      });

      it('rejects a bigint expected revision that is stale, ahead, or for a missing stream', async () => {
        await store.append(`${p}s`, events(2));
        await rejectsWrongRevision(`${p}s`, 0n);
        await rejectsWrongRevision(`${p}s`, 5n);
        await rejectsWrongRevision(`${p}missing`, 0n);
        expect(await collect(store.readStream(`${p}s`))).toHaveLength(2);
        expect(await collect(store.readStream(`${p}missing`))).toEqual([]);
      });

      it('stream_exists rejects a missing stream and accepts an existing one', async () => {
        await rejectsWrongRevision(`${p}s`, 'stream_exists');
        expect(await collect(store.readStream(`${p}s`))).toEqual([]);
        await store.append(`${p}s`, [event()]);
        const result = await store.append(`${p}s`, [event()], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('any (and no option) appends whether or not the stream exists', async () => {
        expect((await store.append(`${p}a`, [event()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
        expect((await store.append(`${p}a`, [event()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(1n);
        expect((await store.append(`${p}b`, [event()])).nextExpectedRevision).toBe(0n);
        expect((await store.append(`${p}b`, [event()])).nextExpectedRevision).toBe(1n);
      });

      it('of several racing appends with the same expected revision, exactly one wins', async () => {
        await store.append(`${p}s`, [event()]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 5 }, () => store.append(`${p}s`, [event()], { expectedRevision: 0n })),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((o) => o.reason instanceof WrongExpectedRevisionError)).toBe(true);
        expect(await collect(store.readStream(`${p}s`))).toHaveLength(2);
      });

      it('re-appending the same batch is a no-op that returns where it was stored', async () => {
        const batch = events(2);
        const first = await store.append(`${p}s`, batch, { expectedRevision: 'no_stream' });
        await store.append(`${p}s`, [event()]); // the stream moved on since
        // A retry after a timeout: same ids, same (now stale) expected revision.
        const retry = await store.append(`${p}s`, batch, { expectedRevision: 'no_stream' });
        const again = await store.append(`${p}s`, batch);
        expect(retry).toEqual<AppendResult>(first);
        expect(again).toEqual<AppendResult>(first);
        const read = await collect(store.readStream(`${p}s`));
        expect(read).toHaveLength(3);
        expect(new Set(ids(read)).size).toBe(3);
      });

      it('re-appending a single event returns its own revision and position', async () => {
        const one = event();
        await store.append(`${p}s`, [event()]);
        const first = await store.append(`${p}s`, [one]);
        await store.append(`${p}s`, [event()]);
        expect(await store.append(`${p}s`, [one], { expectedRevision: 0n })).toEqual(first);
        expect(first.nextExpectedRevision).toBe(1n);
        expect(await collect(store.readStream(`${p}s`))).toHaveLength(3);
      });

      it('rejects a batch that partly overlaps stored events, and appends none of it', async () => {
        const [a, b, c] = events(3);
        await store.append(`${p}s`, [a!, b!]);
        const error = await store.append(`${p}s`, [b!, c!]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(IdempotencyConflictError);
        expect((error as IdempotencyConflictError).eventIds).toEqual([b!.id]);
        expect(ids(await collect(store.readStream(`${p}s`)))).toEqual([a!.id, b!.id]);
      });

      it('appends a batch atomically: on a conflict none of it is stored', async () => {
        await store.append(`${p}s`, [event()]);
        const error = await store.append(`${p}s`, events(4), { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await collect(store.readStream(`${p}s`))).toHaveLength(1);
        expect(await collect(store.readAll({ streamPrefixes: [p] }))).toHaveLength(1);
      });

      it('stores a batch together, in order, with consecutive revisions', async () => {
        const before = await store.headPosition();
        const batch = events(5);
        const result = await store.append(`${p}s`, batch, { expectedRevision: 'no_stream' });
        const all = await collect(store.readAll({ after: before, streamPrefixes: [p] }));
        expect(ids(all)).toEqual(ids(batch));
        expect(all.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expectStrictlyIncreasing(positions(all));
        expect(all[4]!.position).toBe(result.position);
      });

      it('round-trips data and metadata exactly: unicode, nesting, arrays, numbers, null', async () => {
        const data = {
          text: 'héllo wörld ✓ — 日本語 𝄞 🧭👩🏽‍💻 \u200b "quotes" \\ back\nslash\ttab',
          nested: { deeper: { deepest: [1, 'two', { three: 3 }, [4, [5]]] }, empty: {}, list: [] },
          numbers: { int: 42, negative: -7, float: 3.14159, tiny: 1e-9, big: Number.MAX_SAFE_INTEGER, zero: 0 },
          flags: { yes: true, no: false, nothing: null },
          empty: '',
          'key with spaces and ünïcode 🔑': 'value',
        };
        const metadata = { eventId: 'x', at: '2024-01-02T03:04:05.678Z', role: 'explorer 🧭', causation: { chain: ['a', 'b'] } };
        const sent = event('Round', data, metadata);
        await store.append(`${p}s`, [sent]);
        const [read] = await collect(store.readStream(`${p}s`));
        expect(read!.data).toStrictEqual(data);
        expect(read!.metadata).toStrictEqual(metadata);
        expect(read!.type).toBe('Round');
        const [viaAll] = await collect(store.readAll({ streamPrefixes: [p] }));
        expect(viaAll!.data).toStrictEqual(data);
        expect(viaAll!.metadata).toStrictEqual(metadata);
      });

      it('keeps stream names with unicode and punctuation apart', async () => {
        await store.append(`${p}task-ü/1`, [event()]);
        await store.append(`${p}task-u/1`, events(2));
        expect(await collect(store.readStream(`${p}task-ü/1`))).toHaveLength(1);
        expect(await collect(store.readStream(`${p}task-u/1`))).toHaveLength(2);
        expect(await collect(store.readAll({ streamPrefixes: [`${p}task-ü`] }))).toHaveLength(1);
      });
    });

    describe('readStream', () => {
      let stored: EventToAppend[];
      beforeEach(async () => {
        stored = events(6);
        await store.append(`${p}s`, stored.slice(0, 4));
        await store.append(`${p}other`, events(2));
        await store.append(`${p}s`, stored.slice(4));
      });

      it('reads forwards in revision order, only that stream', async () => {
        const read = await collect(store.readStream(`${p}s`));
        expect(ids(read)).toEqual(ids(stored));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
        expectStrictlyIncreasing(positions(read));
      });

      it('reads backwards from the end', async () => {
        const read = await collect(store.readStream(`${p}s`, { direction: 'backwards' }));
        expect(ids(read)).toEqual(ids(stored).reverse());
      });

      it('reads forwards from a revision (inclusive)', async () => {
        const read = await collect(store.readStream(`${p}s`, { fromRevision: 2n }));
        expect(read.map((e) => e.revision)).toEqual([2n, 3n, 4n, 5n]);
      });

      it('reads backwards from a revision (inclusive)', async () => {
        const read = await collect(store.readStream(`${p}s`, { direction: 'backwards', fromRevision: 3n }));
        expect(read.map((e) => e.revision)).toEqual([3n, 2n, 1n, 0n]);
      });

      it('limits with maxCount in either direction', async () => {
        expect((await collect(store.readStream(`${p}s`, { maxCount: 2 }))).map((e) => e.revision)).toEqual([0n, 1n]);
        expect((await collect(store.readStream(`${p}s`, { direction: 'backwards', maxCount: 2 }))).map((e) => e.revision)).toEqual([5n, 4n]);
        expect((await collect(store.readStream(`${p}s`, { fromRevision: 3n, maxCount: 2 }))).map((e) => e.revision)).toEqual([3n, 4n]);
        expect(await collect(store.readStream(`${p}s`, { maxCount: 100 }))).toHaveLength(6);
      });

      it('reads empty past the end, and for an unknown stream in either direction', async () => {
        expect(await collect(store.readStream(`${p}s`, { fromRevision: 6n }))).toEqual([]);
        expect(await collect(store.readStream(`${p}nope`))).toEqual([]);
        expect(await collect(store.readStream(`${p}nope`, { direction: 'backwards' }))).toEqual([]);
      });
    });

    describe('readAll', () => {
      let order: EventToAppend[];
      let before: bigint;
      beforeEach(async () => {
        before = await store.headPosition();
        const t1 = events(2, 'T');
        const m1 = events(1, 'M');
        const t2 = events(2, 'T');
        const f1 = events(1, 'F');
        await store.append(`${p}task-1`, t1);
        await store.append(`${p}message-1`, m1);
        await store.append(`${p}task-2`, t2);
        await store.append(`${p}finding-1`, f1);
        order = [...t1, ...m1, ...t2, ...f1];
      });

      const ours = (read: RecordedEvent[]) => read.filter((e) => e.streamName.startsWith(p));

      it('reads forwards in append order with strictly increasing positions', async () => {
        const read = await collect(store.readAll({ after: before }));
        expectStrictlyIncreasing(positions(read));
        expect(ids(ours(read))).toEqual(ids(order));
        expect(ours(read).map((e) => e.streamName)).toEqual([
          `${p}task-1`, `${p}task-1`, `${p}message-1`, `${p}task-2`, `${p}task-2`, `${p}finding-1`,
        ]);
      });

      it('reads backwards in reverse order with strictly decreasing positions', async () => {
        const read = await collect(store.readAll({ direction: 'backwards', streamPrefixes: [p] }));
        expect(ids(read)).toEqual(ids(order).reverse());
        expectStrictlyIncreasing(positions(read).reverse());
      });

      it('forwards from `after` excludes that position', async () => {
        const all = await collect(store.readAll({ streamPrefixes: [p] }));
        const read = await collect(store.readAll({ after: all[2]!.position, streamPrefixes: [p] }));
        expect(ids(read)).toEqual(ids(order.slice(3)));
      });

      it('backwards from `before` excludes that position', async () => {
        const all = await collect(store.readAll({ streamPrefixes: [p] }));
        const read = await collect(store.readAll({ direction: 'backwards', before: all[3]!.position, streamPrefixes: [p] }));
        expect(ids(read)).toEqual(ids(order.slice(0, 3)).reverse());
      });

      it('limits with maxCount in either direction', async () => {
        expect(ids(await collect(store.readAll({ after: before, streamPrefixes: [p], maxCount: 2 })))).toEqual(ids(order.slice(0, 2)));
        expect(ids(await collect(store.readAll({ direction: 'backwards', streamPrefixes: [p], maxCount: 2 })))).toEqual(
          ids(order.slice(4)).reverse(),
        );
        const last = await collect(store.readAll({ direction: 'backwards', maxCount: 1 }));
        const head = await store.headPosition(); // read after: others may append meanwhile
        expect(last).toHaveLength(1);
        expect(last[0]!.position <= head).toBe(true);
      });

      it('filters by stream prefixes, one or several', async () => {
        const tasks = await collect(store.readAll({ streamPrefixes: [`${p}task-`] }));
        expect(ids(tasks)).toEqual(ids([...order.slice(0, 2), ...order.slice(3, 5)]));
        expect(tasks.every((e) => e.type === 'T')).toBe(true);
        const some = await collect(store.readAll({ streamPrefixes: [`${p}message-`, `${p}finding-`] }));
        expect(ids(some)).toEqual([order[2]!.id, order[5]!.id]);
        const backwards = await collect(store.readAll({ direction: 'backwards', streamPrefixes: [`${p}task-`], maxCount: 3 }));
        expect(ids(backwards)).toEqual([order[4]!.id, order[3]!.id, order[1]!.id]);
        expect(await collect(store.readAll({ streamPrefixes: [`${p}nothing-`] }))).toEqual([]);
      });

      it('reads a log larger than any one page, in order, forwards and backwards', async () => {
        const many: EventToAppend[] = [];
        for (let batch = 0; batch < 3; batch++) {
          const chunk = events(400, 'Bulk');
          await store.append(`${p}bulk-${batch % 2}`, chunk);
          many.push(...chunk);
        }
        const forwards = await collect(store.readAll({ streamPrefixes: [`${p}bulk-`] }));
        expect(ids(forwards)).toEqual(ids(many));
        expectStrictlyIncreasing(positions(forwards));
        const backwards = await collect(store.readAll({ direction: 'backwards', streamPrefixes: [`${p}bulk-`] }));
        expect(ids(backwards)).toEqual(ids(many).reverse());
        const limited = await collect(store.readAll({ streamPrefixes: [`${p}bulk-`], maxCount: 700 }));
        expect(ids(limited)).toEqual(ids(many.slice(0, 700)));
        const stream = await collect(store.readStream(`${p}bulk-0`, { direction: 'backwards' }));
        expect(ids(stream)).toEqual(ids([...many.slice(0, 400), ...many.slice(800)]).reverse());
        expect(await collect(store.readStream(`${p}bulk-0`, { fromRevision: 250n, maxCount: 520 }))).toHaveLength(520);
        // A subscription catching up over more than a page, then going live.
        const sub = track(store.subscribe({ after: forwards[99]!.position, streamPrefixes: [`${p}bulk-`] }));
        const it = sub[Symbol.asyncIterator]();
        expect(ids(await nextEvents(it, 1100, 30_000))).toEqual(ids(many.slice(100)));
        const live = event();
        await store.append(`${p}bulk-9`, [live]);
        expect(ids(await nextEvents(it, 1))).toEqual([live.id]);
      });
    });

    describe('subscribe', () => {
      it('delivers catch-up after a position, then live events, in order', async () => {
        const first = await store.append(`${p}s`, [event()]);
        const catchUp = events(2);
        await store.append(`${p}s`, catchUp);
        const sub = track(store.subscribe({ after: first.position, streamPrefixes: [p] }));
        const it = sub[Symbol.asyncIterator]();
        expect(ids(await nextEvents(it, 2))).toEqual(ids(catchUp));

        // Live: the consumer is already parked waiting when each append lands.
        const live = events(3);
        const waiting = it.next();
        await pause(50);
        await store.append(`${p}s`, live.slice(0, 1));
        expect(ids(await nextEvents(pendingAsIterator(waiting), 1))).toEqual([live[0]!.id]);
        const waitingAgain = it.next();
        await pause(50);
        await store.append(`${p}t`, live.slice(1));
        const later = [...(await nextEvents(pendingAsIterator(waitingAgain), 1)), ...(await nextEvents(it, 1))];
        expect(ids(later)).toEqual(ids(live.slice(1)));
        expect(later.map((e) => e.streamName)).toEqual([`${p}t`, `${p}t`]);
      });

      it('delivers from the very start of the log when no position is given', async () => {
        const batch = events(3);
        await store.append(`${p}s`, batch);
        const sub = track(store.subscribe({ streamPrefixes: [p] }));
        expect(ids(await nextEvents(sub[Symbol.asyncIterator](), 3, 30_000))).toEqual(ids(batch));
      });

      it('has no gap and no repeat when appends land while the consumer is mid-catch-up', async () => {
        const before = await store.headPosition();
        const expected: EventToAppend[] = [];
        for (let i = 0; i < 6; i++) {
          const chunk = events(10);
          await store.append(`${p}s-${i % 2}`, chunk);
          expected.push(...chunk);
        }
        const sub = track(store.subscribe({ after: before, streamPrefixes: [p] }));
        const it = sub[Symbol.asyncIterator]();
        const received: RecordedEvent[] = [];
        received.push(...(await nextEvents(it, 5)));
        // Mid-catch-up: more events arrive, single and batched, to old and new streams.
        for (let i = 0; i < 5; i++) {
          const chunk = i % 2 === 0 ? [event()] : events(4);
          await store.append(`${p}s-${i % 3}`, chunk);
          expected.push(...chunk);
          received.push(...(await nextEvents(it, 3)));
        }
        received.push(...(await nextEvents(it, expected.length - received.length)));
        expect(ids(received)).toEqual(ids(expected));
        expectStrictlyIncreasing(positions(received));

        const last = event();
        await store.append(`${p}s-0`, [last]);
        expect(ids(await nextEvents(it, 1))).toEqual([last.id]);
      });

      it('delivers only streams matching its prefixes', async () => {
        const before = await store.headPosition();
        const sub = track(store.subscribe({ after: before, streamPrefixes: [`${p}task-`, `${p}finding-`] }));
        const it = sub[Symbol.asyncIterator]();
        const wanted = [event('T'), event('F'), event('T')];
        await store.append(`${p}message-1`, [event('M')]);
        await store.append(`${p}task-1`, [wanted[0]!]);
        await store.append(`${p}instance-1`, events(3, 'I'));
        await store.append(`${p}finding-1`, [wanted[1]!]);
        await store.append(`${p}task-2`, [wanted[2]!]);
        const got = await nextEvents(it, 3);
        expect(ids(got)).toEqual(ids(wanted));
        // Nothing else was queued, and a non-matching append does not wake it with anything:
        // the next event delivered is the next matching one.
        const marker = event('T');
        const waiting = it.next();
        await pause(50);
        await store.append(`${p}message-2`, [event('M')]);
        await pause(50);
        await store.append(`${p}task-3`, [marker]);
        expect(ids(await nextEvents(pendingAsIterator(waiting), 1))).toEqual([marker.id]);
      });

      it('close() ends an iteration that is waiting for events', async () => {
        const sub = track(store.subscribe({ after: await store.headPosition(), streamPrefixes: [p] }));
        const seen: RecordedEvent[] = [];
        const loop = (async () => {
          for await (const e of sub) seen.push(e);
          return 'ended';
        })();
        await store.append(`${p}s`, [event()]);
        await waitUntil(() => seen.length === 1);
        await sub.close();
        expect(await endsWithin(loop)).toBe('ended');
        await store.append(`${p}s`, [event()]);
        expect(seen).toHaveLength(1);
      });

      it('close() before iterating yields nothing', async () => {
        await store.append(`${p}s`, [event()]);
        const sub = store.subscribe({ streamPrefixes: [p] });
        await sub.close();
        expect(await endsWithin(collect(sub))).toEqual([]);
      });

      it('an aborted signal ends the iteration', async () => {
        const controller = new AbortController();
        const sub = track(store.subscribe({ after: await store.headPosition(), streamPrefixes: [p], signal: controller.signal }));
        const seen: RecordedEvent[] = [];
        const loop = (async () => {
          for await (const e of sub) seen.push(e);
          return 'ended';
        })();
        await store.append(`${p}s`, [event()]);
        await waitUntil(() => seen.length === 1);
        controller.abort();
        expect(await endsWithin(loop)).toBe('ended');
        expect(seen).toHaveLength(1);
      });

      it('a signal aborted before subscribing delivers nothing', async () => {
        await store.append(`${p}s`, [event()]);
        const sub = track(store.subscribe({ streamPrefixes: [p], signal: AbortSignal.abort() }));
        expect(await endsWithin(collect(sub))).toEqual([]);
      });
    });

    describe('headPosition', () => {
      it('is a bigint that reaches the position of the last append', async () => {
        const before = await store.headPosition();
        expect(typeof before).toBe('bigint');
        expect(before >= 0n).toBe(true);
        const result = await store.append(`${p}s`, events(2));
        const after = await store.headPosition();
        expect(result.position > before).toBe(true);
        expect(after >= result.position).toBe(true);
        const [last] = await collect(store.readAll({ direction: 'backwards', streamPrefixes: [p], maxCount: 1 }));
        expect(last!.position).toBe(result.position);
      });
    });
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wraps an already-requested `next()` so nextEvents can wait for it with a timeout. */
function pendingAsIterator(pending: Promise<IteratorResult<RecordedEvent>>): AsyncIterator<RecordedEvent> {
  return { next: () => pending };
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
