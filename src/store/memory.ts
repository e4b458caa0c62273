import { IdempotencyConflictError, WrongExpectedRevisionError } from '../errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './port.js';
import { describeExpected, matchesPrefixes, pageOf, subscriptionOver } from './shared.js';

/** An in-memory EventStore, for unit tests and throwaway runs (`CAIRN_STORE=memory:`). */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly waiters = new Set<() => void>();

  async append(streamName: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const stream = this.streams.get(streamName) ?? [];
    const already = events.filter((e) => stream.some((s) => s.id === e.id));
    if (events.length > 0 && already.length === events.length) {
      const last = stream.find((s) => s.id === events[events.length - 1]!.id)!;
      return { nextExpectedRevision: last.revision, position: last.position };
    }
    if (already.length > 0) throw new IdempotencyConflictError(streamName, already.map((e) => e.id));

    const current = stream.length === 0 ? undefined : BigInt(stream.length - 1);
    const expected = options.expectedRevision ?? 'any';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      (typeof expected === 'bigint' && current === expected);
    if (!ok) throw new WrongExpectedRevisionError(streamName, describeExpected(expected), current === undefined ? 'no stream' : String(current));

    for (const e of events) {
      const recorded: RecordedEvent = {
        id: e.id,
        type: e.type,
        streamName,
        revision: BigInt(stream.length),
        position: BigInt(this.log.length + 1),
        data: structuredClone(e.data),
        metadata: structuredClone(e.metadata),
      };
      stream.push(recorded);
      this.log.push(recorded);
    }
    this.streams.set(streamName, stream);
    for (const wake of this.waiters) wake();
    const last = stream[stream.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  async *readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const stream = this.streams.get(streamName) ?? [];
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    const selected = stream.filter((e) => from === undefined || (backwards ? e.revision <= from : e.revision >= from));
    yield* pageOf(backwards ? selected.reverse() : selected, options.maxCount);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const selected = this.log.filter(
      (e) =>
        (options.after === undefined || e.position > options.after) &&
        (options.before === undefined || e.position < options.before) &&
        matchesPrefixes(e.streamName, options.streamPrefixes),
    );
    yield* pageOf(backwards ? selected.reverse() : selected, options.maxCount);
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    return subscriptionOver(
      (after) => this.readAll({ after, streamPrefixes: options.streamPrefixes, maxCount: 1000 }),
      (wake) => {
        this.waiters.add(wake);
        return () => this.waiters.delete(wake);
      },
      options,
    );
  }

  async headPosition(): Promise<bigint> {
    return BigInt(this.log.length);
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
  }
}
