import pg from 'pg';
import { IdempotencyConflictError, StoreUnavailableError, ValidationError, WrongExpectedRevisionError } from '../errors.js';
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
import { appendPlanned, eventColumns, resultOf, type AppendRow } from './postgres-batch.js';
import { PostgresListener } from './postgres-listener.js';
import { channelOf, CREATE_LOCK_SQL, createLogSql, LOCK_TIMEOUT, markCreatedSql, SCHEMA_VERSION, tableOf } from './postgres-schema.js';
import { postgresSearchIndex, searchSchemaSql } from './postgres-search.js';
import { parsePostgresUrl, type PostgresLocation } from './postgres-url.js';
import type { StoreSearchIndex } from './search-port.js';
import { clampInt64, describeExpected, encodeBatch, MAX_INT64, pages, scanningReader, subscriptionOver, type Encoded } from './shared.js';

/** Rows per read query: a round trip per page, so larger than SQLite's. */
const PAGE_SIZE = 1000;
/** Connections per store: a server answers several readers while one append waits for the lock. */
const POOL_SIZE = 8;
const CONNECT_TIMEOUT_MS = 5000;
/** PostgreSQL's "undefined table": the schema or table is not there. */
const UNDEFINED_TABLE = '42P01';
/** PostgreSQL's "lock not available": lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

/** int8 as bigint (positions outgrow a double); json parsed as node-postgres always does. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => BigInt(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const COLUMNS = 'position, stream_name, revision, event_id, type, data, metadata';
type Row = [position: bigint, streamName: string, revision: bigint, eventId: string, type: string, data: Record<string, unknown>, metadata: Record<string, unknown>];

export interface OpenPostgresOptions {
  /** Create the schema, table and function when missing (`cairn init`, `migrate --to`). Default false. */
  create?: boolean;
}

/**
 * Opens a cairn log kept in PostgreSQL (`postgres://user@host:5432/db?schema=cairn`). One
 * round trip checks that the log is there and was written by a cairn that this one can read.
 */
export async function openPostgresStore(url: string, options: OpenPostgresOptions = {}): Promise<PostgresEventStore> {
  const location = parsePostgresUrl(url);
  const config: pg.ClientConfig = {
    connectionString: location.connectionString,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'cairn',
    types: TYPES,
  };
  const pool = new pg.Pool({ ...config, max: POOL_SIZE, allowExitOnIdle: true });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const store = new PostgresEventStore(pool, location, new PostgresListener(config, channelOf(location.schema)));
  try {
    await store.prepare(options.create ?? false);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return store;
}

/** An EventStore in a PostgreSQL schema, shared by processes on any number of machines. */
export class PostgresEventStore implements EventStore {
  private readonly table: string;
  private closed = false;
  /** Whether opening it created the log (`cairn init` says so). */
  created = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly location: PostgresLocation,
    private readonly listener: PostgresListener,
  ) {
    this.table = tableOf(location.schema);
  }

  private search: Promise<StoreSearchIndex> | undefined;

  /** PostgreSQL's own full-text index of the log (postgres-search.ts), made on first use; emptied when it holds another version of the words. */
  searchIndex(wordsVersion: number): Promise<StoreSearchIndex> {
    this.search ??= this.transaction('cannot make the search index', async (client) => {
      // Under the creation lock: CREATE … IF NOT EXISTS alone races with itself.
      await client.query(CREATE_LOCK_SQL);
      await client.query(searchSchemaSql(this.location.schema, wordsVersion));
    }).then(
      () => postgresSearchIndex(this.pool, this.location.schema),
      (error: unknown) => {
        this.search = undefined;
        throw error instanceof StoreUnavailableError ? error : this.unavailable('cannot make the search index', error);
      },
    );
    return this.search;
  }

  /** Where this log lives, for messages (no password). */
  get describe(): string {
    return this.location.describe;
  }

  /** @internal Checks (or, with `create`, makes) the log; called once by openPostgresStore. */
  async prepare(create: boolean): Promise<void> {
    if (create) {
      await this.transaction('cannot create the cairn log', async (client) => {
        await client.query(CREATE_LOCK_SQL);
        await client.query(createLogSql(this.location.schema));
        this.created = (await client.query(markCreatedSql(this.location.schema))).rowCount === 1;
      }).catch((error: unknown) => {
        throw error instanceof StoreUnavailableError ? error : this.unavailable('cannot create the cairn log', error);
      });
    }
    let version: number;
    try {
      const { rows } = await this.pool.query<{ value: string }>(`SELECT value FROM "${this.location.schema}".log_info WHERE key = 'schema_version'`);
      version = Number(rows[0]?.value ?? 0);
    } catch (error) {
      if ((error as { code?: string }).code === UNDEFINED_TABLE) {
        throw new StoreUnavailableError(`no cairn log at ${this.describe}; run \`cairn init --store URL\` to create one`);
      }
      throw this.unavailable('cannot open the cairn log', error);
    }
    if (version > SCHEMA_VERSION) {
      throw new StoreUnavailableError(`the cairn log at ${this.describe} was written by a newer cairn (schema ${version}); upgrade cairn`);
    }
  }

  async append(streamName: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const encoded = encodeBatch(events);
    const expected = options.expectedRevision ?? 'any';
    try {
      const result = await this.appendWith(this.pool, streamName, encoded, expected);
      this.listener.wakeAll();
      return result;
    } catch (error) {
      throw this.appendFailure(streamName, error);
    }
  }

  /** One transaction; appends sent in plans of guessed results (postgres-batch.ts). */
  async appendMany(next: (done: readonly AppendResult[]) => StreamAppend | undefined): Promise<AppendResult[]> {
    this.assertOpen();
    try {
      const done = await this.transaction('cannot append', (client) =>
        appendPlanned(client, this.location.schema, next, (append, encoded) => this.appendWith(client, append.streamName, encoded, append.expectedRevision)),
      );
      this.listener.wakeAll();
      return done;
    } catch (error) {
      throw this.appendFailure('the log', error);
    }
  }

  private async appendWith(client: pg.Pool | pg.PoolClient, streamName: string, events: Encoded[], expected: ExpectedRevision): Promise<AppendResult> {
    const { rows } = await client.query<AppendRow>({
      name: `cairn-append-${this.location.schema}`,
      text: `SELECT * FROM "${this.location.schema}".append_events($1, $2, $3, $4, $5, $6)`,
      values: [streamName, describeExpected(expected), ...eventColumns(events)],
    });
    return resultOf(streamName, expected, rows[0]!);
  }

  // Lazy, as generators are: nothing is queried (or checked) until the first event is asked for.
  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const [compare, order] = backwards ? ['<=', 'DESC'] : ['>=', 'ASC'];
    let from = clampInt64(options.fromRevision ?? (backwards ? MAX_INT64 : 0n));
    const page = (limit: number) =>
      this.rows(`stream-${order}`, `SELECT ${COLUMNS} FROM ${this.table} WHERE stream_name = $1 AND revision ${compare} $2 ORDER BY revision ${order} LIMIT $3`, [streamName, from, limit]);
    return pages(options.maxCount, PAGE_SIZE, page, toEvent, (last) => {
      from = backwards ? last.revision - 1n : last.revision + 1n;
    });
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let lower = clampInt64(options.after ?? -1n);
    let upper = clampInt64(options.before ?? MAX_INT64);
    const page = (limit: number) => this.allRows(backwards, lower, upper, options.streamPrefixes, limit);
    return pages(options.maxCount, PAGE_SIZE, page, toEvent, (last) => {
      if (backwards) upper = last.position;
      else lower = last.position;
    });
  }

  /** Rows with positions in (lower, upper); prefixes compared with starts_with, like String.startsWith. */
  private allRows(backwards: boolean, lower: bigint, upper: bigint, prefixes: string[] | undefined, limit: number): Promise<Row[]> {
    const filtered = prefixes !== undefined && prefixes.length > 0;
    const order = backwards ? 'DESC' : 'ASC';
    return this.rows(
      `all-${order}-${filtered ? 'prefixed' : 'all'}`,
      `SELECT ${COLUMNS} FROM ${this.table} WHERE position > $1 AND position < $2${filtered ? ' AND stream_name ^@ ANY ($4::text[])' : ''} ORDER BY position ${order} LIMIT $3`,
      filtered ? [lower, upper, limit, prefixes] : [lower, upper, limit],
    );
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const readAfter = scanningReader(
      options.after === undefined ? undefined : clampInt64(options.after),
      () => this.headPosition(),
      async (lower, upper, limit) => (await this.allRows(false, clampInt64(lower), clampInt64(upper), options.streamPrefixes, limit)).map(toEvent),
      PAGE_SIZE,
    );
    return subscriptionOver(readAfter, (wake) => this.listener.add(wake), options);
  }

  async headPosition(): Promise<bigint> {
    const rows = await this.rows('head', `SELECT coalesce(max(position), 0) FROM ${this.table}`, []);
    return rows[0]![0];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listener.close();
    await this.pool.end().catch(() => undefined);
  }

  private async rows(name: string, text: string, values: unknown[]): Promise<Row[]> {
    this.assertOpen();
    try {
      const result = await this.pool.query<Row>({ name: `cairn-${name}-${this.location.schema}`, text, values, rowMode: 'array' });
      return result.rows;
    } catch (error) {
      throw this.unavailable('cannot read the cairn log', error);
    }
  }

  private async transaction<T>(failure: string, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unavailable(failure, error);
    }
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Refusals pass as they are; anything else is the store failing. */
  private appendFailure(streamName: string, error: unknown): Error {
    const refusal = [WrongExpectedRevisionError, IdempotencyConflictError, ValidationError, StoreUnavailableError].some((kind) => error instanceof kind);
    if (refusal) return error as Error;
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) {
      return this.unavailable(`cannot append to ${streamName}`, new Error(`another append held the log's lock for longer than lock_timeout (${LOCK_TIMEOUT} unless the session sets one): is a transaction calling append_events left open?`));
    }
    return this.unavailable(`cannot append to ${streamName}`, error);
  }

  private unavailable(failure: string, error: unknown): StoreUnavailableError {
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
    return new StoreUnavailableError(`${failure} at ${this.describe}: ${reason}`, { cause: error });
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`the cairn log at ${this.describe} is closed`);
  }
}

const toEvent = ([position, streamName, revision, id, type, data, metadata]: Row): RecordedEvent => ({ id, type, streamName, revision, position, data, metadata });
