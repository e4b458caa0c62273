import type { KurrentDBClient, ReadPosition, ReadRevision, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { IdempotencyConflictError, StoreUnavailableError, WrongExpectedRevisionError } from '../errors.js';
import {
  checkStreamName,
  classifyKurrentError,
  deadlineOf,
  expectedMatches,
  fromKurrentEvent,
  hostOf,
  positionOf,
  streamFilterRegex,
  toCairnError,
  toKurrentEvents,
  toKurrentPosition,
  toStreamState,
  wrongRevision,
} from './kurrentdb-mapping.js';
import {
  collect,
  type AppendOptions,
  type AppendResult,
  type Direction,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './port.js';
import { resilientFeed, type LiveFeed } from './resilient-feed.js';
import { describeExpected, matchesPrefixes } from './shared.js';

type Kurrent = typeof import('@kurrent/kurrentdb-client');

/** Events per read request: a big read pages instead of holding one server stream open. */
const PAGE_SIZE = 500;

interface Settings {
  /** Hosts of the connection string, for messages (never credentials). */
  host: string;
  /** Bound on every call: the client itself can wait forever on a peer that never answers. */
  deadlineMs: number;
}

/**
 * Opens a cairn log on KurrentDB: `kurrentdb://host:2113?tls=false`, `esdb://…`, or
 * `kurrentdb+discover://…` / several hosts for a cluster. Connecting is lazy: an unreachable
 * server surfaces as StoreUnavailableError on the first call, within the URL's
 * `defaultDeadline` (10 s unless set).
 */
export async function openKurrentDbStore(url: string): Promise<EventStore> {
  // Imported here, not at the top: gRPC and the native read bridge take ~0.4 s to load, and
  // only a KurrentDB log needs them.
  const kurrent: Kurrent = await import('@kurrent/kurrentdb-client');
  const host = hostOf(url);
  let client: KurrentDBClient;
  try {
    client = kurrent.KurrentDBClient.connectionString(url);
  } catch (error) {
    throw new StoreUnavailableError(`cannot use KurrentDB at ${host}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return new KurrentDbEventStore(client, kurrent, { host, deadlineMs: deadlineOf(url) });
}

/** The EventStore port over one KurrentDB node or cluster. Positions are commit positions. */
export class KurrentDbEventStore implements EventStore {
  private closed = false;
  private readonly subscriptions = new Set<AbortController>();

  constructor(
    private readonly client: KurrentDBClient,
    private readonly kurrent: Kurrent,
    private readonly settings: Settings,
  ) {}

  async append(streamName: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    checkStreamName(streamName);
    const proposed = toKurrentEvents(events);
    const ids = proposed.map((e) => e.id);
    const expected = options.expectedRevision ?? 'any';
    return this.bounded(`append to ${streamName}`, async () => {
      if (ids.length === 0) return this.appendNothing(streamName, expected);
      // The server guarantees idempotency only for an exact expected revision; for `any` and
      // `stream_exists` it is best effort (a cache of recent ids), so look before writing.
      if (expected === 'any' || expected === 'stream_exists') {
        const stored = await this.alreadyStored(streamName, ids);
        if (stored) return stored;
      }
      let nextExpectedRevision: bigint;
      try {
        const result = await this.client.appendToStream(
          streamName,
          proposed.map((e) => this.kurrent.jsonEvent(e)),
          { streamState: toStreamState(expected) },
        );
        nextExpectedRevision = result.nextExpectedRevision;
      } catch (error) {
        if (classifyKurrentError(error) !== 'conflict') throw this.translate(error);
        // A retry after a timeout carries a stale revision: if the batch is there, it is a no-op.
        const stored = await this.alreadyStored(streamName, ids);
        if (stored) return stored;
        throw wrongRevision(streamName, expected, error);
      }
      return this.located(streamName, ids, nextExpectedRevision);
    });
  }

  async *readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const direction = options.direction ?? 'forwards';
    let from: ReadRevision = options.fromRevision ?? (direction === 'backwards' ? this.kurrent.END : this.kurrent.START);
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const limit = Math.min(PAGE_SIZE, remaining);
      const page = await this.streamPage(streamName, { direction, fromRevision: from, maxCount: limit });
      for (const resolved of page) {
        const event = fromKurrentEvent(resolved);
        if (event) yield event;
      }
      if (page.length < limit) return;
      remaining -= page.length;
      const last = revisionOf(page[page.length - 1]!);
      if (direction === 'backwards' && last === 0n) return;
      from = direction === 'backwards' ? last - 1n : last + 1n;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const { after, before, streamPrefixes } = options;
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const start = backwards
      ? before === undefined ? this.kurrent.END : toKurrentPosition(before)
      : after === undefined || after <= 0n ? this.kurrent.START : toKurrentPosition(after);
    const pageSize = Math.min(PAGE_SIZE, remaining);
    for await (const event of this.scanAll(backwards ? 'backwards' : 'forwards', start, streamPrefixes, pageSize)) {
      // KurrentDB reads forwards from a position inclusively: the bound itself is skipped here.
      if (after !== undefined && event.position <= after) {
        if (backwards) return;
        continue;
      }
      if (before !== undefined && event.position >= before) {
        if (!backwards) return;
        continue;
      }
      if (!matchesPrefixes(event.streamName, streamPrefixes)) continue;
      yield event;
      if (--remaining <= 0) return;
    }
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const ending = new AbortController();
    this.subscriptions.add(ending);
    const signal = options.signal ? AbortSignal.any([options.signal, ending.signal]) : ending.signal;
    const filter = this.kurrent.streamNameFilter({ regex: streamFilterRegex(options.streamPrefixes) });
    const open = (after: bigint | undefined): LiveFeed => {
      const subscription = this.client.subscribeToAll({
        fromPosition: after === undefined || after <= 0n ? this.kurrent.START : toKurrentPosition(after),
        filter,
      });
      let confirmed = false;
      subscription.once('confirmation', () => (confirmed = true));
      // Failures reach the loop through iteration; this only keeps one that arrives after the
      // loop stopped listening from crashing the process.
      subscription.on('error', () => undefined);
      return {
        events: (async function* () {
          for await (const resolved of subscription) {
            const event = fromKurrentEvent(resolved);
            yield event && matchesPrefixes(event.streamName, options.streamPrefixes) ? event : undefined;
          }
        })(),
        confirmed: () => confirmed,
        close: () => subscription.unsubscribe(),
      };
    };
    const feed = resilientFeed(open, {
      after: options.after,
      signal,
      transient: (error) => classifyKurrentError(error) === 'unavailable',
      giveUpAfterMs: 6 * this.settings.deadlineMs,
      fail: (error) => this.translate(error),
    });
    const subscriptions = this.subscriptions;
    const iterator = (async function* () {
      try {
        yield* feed;
      } finally {
        subscriptions.delete(ending);
      }
    })();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        ending.abort();
        subscriptions.delete(ending);
        await iterator.return(undefined);
      },
    };
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    for await (const event of this.scanAll('backwards', this.kurrent.END, undefined, 1)) return event.position;
    return 0n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const ending of [...this.subscriptions]) ending.abort();
    this.subscriptions.clear();
    await this.client.dispose();
  }

  /**
   * Pages through $all from `start`, skipping system events, each event once. A forward page
   * starts at (and so repeats) the last event of the one before; the position check drops it.
   */
  private async *scanAll(direction: Direction, start: ReadPosition, prefixes: string[] | undefined, pageSize: number): AsyncGenerator<RecordedEvent> {
    const forwards = direction === 'forwards';
    const filter = this.kurrent.streamNameFilter({ regex: streamFilterRegex(prefixes) });
    let from = start;
    let last: bigint | undefined;
    for (let first = true; ; first = false) {
      let page: ResolvedEvent[];
      try {
        const maxCount = pageSize + (forwards && typeof from === 'object' ? 1 : 0);
        page = await this.bounded('read $all', () => collect(this.client.readAll({ direction, fromPosition: from, maxCount, filter })));
      } catch (error) {
        // The server refuses a position that is not an event's (one a person typed): read from
        // the start (or end) instead; the caller skips everything up to the position asked for.
        if (first && typeof from === 'object' && classifyKurrentError(error) === 'other') {
          from = forwards ? this.kurrent.START : this.kurrent.END;
          pageSize = PAGE_SIZE;
          continue;
        }
        throw this.translate(error);
      }
      let progressed = false;
      for (const resolved of page) {
        const position = positionOf(resolved);
        if (last !== undefined && (forwards ? position <= last : position >= last)) continue;
        last = position;
        progressed = true;
        const event = fromKurrentEvent(resolved);
        if (event) yield event;
      }
      // Stop on a page with nothing new, not on a short one: a filtered read may return fewer
      // events than asked for before the end of the log.
      if (!progressed) return;
      from = toKurrentPosition(last!);
    }
  }

  /** One page of a stream; a stream that does not exist reads as empty. */
  private async streamPage(
    streamName: string,
    options: { direction: Direction; fromRevision: ReadRevision; maxCount: number; requiresLeader?: boolean },
  ): Promise<ResolvedEvent[]> {
    try {
      return await this.bounded(`read ${streamName}`, () => collect(this.client.readStream(streamName, options)));
    } catch (error) {
      if (classifyKurrentError(error) === 'not_found') return [];
      throw this.translate(error);
    }
  }

  /**
   * Where a batch already sits in its stream, if every event of it is there; throws when only
   * some are (the retry changed its content). Reads from the leader: it must see the latest.
   */
  private async alreadyStored(streamName: string, ids: string[]): Promise<AppendResult | undefined> {
    const wanted = new Set(ids);
    const found = new Map<string, RecordedEvent>();
    let from: ReadRevision = this.kurrent.START;
    for (;;) {
      const page = await this.streamPage(streamName, { direction: 'forwards', fromRevision: from, maxCount: PAGE_SIZE, requiresLeader: true });
      for (const resolved of page) {
        const event = fromKurrentEvent(resolved);
        if (event && wanted.has(event.id)) found.set(event.id, event);
      }
      if (page.length < PAGE_SIZE) break;
      from = revisionOf(page[page.length - 1]!) + 1n;
    }
    if (found.size === 0) return undefined;
    if (found.size < ids.length) throw new IdempotencyConflictError(streamName, ids.filter((id) => found.has(id)));
    const last = found.get(ids[ids.length - 1]!)!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  /**
   * The result of an append the server accepted. It reports the position of the transaction
   * (the first event) or, for an idempotent write, none at all; reading the batch back gives
   * the exact position of its last event.
   */
  private async located(streamName: string, ids: string[], nextExpectedRevision: bigint): Promise<AppendResult> {
    const first = nextExpectedRevision - BigInt(ids.length - 1);
    const page =
      first >= 0n
        ? await this.streamPage(streamName, { direction: 'forwards', fromRevision: first, maxCount: ids.length, requiresLeader: true })
        : [];
    const batch = page.map((resolved) => fromKurrentEvent(resolved));
    if (batch.length === ids.length && batch.every((e, i) => e?.id === ids[i])) {
      return { nextExpectedRevision, position: batch[batch.length - 1]!.position };
    }
    // Judged idempotent against events elsewhere in the stream (an `any` retry): find them.
    const stored = await this.alreadyStored(streamName, ids);
    if (stored) return stored;
    throw new Error(`KurrentDB at ${this.settings.host} acknowledged the append to ${streamName}, but the events are not in the stream`);
  }

  /** An empty batch appends nothing but still checks the expected revision, like the other adapters. */
  private async appendNothing(streamName: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [resolved] = await this.streamPage(streamName, { direction: 'backwards', fromRevision: this.kurrent.END, maxCount: 1, requiresLeader: true });
    const last = resolved && fromKurrentEvent(resolved);
    const current = resolved ? revisionOf(resolved) : undefined;
    if (!expectedMatches(expected, current)) {
      throw new WrongExpectedRevisionError(streamName, describeExpected(expected), current === undefined ? 'no stream' : String(current));
    }
    return { nextExpectedRevision: current ?? -1n, position: last?.position ?? 0n };
  }

  /** Runs one call within the deadline; a call left unanswered means the server is unavailable. */
  private async bounded<T>(what: string, call: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`KurrentDB at ${this.settings.host} is unavailable: no answer to ${what} within ${this.settings.deadlineMs} ms`)),
        this.settings.deadlineMs,
      );
    });
    try {
      return await Promise.race([call(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private translate(error: unknown): Error {
    return toCairnError(error, this.settings.host);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`the KurrentDB log at ${this.settings.host} is closed`);
  }
}

const revisionOf = (resolved: ResolvedEvent): bigint => BigInt((resolved.event ?? resolved.link)?.revision ?? -1n);
