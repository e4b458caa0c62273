import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import {
  IdempotencyConflictError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from './port.js';
import { COLUMNS, decodeRow, type Row } from './sqlite-rows.js';
import { isBusy, isSqliteError, messageOf } from './sqlite-errors.js';
import { clampInt64, describeExpected, pages, encodeBatch, MAX_INT64, scanningReader, subscriptionOver, type Encoded } from './shared.js';

/** Rows per read query: big reads stream page by page instead of loading the whole log. */
const PAGE_SIZE = 500;
/** How often an idle subscriber checks whether another connection (process) committed. */
const POLL_INTERVAL_MS = 15;
/** Retries after SQLITE_BUSY still surfaces (e.g. during WAL recovery after a crash). */
const BUSY_RETRIES = 5;

interface Stored {
  position: bigint;
  stream_name: string;
  revision: bigint;
}

/** An EventStore in one SQLite file, shared safely by many processes on one machine. */
export class SqliteEventStore implements EventStore {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly wakers = new Set<() => void>();
  private readonly subscriptions = new Set<AbortController>();
  private poller: NodeJS.Timeout | undefined;
  private dataVersion: unknown;
  private closed = false;
  private readonly appendTx: Database.Transaction<(streamName: string, events: Encoded[], expected: ExpectedRevision) => AppendResult>;
  private readonly appendManyTx: Database.Transaction<(next: (done: readonly AppendResult[]) => StreamAppend | undefined) => AppendResult[]>;

  constructor(
    private readonly db: Database.Database,
    /** The file this log lives in. */
    readonly path: string,
  ) {
    this.appendTx = db.transaction((streamName: string, events: Encoded[], expected: ExpectedRevision) =>
      this.appendInTransaction(streamName, events, expected),
    );
    this.appendManyTx = db.transaction((next: (done: readonly AppendResult[]) => StreamAppend | undefined) => {
      const done: AppendResult[] = [];
      for (let append = next(done); append !== undefined; append = next(done)) {
        done.push(this.appendInTransaction(append.streamName, encodeBatch(append.events), append.expectedRevision));
      }
      return done;
    });
  }

  async append(streamName: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const encoded = encodeBatch(events); // outside the transaction: keep the write lock short
    const expected = options.expectedRevision ?? 'any';
    // BEGIN IMMEDIATE takes the write lock up front, so the revision check and the insert
    // see the same stream even with other processes appending at the same moment.
    return this.write(`cannot append to ${streamName} in ${this.path}`, () => this.appendTx.immediate(streamName, encoded, expected));
  }

  async appendMany(next: (done: readonly AppendResult[]) => StreamAppend | undefined): Promise<AppendResult[]> {
    this.assertOpen();
    return this.write(`cannot append to ${this.path}`, () => this.appendManyTx.immediate(next));
  }

  /** Runs a write transaction, retrying while another connection holds the lock, and wakes subscribers after it. */
  private async write<T>(failure: string, transaction: () => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = transaction();
        this.wakeAll();
        return result;
      } catch (error) {
        if (!isSqliteError(error)) throw error;
        if (isBusy(error) && attempt < BUSY_RETRIES) {
          await sleep(10 * 2 ** attempt + Math.random() * 10);
          continue;
        }
        throw new StoreUnavailableError(`${failure}: ${messageOf(error)}`, { cause: error });
      }
    }
  }

  private appendInTransaction(streamName: string, events: Encoded[], expected: ExpectedRevision): AppendResult {
    const byId = this.statement('byId', 'SELECT position, stream_name, revision FROM events WHERE event_id = ?');
    const found = events.map((e) => byId.get(e.id) as Stored | undefined);
    const elsewhere = events.findIndex((_, i) => found[i] !== undefined && found[i]!.stream_name !== streamName);
    if (elsewhere >= 0) {
      const error = new IdempotencyConflictError(streamName, [events[elsewhere]!.id]);
      error.message = `stream ${streamName}: event ${events[elsewhere]!.id} is already stored in stream ${found[elsewhere]!.stream_name}`;
      throw error;
    }
    const already = found.filter((f) => f !== undefined).length;
    if (events.length > 0 && already === events.length) {
      const last = found[found.length - 1]!;
      return { nextExpectedRevision: last.revision, position: last.position };
    }
    if (already > 0) {
      throw new IdempotencyConflictError(streamName, events.filter((_, i) => found[i] !== undefined).map((e) => e.id));
    }

    const head = this.statement(
      'streamHead',
      'SELECT revision, position FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1',
    ).get(streamName) as { revision: bigint; position: bigint } | undefined;
    const current = head?.revision;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      (typeof expected === 'bigint' && current === expected);
    if (!ok) {
      throw new WrongExpectedRevisionError(streamName, describeExpected(expected), current === undefined ? 'no stream' : String(current));
    }
    if (events.length === 0) return { nextExpectedRevision: current ?? -1n, position: head?.position ?? 0n };

    const insert = this.statement(
      'insert',
      'INSERT INTO events (stream_name, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    let revision = current === undefined ? -1n : current;
    let position = 0n;
    for (const e of events) {
      revision += 1n;
      position = BigInt(insert.run(streamName, revision, e.id, e.type, e.data, e.metadata).lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position };
  }

  // Both reads are lazy, as generators are: nothing runs (not even the closed check, which
  // every statement makes) until the first event is asked for.
  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let from = clampInt64(options.fromRevision ?? (backwards ? MAX_INT64 : 0n));
    const page = (limit: number) => this.query(this.streamStatement(backwards), [streamName, from, limit]);
    return pages(options.maxCount, PAGE_SIZE, page, decodeRow, (last) => {
      from = backwards ? last.revision - 1n : last.revision + 1n;
    });
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let lower = clampInt64(options.after ?? -1n); // exclusive
    let upper = clampInt64(options.before ?? MAX_INT64); // exclusive
    const page = (limit: number) => this.allPage(backwards, lower, upper, options.streamPrefixes, limit);
    return pages(options.maxCount, PAGE_SIZE, page, decodeRow, (last) => {
      if (backwards) upper = last.position;
      else lower = last.position;
    });
  }

  private streamStatement(backwards: boolean): Database.Statement {
    return backwards
      ? this.statement('streamBackwards', `SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`, true)
      : this.statement('streamForwards', `SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`, true);
  }

  /** One page of the global log with positions in (lower, upper), optionally filtered. */
  private allPage(backwards: boolean, lower: bigint, upper: bigint, prefixes: string[] | undefined, limit: number): Row[] {
    const count = prefixes?.length ?? 0;
    const statement = this.statement(`all:${backwards ? 'b' : 'f'}:${count}`, () => {
      // Prefix filters compare characters with substr/length, so they agree with
      // String.prototype.startsWith for any Unicode (a LIKE would be case-insensitive).
      const filter =
        count === 0
          ? ''
          : ` AND (${Array.from({ length: count }, (_, i) => `substr(stream_name, 1, length(@p${i})) = @p${i}`).join(' OR ')})`;
      return `SELECT ${COLUMNS} FROM events WHERE position > @lower AND position < @upper${filter} ORDER BY position ${backwards ? 'DESC' : 'ASC'} LIMIT @limit`;
    }, true);
    const params: Record<string, unknown> = { lower, upper, limit };
    prefixes?.forEach((p, i) => (params[`p${i}`] = p));
    return this.query(statement, [params]);
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    // One signal for both ways to end: the caller's signal, and closing the store.
    const ending = new AbortController();
    const forwardAbort = () => ending.abort();
    if (options.signal?.aborted) ending.abort();
    else options.signal?.addEventListener('abort', forwardAbort, { once: true });
    const signal = ending.signal;
    this.subscriptions.add(ending);
    const readAfter = scanningReader(
      options.after === undefined ? undefined : clampInt64(options.after),
      () => this.headNow(),
      (lower, upper, limit) => this.allPage(false, clampInt64(lower), clampInt64(upper), options.streamPrefixes, limit).map(decodeRow),
      PAGE_SIZE,
    );
    let registered: (() => void) | undefined;
    const unregister = () => {
      if (registered) this.wakers.delete(registered);
      registered = undefined;
      this.subscriptions.delete(ending);
      options.signal?.removeEventListener('abort', forwardAbort);
      if (this.wakers.size === 0) this.stopPolling();
    };
    return subscriptionOver(
      readAfter,
      (wake) => {
        registered = wake;
        this.wakers.add(wake);
        this.startPolling();
        return unregister;
      },
      { ...options, signal },
    );
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    return this.headNow();
  }

  async close(options: { atExit?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    for (const ending of [...this.subscriptions]) ending.abort();
    this.stopPolling();
    this.closed = true;
    this.statements.clear();
    // Left open at exit: better-sqlite3 closes it as Node tears the process down, after the
    // command's output, with the same checkpoint a close here would run before it. Exiting
    // without that close (process.exit) leaves the WAL to the next process, which recovers it:
    // measured slower (stop 37: `find` 1.02 and `tasks` 1.05 of the time with the close).
    if (!options.atExit) this.db.close();
  }

  private headNow(): bigint {
    const head = this.query(this.statement('head', 'SELECT MAX(position) AS head FROM events'), [])[0] as unknown as {
      head: bigint | null;
    };
    return head.head ?? 0n;
  }

  // Same-process appends wake subscribers at once; other processes' commits are noticed by
  // polling PRAGMA data_version, which changes only when another connection commits and
  // costs no disk read, so polling every few milliseconds is cheap.
  private startPolling(): void {
    if (this.poller || this.closed) return;
    const version = this.statement('dataVersion', 'PRAGMA data_version').pluck();
    this.dataVersion = version.get();
    this.poller = setInterval(() => {
      try {
        const now = version.get();
        if (now !== this.dataVersion) {
          this.dataVersion = now;
          this.wakeAll();
        }
      } catch {
        this.stopPolling();
        this.wakeAll(); // the next read reports the failure to the subscriber
      }
    }, POLL_INTERVAL_MS);
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** A cached prepared statement; `rows` ones return arrays of COLUMNS (see Row). */
  private statement(key: string, sql: string | (() => string), rows = false): Database.Statement {
    this.assertOpen();
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(typeof sql === 'string' ? sql : sql()).safeIntegers(true);
      if (rows) statement.raw(true);
      this.statements.set(key, statement);
    }
    return statement;
  }

  private query(statement: Database.Statement, params: unknown[]): Row[] {
    try {
      return statement.all(...params) as Row[];
    } catch (error) {
      if (!isSqliteError(error)) throw error;
      throw new StoreUnavailableError(`cannot read cairn log ${this.path}: ${messageOf(error)}`, { cause: error });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`cairn log ${this.path} is closed`);
  }
}
