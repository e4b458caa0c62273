/** Choosing and finding the log: store URLs (open.ts) and the `.cairn/log.db` walk-up (locate.ts). */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { defaultStorePath, resolveStoreUrl } from '../../src/store/locate.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { remoteCacheDir, openStore, parseStoreUrl, type OpenedStore } from '../../src/store/open.js';
import { parsePostgresUrl } from '../../src/store/postgres-url.js';
import { collect } from '../../src/store/port.js';
import { SqliteEventStore } from '../../src/store/sqlite.js';

let dir: string;
const opened: OpenedStore[] = [];
const openAndTrack = async (url: string, options?: { create?: boolean }) => {
  const result = await openStore(url, options);
  opened.push(result);
  return result;
};

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'cairn-open-')));
});
afterEach(async () => {
  for (const o of opened.splice(0)) await o.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('parseStoreUrl', () => {
  it('recognises memory, KurrentDB, PostgreSQL and SQLite forms', () => {
    expect(parseStoreUrl('memory:')).toEqual({ kind: 'memory' });
    expect(parseStoreUrl('postgres://u@db:5432/cairn?schema=team_a')).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/cairn?schema=team_a' });
    expect(parseStoreUrl('postgresql://db/cairn')).toMatchObject({ kind: 'postgres' });
    expect(parseStoreUrl('kurrentdb://localhost:2113?tls=false')).toEqual({ kind: 'kurrentdb', url: 'kurrentdb://localhost:2113?tls=false' });
    expect(parseStoreUrl('esdb://admin:changeit@db:2113')).toEqual({ kind: 'kurrentdb', url: 'esdb://admin:changeit@db:2113' });
    expect(parseStoreUrl('kurrentdb+discover://a,b,c')).toMatchObject({ kind: 'kurrentdb' });
    expect(parseStoreUrl('sqlite:/abs/log.db', '/cwd')).toEqual({ kind: 'sqlite', path: '/abs/log.db' });
    expect(parseStoreUrl('sqlite:rel/log.db', '/cwd')).toEqual({ kind: 'sqlite', path: '/cwd/rel/log.db' });
    expect(parseStoreUrl('file:rel/log.db', '/cwd')).toEqual({ kind: 'sqlite', path: '/cwd/rel/log.db' });
    expect(parseStoreUrl('file:///abs/with%20space/log.db', '/cwd')).toEqual({ kind: 'sqlite', path: '/abs/with space/log.db' });
    expect(parseStoreUrl('/abs/log.db', '/cwd')).toEqual({ kind: 'sqlite', path: '/abs/log.db' });
    expect(parseStoreUrl('log.db', '/cwd')).toEqual({ kind: 'sqlite', path: '/cwd/log.db' });
  });

  it('refuses an unknown scheme without echoing credentials, and an empty URL', () => {
    const error = capture(() => parseStoreUrl('mysql://user:secret@host/db'));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('unsupported store URL mysql://host/db');
    expect((error as Error).message).not.toContain('secret');
    expect(capture(() => parseStoreUrl('  '))).toBeInstanceOf(StoreUnavailableError);
    expect(capture(() => parseStoreUrl('sqlite:'))).toBeInstanceOf(StoreUnavailableError);
  });
});

describe('parsePostgresUrl', () => {
  it('takes the schema from ?schema= (default cairn), passes the rest to node-postgres, and describes it without the password', () => {
    expect(parsePostgresUrl('postgres://cairn:s3cret@db.internal:6543/team?sslmode=require&schema=log_2')).toEqual({
      connectionString: 'postgres://cairn:s3cret@db.internal:6543/team?sslmode=require',
      schema: 'log_2',
      describe: 'postgres://db.internal:6543/team?schema=log_2',
    });
    expect(parsePostgresUrl('postgresql://db/team')).toMatchObject({ schema: 'cairn', describe: 'postgres://db:5432/team?schema=cairn' });
  });

  it('refuses a schema name that would need quoting, and a URL it cannot parse, without echoing the password', () => {
    for (const schema of ['Upper', 'with-dash', 'x;drop', '1starts_with_digit', 'a'.repeat(49), '']) {
      expect(capture(() => parsePostgresUrl(`postgres://db/team?schema=${encodeURIComponent(schema)}`)), schema).toBeInstanceOf(StoreUnavailableError);
    }
    const error = capture(() => parsePostgresUrl('postgres://u:s3cret@[bad/db'));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).not.toContain('s3cret');
  });
});

describe('openStore', () => {
  it('memory: opens an in-memory store with no cache directory', async () => {
    const { store, cacheDir, describe: where } = await openAndTrack('memory:');
    expect(store).toBeInstanceOf(InMemoryEventStore);
    expect(cacheDir).toBeUndefined();
    expect(where).toBe('memory:');
  });

  it('a bare path, sqlite:PATH, file:PATH and a file:// URL open the same SQLite log, cached beside it', async () => {
    const path = join(dir, 'log.db');
    const created = await openAndTrack(path, { create: true });
    expect(created.store).toBeInstanceOf(SqliteEventStore);
    expect(created.cacheDir).toBe(`${path}.cache`);
    expect(created.describe).toBe(path);
    const appended = await created.store.append('s', [{ id: 'e1', type: 'T', data: {}, metadata: {} }]);
    for (const url of [`sqlite:${path}`, `file:${path}`, pathToFileURL(path).href]) {
      const other = await openAndTrack(url);
      expect(other.cacheDir).toBe(`${path}.cache`);
      expect((await collect(other.store.readAll())).map((e) => [e.id, e.position])).toEqual([['e1', appended.position]]);
    }
  });

  it('a relative path resolves against the working directory', async () => {
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const { describe: where, cacheDir } = await openAndTrack('sqlite:nested.db', { create: true });
      expect(where).toBe(join(dir, 'nested.db'));
      expect(cacheDir).toBe(join(dir, 'nested.db.cache'));
    } finally {
      process.chdir(previous);
    }
  });

  it('does not create a log unless asked: StoreUnavailableError pointing at `cairn init`', async () => {
    const path = join(dir, 'absent.db');
    await expect(openStore(path)).rejects.toThrow(new StoreUnavailableError(`no cairn log at ${path}; run \`cairn init\``));
    await expect(openStore(`sqlite:${path}`, { create: false })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(existsSync(path)).toBe(false);
  });
});

describe('remoteCacheDir', () => {
  it('lives under XDG_CACHE_HOME, else ~/.cache, named by a 16-hex hash of the URL', () => {
    const url = 'kurrentdb://admin:changeit@localhost:2113';
    const under = remoteCacheDir(url, { XDG_CACHE_HOME: '/xdg' });
    expect(under).toMatch(/^\/xdg\/cairn\/[0-9a-f]{16}$/);
    expect(under).not.toContain('changeit');
    expect(remoteCacheDir(url, {})).toBe(join(homedir(), '.cache', 'cairn', under.slice('/xdg/cairn/'.length)));
    expect(remoteCacheDir('kurrentdb://other:2113', { XDG_CACHE_HOME: '/xdg' })).not.toBe(under);
  });
});

describe('resolveStoreUrl and defaultStorePath', () => {
  it('prefers the --store flag, then CAIRN_STORE, then a .cairn/log.db found walking up', () => {
    const root = join(dir, 'project');
    const deep = join(root, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    mkdirSync(join(root, '.cairn'));
    writeFileSync(join(root, '.cairn', 'log.db'), '');
    expect(resolveStoreUrl({ flag: 'memory:', env: 'sqlite:/x.db', cwd: deep })).toBe('memory:');
    expect(resolveStoreUrl({ env: 'sqlite:/x.db', cwd: deep })).toBe('sqlite:/x.db');
    expect(resolveStoreUrl({ flag: '', env: '', cwd: deep })).toBe(join(root, '.cairn', 'log.db'));
    expect(resolveStoreUrl({ cwd: root })).toBe(join(root, '.cairn', 'log.db'));
  });

  it('finds the nearest log when projects nest', () => {
    const outer = join(dir, 'outer');
    const inner = join(outer, 'inner');
    mkdirSync(join(inner, '.cairn'), { recursive: true });
    mkdirSync(join(outer, '.cairn'), { recursive: true });
    writeFileSync(join(outer, '.cairn', 'log.db'), '');
    writeFileSync(join(inner, '.cairn', 'log.db'), '');
    expect(resolveStoreUrl({ cwd: join(inner, 'src') })).toBe(join(inner, '.cairn', 'log.db'));
  });

  it('is undefined when nothing is configured or found', () => {
    const lonely = join(dir, 'lonely');
    mkdirSync(join(lonely, '.cairn'), { recursive: true }); // a .cairn directory without a log does not count
    const found = resolveStoreUrl({ cwd: lonely });
    // Only a log above the temp directory (outside this test's control) could be found.
    expect(found === undefined || !found.startsWith(dir)).toBe(true);
  });

  it('defaultStorePath is .cairn/log.db under the given directory, absolute', () => {
    expect(defaultStorePath('/work/proj')).toBe('/work/proj/.cairn/log.db');
    const previous = process.cwd();
    process.chdir(dir);
    try {
      expect(defaultStorePath('.')).toBe(join(dir, '.cairn', 'log.db'));
    } finally {
      process.chdir(previous);
    }
  });
});

function capture(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
