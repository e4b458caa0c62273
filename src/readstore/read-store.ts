import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeJson, encodeJson } from '../runtime/json.js';
import { toStored } from '../runtime/stored.js';
import { progressOver, type ProgressFactory } from '../runtime/progress.js';
import { stillHolds, type EventStore, type RecordedEvent } from '../store/port.js';
import { NATIVE_BINDING, withBusyRetrySync } from '../store/sqlite.js';
import type { StoredEvent } from '../../events/index.js';
import { TableWriter, type TableWrites } from './apply.js';
import { CausalityQueries } from './causality.js';
import { READ_STORE_SCHEMA, READ_STORE_VERSION } from './schema.js';
import { decodeLastEvent, encodeLastEvent, metaOf, type LastEvent } from './tables-meta.js';

/** What `cairn hook` last showed an instance (src/app/hook.ts): the position, when, and the leases it warned of. */
export interface HookState {
  upTo: bigint;
  atMs: number;
  /** Task id -> the lease end warned of: a renewed lease is warned of again. */
  warned: Record<string, string>;
}

export interface Notes {
  health: { asOf: bigint; window: { from: string; to: string }; status: string; warnings: { name: string; explanation: string }[] };
}

/** What the live tables' owner does besides folding. */
export interface ReadStoreHooks {
  /** After a catch-up's batch committed at `watermark` (milestones.ts keeps copies for replays). */
  folded?: (db: Database.Database, watermark: bigint) => Promise<void>;
}

/** Events folded per transaction: long enough to amortise the commit, short enough not to hold writers of the cache up. */
const BATCH = 5_000;
const BUSY_TIMEOUT_MS = 10_000;
/** Bytes per page of a new tables file (docs/scale.md, "What is left": measured at 4, 8 and 16 KiB). */
export const PAGE_SIZE = 8192;
/** Transactions in a row that may reuse what the writer read from the tables: bounds its memory. */
const CACHED_TRANSACTIONS = 20;
/**
 * SQLite's page cache (KiB) while reading, and while folding more than FOLD_CACHE_FROM events.
 * Each page the cache takes is fresh memory, and a page fault is dear on these machines: with
 * 64 MiB, `health`'s calibration query at a million events took 280 ms in a new process, with
 * 4 MiB 58 ms (the pages it reads once come from the OS's cache either way). A fold rewrites
 * index pages all over the file: catching up 268,000 events took 22.0 s with 64 MiB, 23.5 s
 * with 16, 25.9 s with 8 (docs/scale.md).
 */
const READ_CACHE_KIB = 4_096;
const FOLD_CACHE_KIB = 65_536;
const FOLD_CACHE_FROM = 1_000n;

/**
 * The read models as tables (schema.ts), in `<cacheDir>/read.db` (in memory without a cache
 * directory), caught up on read: before answering, a read folds whatever the log gained since
 * the tables' watermark, in batches, each in one transaction that first rereads the
 * watermark, so processes catching up at once never fold an event twice. A read then costs
 * what it shows: indexed rows, never a replay.
 */
export class ReadStore {
  readonly db: Database.Database;
  readonly causality: CausalityQueries;
  private writer: TableWriter | undefined;
  private checkedLog = false;
  /**
   * The watermark this process's last fold committed: while the tables still stand there,
   * nobody else folded since (the fold is deterministic, so even a rebuild that refolded to
   * the same point holds the same rows), and what the writer read from them is still true.
   */
  private cachedAt: bigint | undefined;
  private cachedTransactions = 0;
  /** The latest `at` folded in this transaction (epoch ms). */
  private latestAt = -Infinity;
  /** The page cache's size now (KiB). */
  private cacheKib = 0;

  private constructor(
    db: Database.Database,
    private readonly writes: TableWrites,
    private readonly hooks: ReadStoreHooks,
  ) {
    this.db = db;
    // For a new file only (an existing one keeps its size): folding 400,000 events took about
    // 4.5% less time with 8 KiB pages than with SQLite's 4 KiB.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    // Many processes may open a new file at once: the switch to WAL needs a moment alone with it.
    withBusyRetrySync(() => db.pragma('journal_mode = WAL'));
    db.pragma('synchronous = OFF'); // a cache: a crash costs a rebuild, never an acknowledged event
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.useCache(READ_CACHE_KIB);
    // Checked again under the write lock: of processes opening an old file at once, one rebuilds it.
    if (!this.current()) withBusyRetrySync(() => this.rebuild((store) => !store.current()));
    this.causality = new CausalityQueries(db);
  }

  /** Whether the file holds the current schema. */
  private current(): boolean {
    try {
      return this.meta('version') === String(READ_STORE_VERSION);
    } catch {
      return false; // no meta table yet
    }
  }

  static open(cacheDir: string | undefined, writes: TableWrites = {}, hooks: ReadStoreHooks = {}): ReadStore {
    if (cacheDir === undefined) return new ReadStore(new Database(':memory:', { nativeBinding: NATIVE_BINDING }), writes, hooks);
    mkdirSync(cacheDir, { recursive: true });
    return new ReadStore(new Database(join(cacheDir, 'read.db'), { nativeBinding: NATIVE_BINDING, timeout: BUSY_TIMEOUT_MS }), writes, hooks);
  }

  private writerNow(): TableWriter {
    return (this.writer ??= new TableWriter(this.db, this.writes));
  }

  /** Drops every table and creates the current schema, empty (if `still` holds under the lock): the next catch-up refolds the log. */
  private rebuild(still: (store: ReadStore) => boolean = () => true): void {
    this.db.transaction(() => {
      if (!still(this)) return;
      // Virtual tables first: dropping one drops its shadow tables, which the list also names.
      const tables = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY sql LIKE 'CREATE VIRTUAL%' DESC`).pluck().all() as string[];
      for (const table of tables) this.db.exec(`DROP TABLE IF EXISTS "${table}"`);
      this.db.exec(READ_STORE_SCHEMA);
      this.setMeta('version', String(READ_STORE_VERSION));
      this.setMeta('watermark', '0');
    }).immediate();
    this.writer = undefined;
  }

  private meta(key: string): string | undefined {
    return metaOf(this.db)(key);
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(key, value);
  }

  /** The position of the last event folded into the tables. */
  watermark(): bigint {
    return BigInt(this.meta('watermark') ?? '0');
  }

  /**
   * Folds what the log gained since the watermark; returns the position the tables now stand
   * at. `folded` hears the position after each batch.
   */
  async catchUp(store: EventStore, progress?: ProgressFactory, folded?: (position: bigint) => void): Promise<bigint> {
    const head = await store.headPosition();
    if (!this.checkedLog) {
      await this.checkSameLog(store);
      this.checkedLog = true;
    }
    const start = this.watermark();
    const shown = await progressOver(progress, 'folding the log into tables', head - start);
    try {
      const at = shown.at;
      await this.foldUpTo(store, head, (position) => {
        at?.(position - start);
        folded?.(position);
      });
    } finally {
      shown.finish();
    }
    return this.watermark();
  }

  /**
   * Another connection folded these tables to `watermark` (an import's fold thread, which
   * keeps folding): this one does what the owner does after a fold (leaves the copies passed),
   * on its own thread, so the folding thread never stops for it.
   */
  async foldedElsewhere(watermark: bigint): Promise<void> {
    await this.hooks.folded?.(this.db, watermark);
  }

  /** Folds batch after batch until the tables reach `head`, saying how far after each. */
  private async foldUpTo(store: EventStore, head: bigint, reached: (position: bigint) => void): Promise<void> {
    let watermark = this.watermark();
    this.cacheFor(head - watermark);
    while (watermark < head) {
      const events: RecordedEvent[] = [];
      const after = watermark;
      for await (const recorded of store.readAll({ after, maxCount: BATCH })) events.push(recorded);
      if (events.length === 0) break;
      const writer = this.writerNow();
      const [at, foldedHere] = this.db.transaction((): [bigint, boolean] => {
        const from = this.watermark();
        // Rebuilt by another process since these were read: read again from where the tables stand.
        if (from < after) return [from, false];
        this.begin(writer, from);
        let folded = from;
        for (const recorded of events) {
          if (recorded.position <= folded) continue; // another process got here first
          this.apply(writer, toStored(recorded));
          folded = recorded.position;
        }
        writer.finish();
        const last = events[events.length - 1]!;
        if (folded === last.position) this.markFolded(last, from);
        return [folded, true];
      }).immediate();
      watermark = at;
      if (foldedHere) {
        this.committed(watermark);
        await this.hooks.folded?.(this.db, watermark);
      }
      reached(watermark);
    }
  }

  /** Folds one event of the live tables' fold, noting the latest `at` folded. */
  private apply(writer: TableWriter, event: StoredEvent): void {
    writer.apply(event);
    const at = Date.parse(event.metadata.at);
    if (at > this.latestAt) this.latestAt = at;
  }

  /**
   * Moves the watermark to the last event folded (the transaction began at `from`), and
   * remembers where it is, for `checkSameLog`, and the latest `at` the tables hold.
   */
  private markFolded(last: LastEvent, from: bigint): void {
    this.setMeta('last_event', encodeLastEvent(last));
    this.setMeta('watermark', String(last.position));
    this.noteLatestAt(from);
  }

  /**
   * Keeps the latest `at` of every event the tables hold (meta `max_at`, epoch ms): a copy of
   * them can start a replay at a time only if nothing in it is stamped later (milestones.ts).
   * Tables folded before it was kept never claim it: it would cover only their newer events.
   */
  private noteLatestAt(from: bigint): void {
    const known = this.meta('max_at');
    if (known === undefined && from > 0n) return;
    if (known === undefined || this.latestAt > Number(known)) this.setMeta('max_at', String(this.latestAt));
  }

  /**
   * Folds events just appended (an import, which has them parsed already) when they are the
   * very next ones after the watermark; otherwise leaves them to the next catch-up.
   */
  follow(events: readonly StoredEvent[]): boolean {
    this.cacheFor(BigInt(events.length));
    const writer = this.writerNow();
    const reached = this.db.transaction((): bigint | undefined => {
      const from = this.watermark();
      if (events.length === 0 || events[0]!.position <= from) return undefined;
      this.begin(writer, from);
      let folded = from;
      let last: StoredEvent | undefined;
      for (const event of events) {
        if (event.position !== folded + 1n) break; // another writer's events lie between (or a store that skips): the catch-up reads them
        this.apply(writer, event);
        folded = event.position;
        last = event;
      }
      writer.finish();
      if (last === undefined) return undefined;
      this.markFolded({ id: last.metadata.eventId, streamName: last.streamName, revision: last.revision, position: last.position }, from);
      return folded;
    }).immediate();
    if (reached === undefined) return false;
    this.committed(reached);
    return true;
  }

  /**
   * Folds `events` (in log order, each after the watermark) in one transaction and moves the
   * watermark to `through`, which may lie past the last of them: for tables that only this
   * process writes (PastTables), which may leave out events a past moment had not seen.
   */
  foldEvents(events: readonly StoredEvent[], through: bigint): void {
    this.cacheFor(BigInt(events.length));
    const writer = this.writerNow();
    this.db.transaction(() => {
      const folded = this.watermark();
      this.begin(writer, folded);
      for (const event of events) if (event.position > folded) writer.apply(event);
      writer.finish();
      if (through > folded) this.setMeta('watermark', String(through));
    }).immediate();
    this.committed(this.watermark());
  }

  /**
   * The fold's cache, from a fold of more than a few events on: kept from then on, as imports
   * and replays fold batch after batch, and what a fold just read is what its reader reads next.
   */
  private cacheFor(events: bigint): void {
    if (events > FOLD_CACHE_FROM) this.useCache(FOLD_CACHE_KIB);
  }

  private useCache(kib: number): void {
    if (kib === this.cacheKib) return;
    this.db.pragma(`cache_size = -${kib}`);
    this.cacheKib = kib;
  }

  /** Starts a fold's transaction at `folded`: the writer keeps what it read only if this process folded last. */
  private begin(writer: TableWriter, folded: bigint): void {
    if (this.cachedAt !== folded || ++this.cachedTransactions > CACHED_TRANSACTIONS) {
      writer.reset();
      this.cachedTransactions = 0;
    }
    this.cachedAt = undefined; // until this transaction commits: a rollback leaves the caches ahead of the tables
    this.latestAt = -Infinity;
  }

  private committed(watermark: bigint): void {
    this.cachedAt = watermark;
  }

  /**
   * The tables were folded from this log: its first event is the one they started from, and
   * the last they folded is still where they folded it (a log restored from an older backup
   * is not). Otherwise they are rebuilt.
   */
  private async checkSameLog(store: EventStore): Promise<void> {
    let first: string | undefined;
    for await (const recorded of store.readAll({ maxCount: 1 })) first = recorded.id;
    const known = this.meta('log_id');
    const lastEvent = this.meta('last_event');
    let holds = known === undefined || known === first;
    if (holds && lastEvent !== undefined) {
      holds = await stillHolds(store, decodeLastEvent(lastEvent));
    }
    if (!holds) this.rebuild();
    if (first !== undefined && this.meta('log_id') !== first) this.db.transaction(() => this.setMeta('log_id', first)).immediate();
  }

  /**
   * What the last `health` concluded, for the board to show without computing it again:
   * its warnings over the window it judged (`health`).
   * A note never goes back to an older position.
   */
  note<K extends keyof Notes>(key: K, note: Notes[K]): void {
    const known = this.noted(key);
    if (known && known.asOf > note.asOf) return;
    this.db.transaction(() => this.setMeta(`note:${key}`, encodeJson(note))).immediate();
  }

  noted<K extends keyof Notes>(key: K): Notes[K] | undefined {
    const note = this.meta(`note:${key}`);
    return note === undefined ? undefined : (decodeJson(note) as Notes[K]);
  }

  hookState(instance: string): HookState | undefined {
    const state = this.meta(`hook:${instance}`);
    return state === undefined ? undefined : (decodeJson(state) as HookState);
  }

  setHookState(instance: string, state: HookState): void {
    this.db.transaction(() => this.setMeta(`hook:${instance}`, encodeJson(state))).immediate();
  }

  /** With `atExit`, the file is left open for the process's end to close (see EventStore.close). */
  close(options: { atExit?: boolean } = {}): void {
    if (!options.atExit) this.db.close();
  }
}
