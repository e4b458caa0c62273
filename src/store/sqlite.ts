/** Opening a cairn log kept in one SQLite file: the file, its schema and its pragmas. The store itself is sqlite-store.ts. */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../errors.js';
import { codeOf, messageOf, withBusyRetrySync } from './sqlite-errors.js';
import { SqliteEventStore } from './sqlite-store.js';

/** SQLite waits this long for the write lock before reporting SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
const SCHEMA_VERSION = 1;

/**
 * The compiled addon, found directly: without it better-sqlite3 asks the `bindings` package,
 * which probes a dozen paths and parses a stack trace, ~5 ms of every CLI call. Undefined
 * (let better-sqlite3 search) when the addon is not where a normal build puts it.
 */
export const NATIVE_BINDING = (() => {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    return undefined;
  }
})();

// Positions come from an AUTOINCREMENT rowid: assigned under the write lock, so commit order
// is position order, and never reused even if the last rows were deleted.
/** The events table; the benchmark's raw baseline creates exactly this one. */
export const EVENTS_TABLE = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_name TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  event_id    TEXT    NOT NULL UNIQUE,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  UNIQUE (stream_name, revision)
);`;
const SCHEMA = `${EVENTS_TABLE}
PRAGMA user_version = ${SCHEMA_VERSION};
`;

export interface OpenSqliteOptions {
  /** Create the file and schema when missing (`cairn init`). Default false. */
  create?: boolean;
}

/**
 * Opens (or, with `create`, creates) a cairn log in one SQLite file. Cheap enough to call on
 * every CLI invocation: no migrations, the schema is only created when it is missing.
 */
export function openSqliteStore(path: string, options: OpenSqliteOptions = {}): SqliteEventStore {
  const create = options.create ?? false;
  const inMemory = path === ':memory:';
  if (!inMemory) {
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new StoreUnavailableError(`cannot open cairn log ${path}: directory ${dir} does not exist`);
    }
    if (!create && !existsSync(path)) {
      throw new StoreUnavailableError(`no cairn log at ${path}; run \`cairn init\``);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: !create && !inMemory, timeout: BUSY_TIMEOUT_MS, nativeBinding: NATIVE_BINDING });
  } catch (error) {
    throw new StoreUnavailableError(`cannot open cairn log ${path}: ${messageOf(error)}`, { cause: error });
  }
  try {
    prepareDatabase(db, path, create);
  } catch (error) {
    db.close();
    if (error instanceof StoreUnavailableError) throw error;
    const hint = codeOf(error) === 'SQLITE_NOTADB' ? ' (not a SQLite database)' : '';
    throw new StoreUnavailableError(`cannot open cairn log ${path}${hint}: ${messageOf(error)}`, { cause: error });
  }
  return new SqliteEventStore(db, path);
}

function prepareDatabase(db: Database.Database, path: string, create: boolean): void {
  // Switching to WAL needs a moment alone with the file; when several processes create the
  // log at once the switch can report SQLITE_BUSY without waiting, so retry it briefly.
  withBusyRetrySync(() => {
    if (db.pragma('journal_mode', { simple: true }) !== 'wal' && db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') {
      if (path !== ':memory:') throw new StoreUnavailableError(`cannot open cairn log ${path}: could not switch it to WAL mode`);
    }
  });
  // WAL + synchronous=NORMAL: a commit is in the WAL (the OS page cache) before append()
  // returns, so a killed process (even kill -9) never loses an acknowledged event. Only an
  // OS crash or power loss could roll back the last commits; FULL would fsync every append
  // to cover that, at a cost every CLI call would pay.
  db.pragma('synchronous = NORMAL');

  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").pluck().get();
  if (!hasTable) {
    if (!create) throw new StoreUnavailableError(`${path} is not a cairn log (it has no events table); run \`cairn init\``);
    withBusyRetrySync(() => db.transaction(() => db.exec(SCHEMA)).immediate());
  }
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new StoreUnavailableError(`cairn log ${path} was written by a newer cairn (schema ${version}); upgrade cairn`);
  }
}

export { SqliteEventStore } from './sqlite-store.js';
export { withBusyRetrySync } from './sqlite-errors.js';
