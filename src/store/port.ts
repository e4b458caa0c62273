/**
 * The EventStore port: everything cairn needs from a log, and nothing more. Adapters
 * (SQLite, in-memory, KurrentDB) implement it and must all pass tests/store-conformance.
 *
 * Positions and revisions are bigints: KurrentDB commit positions do not fit a double.
 */
import type { StoreSearchIndex } from './search-port.js';

/** An event to append. `id` makes appends idempotent: the same id twice is stored once. */
export interface EventToAppend {
  id: string;
  type: string;
  /** JSON-serialisable payload. */
  data: Record<string, unknown>;
  /** JSON-serialisable metadata (cairn puts its EventMetadata here). */
  metadata: Record<string, unknown>;
}

/** An event as stored, with where it sits. */
export interface RecordedEvent {
  id: string;
  type: string;
  streamName: string;
  /** Revision within its stream, from 0. */
  revision: bigint;
  /** Global position; strictly increasing in log order, unique across the whole log. */
  position: bigint;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * What the appender believes about the stream. `no_stream`: it must not exist yet;
 * `stream_exists`: it must exist; `any`: no check; a bigint: its last revision must be that.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The stream's revision after the append (the revision of the last event of the batch). */
  nextExpectedRevision: bigint;
  /** Global position of the last event of the batch. */
  position: bigint;
}

export interface StreamAppend {
  streamName: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Revision to start from (inclusive). Defaults to the start (forwards) or end (backwards). */
  fromRevision?: bigint;
  direction?: Direction;
  maxCount?: number;
}

export interface ReadAllOptions {
  /**
   * Position to start from. Forwards: events with position > `after`. Backwards: events with
   * position < `before`. Omitted: from the start (forwards) or the end (backwards).
   */
  after?: bigint;
  before?: bigint;
  direction?: Direction;
  maxCount?: number;
  /** Only streams whose name starts with one of these prefixes (e.g. "task-"). */
  streamPrefixes?: string[];
}

export interface SubscribeOptions {
  /** Deliver events with position > `after`; omitted means from the very start of the log. */
  after?: bigint;
  streamPrefixes?: string[];
  signal?: AbortSignal;
}

/**
 * A live subscription: catches up from `after`, then goes on delivering new events as they
 * are appended, in order, with no gap and no repeat between catch-up and live. Ends when
 * `close()` is called or the signal aborts.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends all events to one stream atomically (all or none), checking the expected
   * revision. Throws WrongExpectedRevisionError on a mismatch. If every event id of the batch
   * is already in the stream, appends nothing and returns where they were stored.
   */
  append(streamName: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Several appends in one atomic write (all or none), each checked as `append` checks it:
   * appends what `next` returns until it returns undefined. `next` sees where the earlier
   * ones landed, so an append may depend on them (import translates positions so); it must
   * be synchronous and may be called again from the start if the write is retried. What
   * import uses to copy a million events in a minute. Optional: callers fall back to `append`.
   */
  appendMany?(next: (done: readonly AppendResult[]) => StreamAppend | undefined): Promise<AppendResult[]>;
  /** Reads one stream; an unknown stream reads as empty. */
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log, or 0n when it is empty. */
  headPosition(): Promise<bigint>;
  /**
   * A full-text index the store keeps itself (PostgreSQL's), when it has one; searches use the
   * tables' otherwise. `wordsVersion` names how documents are cut into words: an index of
   * another version is emptied and rebuilt. Optional.
   */
  searchIndex?(wordsVersion: number): Promise<StoreSearchIndex>;
  /**
   * Ends the store's work and releases it. With `atExit` (a one-shot CLI process about to
   * exit) a file-backed store may leave its files open for the process's end to close, after
   * the command's output; nothing committed is lost either way.
   */
  close(options?: { atExit?: boolean }): Promise<void>;
}

/** Collects an async iterable; for tests and small reads. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * Whether the log still holds `event` where it was read: the same id at the same revision of
 * its stream and the same position. What a copy folded from a log checks before it is used
 * again: a log restored from an older backup, or another log at the same path, does not.
 */
export async function stillHolds(store: EventStore, event: Pick<RecordedEvent, 'id' | 'streamName' | 'revision' | 'position'>): Promise<boolean> {
  for await (const recorded of store.readStream(event.streamName, { fromRevision: event.revision, maxCount: 1 })) return recorded.id === event.id && recorded.position === event.position;
  return false;
}
