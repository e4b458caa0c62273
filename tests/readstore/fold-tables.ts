import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { TableWriter } from '../../src/readstore/apply.js';
import { READ_STORE_SCHEMA } from '../../src/readstore/schema.js';
import { toStored } from '../../src/runtime/stored.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

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

/** Rows of every table, sorted, without the bookkeeping (meta) that names no fact; closes `db`. */
export function dump(db: Database.Database): Record<string, string[]> {
  try {
    // Full-text search compares by what it holds: its shadow tables' layout follows the batches.
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta' AND name NOT LIKE 'search\\_%' ESCAPE '\\'`).pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT ${t === 'search' ? 'rowid, ' : ''}* FROM "${t}"`).raw().all().map((r) => JSON.stringify(r)).sort()]));
  } finally {
    db.close();
  }
}

/** The rows one writer folds from the log's events up to `upTo`, in one transaction. */
export async function foldedAlone(storePath: string, upTo: bigint): Promise<Record<string, string[]>> {
  const store = openSqliteStore(storePath);
  const events: StoredEvent[] = [];
  try {
    for await (const recorded of store.readAll()) if (recorded.position <= upTo) events.push(toStored(recorded));
  } finally {
    await store.close();
  }
  return dump(tablesOver(events, []));
}

export function expectSameRows(actual: Record<string, string[]>, expected: Record<string, string[]>): void {
  for (const table of Object.keys(expected)) expect(actual[table], table).toEqual(expected[table]);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
}
