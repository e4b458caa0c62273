import Database from 'better-sqlite3';
import { EVENTS_TABLE } from '../../src/store/sqlite.js';

/**
 * The baselines cairn's SQLite store is compared with: the least a program must do to store
 * and read back the same rows with better-sqlite3. Same table, same indexes, same pragmas as
 * src/store/sqlite.ts (WAL, synchronous=NORMAL), so the ratio measures cairn's own overhead:
 * expected-revision and idempotency checks, validation, bigint positions, async iteration.
 */

export const RAW_SCHEMA = EVENTS_TABLE;

export function openRaw(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(RAW_SCHEMA);
  return db;
}

export interface RawEvent {
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** One transaction per batch (a batch of one for single-event appends), JSON-encoding each row. */
export function rawInserter(db: Database.Database): (batch: RawEvent[]) => void {
  const insert = db.prepare('INSERT INTO events (stream_name, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  return db.transaction((batch: RawEvent[]) => {
    for (const e of batch) insert.run(e.stream, e.revision, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
  });
}

/** Reads every row in log order and parses its JSON columns: the floor for any replay. */
export function rawReadAndParse(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    let count = 0;
    let bytes = 0;
    const rows = db.prepare('SELECT position, stream_name, revision, event_id, type, data, metadata FROM events ORDER BY position').iterate();
    for (const row of rows as Iterable<{ data: string; metadata: string }>) {
      const data = JSON.parse(row.data) as Record<string, unknown>;
      const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
      if (data !== null && metadata !== null) count++;
      bytes += row.data.length;
    }
    return count + (bytes < 0 ? 1 : 0);
  } finally {
    db.close();
  }
}
