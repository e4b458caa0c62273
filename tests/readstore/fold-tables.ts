import Database from 'better-sqlite3';
import type { StoredEvent } from '../../events/index.js';
import { TableWriter } from '../../src/readstore/apply.js';
import { READ_STORE_SCHEMA } from '../../src/readstore/schema.js';

/**
 * Folds the events into fresh tables, in batches ending at `cuts` (each a catch-up
 * transaction). With `keepCaches`, the writer keeps what it read between batches, as the read
 * store lets it when nobody else folded since.
 */
export function tablesOver(events: readonly StoredEvent[], cuts: number[], { keepCaches = false } = {}): Database.Database {
  const db = new Database(':memory:');
  db.exec(READ_STORE_SCHEMA);
  const writer = new TableWriter(db);
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < events.length).sort((a, b) => a - b), events.length]) {
    db.transaction(() => {
      if (!keepCaches || from === 0) writer.reset();
      for (const event of events.slice(from, cut)) writer.apply(event);
      writer.finish();
    })();
    from = cut;
  }
  return db;
}

/** Bigints as strings, so answers from the tables and from the folds compare as JSON. */
export const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))) as T;
