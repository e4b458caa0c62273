import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { monthOfWork } from '../../bench/support/month.js';
import { TableWriter } from '../../src/readstore/apply.js';
import { READ_STORE_SCHEMA, READ_STORE_VERSION } from '../../src/readstore/schema.js';
import { toStored } from '../../src/runtime/stored.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectExit, tempDir, workspace } from '../cli/run.js';

/** Rows of every table, sorted, without the bookkeeping (meta) that names no fact. */
function dump(db: Database.Database): Record<string, string[]> {
  try {
    // Full-text search compares by what it holds: its shadow tables' layout follows the batches.
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta' AND name NOT LIKE 'search\\_%' ESCAPE '\\'`).pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT ${t === 'search' ? 'rowid, ' : ''}* FROM "${t}"`).raw().all().map((r) => JSON.stringify(r)).sort()]));
  } finally {
    db.close();
  }
}

describe('tables built by several processes at once', () => {
  it('equal the tables one process builds alone: no event folded twice, none skipped', async () => {
    const ws = await workspace();
    const file = join(tempDir('cairn-month-'), 'month.ndjson');
    writeFileSync(file, [...monthOfWork({ events: 12_000, seed: 3 })].map((e) => JSON.stringify(e)).join('\n') + '\n');
    expectExit(await ws.run(['import', file]), 0);
    const tables = join(`${ws.store}.cache`, 'read.db');

    // An old file, as after an upgrade: every process finds it stale and catches up from nothing.
    const db = new Database(tables);
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'version'`).run(String(READ_STORE_VERSION - 1));
    db.close();
    const runs = await Promise.all([['tasks'], ['findings'], ['questions'], ['tasks', '--all'], ['findings', '--by', 'ada']].map((args) => ws.run([...args, '--json'])));
    for (const r of runs) expectExit(r, 0);
    // The same events, up to where the racing processes left the tables, folded by one writer.
    const watermark = BigInt(new Database(tables, { readonly: true }).prepare(`SELECT value FROM meta WHERE key = 'watermark'`).pluck().get() as string);
    const alone = new Database(':memory:');
    alone.exec(READ_STORE_SCHEMA);
    const writer = new TableWriter(alone);
    const store = openSqliteStore(ws.store);
    alone.transaction(() => writer.reset())();
    const events = [];
    for await (const recorded of store.readAll()) if (recorded.position <= watermark) events.push(toStored(recorded));
    await store.close();
    alone.transaction(() => {
      for (const event of events) writer.apply(event);
      writer.finish();
    })();
    const rows = dump(alone);
    expect(rows.findings!.length).toBeGreaterThan(2_000);
    const raced = dump(new Database(tables, { readonly: true }));
    for (const table of Object.keys(rows)) expect(raced[table], table).toEqual(rows[table]);
    expect(Object.keys(raced).sort()).toEqual(Object.keys(rows).sort());
  }, 120_000);
});
