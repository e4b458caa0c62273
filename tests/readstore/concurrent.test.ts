import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { monthOfWork } from '../../bench/support/month.js';
import { importExport } from '../../src/app/transfer.js';
import { PAGE_SIZE, ReadStore } from '../../src/readstore/read-store.js';
import { READ_STORE_VERSION } from '../../src/readstore/schema.js';
import { toStored } from '../../src/runtime/stored.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectExit, spawnCairn, tempDir, workspace } from '../cli/run.js';
import { dump, expectSameRows, foldedAlone } from './fold-tables.js';

const monthFile = (events: number, seed: number): string => {
  const file = join(tempDir('cairn-month-'), 'month.ndjson');
  writeFileSync(file, [...monthOfWork({ events, seed })].map((e) => JSON.stringify(e)).join('\n') + '\n');
  return file;
};

describe('the tables file', () => {
  it('is made of 8 KiB pages when new, and an existing file keeps its own, folding on as before', async () => {
    // Given a log, and a tables file made before (with SQLite's 4 KiB pages)
    const dir = tempDir('cairn-pages-');
    const store = openSqliteStore(join(dir, 'log.db'), { create: true });
    await importExport(store, async function* () {
      yield* [...monthOfWork({ events: 600, seed: 5 })].map((e) => JSON.stringify(e));
    });
    mkdirSync(join(dir, 'old'));
    const legacy = new Database(join(dir, 'old', 'read.db'));
    legacy.pragma('page_size = 4096');
    legacy.pragma('journal_mode = WAL');
    legacy.close();
    // When tables are opened there and in a new directory, and caught up
    const kept = ReadStore.open(join(dir, 'old'));
    const fresh = ReadStore.open(join(dir, 'new'));
    await kept.catchUp(store);
    await fresh.catchUp(store);
    // Then the new file has 8 KiB pages, the old one its 4 KiB, and both hold the same rows
    expect(fresh.db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    expect(kept.db.pragma('page_size', { simple: true })).toBe(4096);
    kept.close();
    fresh.close();
    await store.close();
    expectSameRows(dump(new Database(join(dir, 'old', 'read.db'), { readonly: true })), dump(new Database(join(dir, 'new', 'read.db'), { readonly: true })));
  });
});

describe('tables built by several processes at once', () => {
  it('equal the tables one process builds alone: no event folded twice, none skipped', async () => {
    const ws = await workspace();
    expectExit(await ws.run(['import', monthFile(12_000, 3)]), 0);
    const tables = join(`${ws.store}.cache`, 'read.db');

    // An old file, as after an upgrade: every process finds it stale and catches up from nothing.
    const db = new Database(tables);
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'version'`).run(String(READ_STORE_VERSION - 1));
    db.close();
    const runs = await Promise.all([['tasks'], ['findings'], ['questions'], ['tasks', '--all'], ['findings', '--by', 'ada']].map((args) => ws.run([...args, '--json'])));
    for (const r of runs) expectExit(r, 0);
    // The same events, up to where the racing processes left the tables, folded by one writer.
    const watermark = BigInt(new Database(tables, { readonly: true }).prepare(`SELECT value FROM meta WHERE key = 'watermark'`).pluck().get() as string);
    const rows = await foldedAlone(ws.store, watermark);
    expect(rows.findings!.length).toBeGreaterThan(2_000);
    expectSameRows(dump(new Database(tables, { readonly: true })), rows);
  }, 120_000);

  it('a process that folded last keeps what it read, and one that did not reads the tables afresh', async () => {
    const dir = tempDir('cairn-two-writers-');
    const path = join(dir, 'log.db');
    const store = openSqliteStore(path, { create: true });
    const lines = [...monthOfWork({ events: 9_000, seed: 7 })].map((e) => JSON.stringify(e));
    const a = ReadStore.open(join(dir, 'cache'));
    const b = ReadStore.open(join(dir, 'cache'));
    // Each turn appends a slice, then one of the two catches the tables up: a, a (its caches
    // kept), b, a (a's caches are stale: b folded since), b, b.
    let from = 0;
    for (const [slice, folder] of [[1_500, a], [1_500, a], [1_500, b], [1_500, a], [1_500, b], [1_500, b]] as const) {
      await importExport(store, async function* () {
        yield* lines.slice(from, from + slice);
      });
      from += slice;
      await folder.catchUp(store);
    }
    await store.close();
    const rows = await foldedAlone(path, 9_000n);
    expectSameRows(dump(new Database(join(dir, 'cache', 'read.db'), { readonly: true })), rows);
    a.close();
    b.close();
  });

  it('an import folds in a thread of its own while other processes catch the same tables up, and they equal what one writer builds', async () => {
    const ws = await workspace();
    const importing = spawnCairn(['import', monthFile(30_000, 5)], { cwd: ws.dir });
    let exited = false;
    void importing.done.then(() => (exited = true));
    // Readers catch up whatever has landed, racing the import's own thread for the tables.
    let reads = 0;
    while (!exited) {
      expectExit(await ws.run(['tasks', '--json']), 0);
      reads++;
    }
    const imported = await importing.done;
    expectExit(imported, 0);
    expect(imported.stdout).toBe('imported 30000 events\n');
    expect(reads).toBeGreaterThan(1);
    const tables = join(`${ws.store}.cache`, 'read.db');
    const watermark = BigInt(new Database(tables, { readonly: true }).prepare(`SELECT value FROM meta WHERE key = 'watermark'`).pluck().get() as string);
    // Folded past the import's last event by the time it answered (the readers' own
    // ContentShown events come after): the first read after it has nothing to do.
    expect(watermark).toBeGreaterThanOrEqual(30_000n);
    expectSameRows(dump(new Database(tables, { readonly: true })), await foldedAlone(ws.store, watermark));
  }, 180_000);

  it("the fold's own thread says why it stopped: an import can then fold the rest itself", async () => {
    // The compiled module: its thread runs the compiled fold-worker.js beside it.
    const { BackgroundFold } = (await import(new URL('../../dist/src/readstore/background-fold.js', import.meta.url).href)) as typeof import('../../src/readstore/background-fold.js');
    // Given a thread asked to fold a log that is not there
    const missing = join(tempDir('cairn-no-log-'), 'log.db');
    const fold = BackgroundFold.start(missing)!;
    // When it is told the log is done growing, Then finishing rejects with what stopped it
    await expect(fold.finish()).rejects.toThrow(/no cairn log/);
  });
});
