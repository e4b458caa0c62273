import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreUnavailableError } from '../errors.js';
import type { EventStore } from './port.js';
import { POSTGRES_SCHEME } from './postgres-url.js';

export interface OpenedStore {
  store: EventStore;
  /** Where the read models' tables and snapshots may be cached for this log; undefined: do not cache. */
  cacheDir: string | undefined;
  /** Where the log lives, for messages; never includes credentials. */
  describe: string;
  /** Whether opening with `create` made a new log, where the store can tell. */
  created?: boolean;
}

export type StoreLocation =
  | { kind: 'memory' }
  | { kind: 'kurrentdb'; url: string }
  | { kind: 'postgres'; url: string }
  | { kind: 'sqlite'; path: string };

const KURRENT_SCHEME = /^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\//i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Parses a store URL: `memory:`, `kurrentdb://…` / `esdb://…`, `postgres://…`, `sqlite:PATH`, `file:PATH`
 * (or a `file://` URL), or a bare path. Relative paths resolve against `cwd`.
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreLocation {
  const trimmed = url.trim();
  if (trimmed === '') throw new StoreUnavailableError('empty store URL');
  if (/^memory:/i.test(trimmed)) return { kind: 'memory' };
  if (KURRENT_SCHEME.test(trimmed)) return { kind: 'kurrentdb', url: trimmed };
  if (POSTGRES_SCHEME.test(trimmed)) return { kind: 'postgres', url: trimmed };
  const scheme = /^(sqlite|file):/i.exec(trimmed);
  if (scheme) {
    const rest = trimmed.slice(scheme[0].length);
    if (rest === '') throw new StoreUnavailableError(`store URL ${url} names no file`);
    const path = rest.startsWith('//') ? fileURLToPath(`file:${rest}`) : rest;
    return { kind: 'sqlite', path: resolve(cwd, path) };
  }
  if (ANY_SCHEME.test(trimmed)) {
    throw new StoreUnavailableError(
      `unsupported store URL ${redact(trimmed)}: use a path, sqlite:PATH, postgres://HOST/DB, kurrentdb://HOST:PORT or memory:`,
    );
  }
  return { kind: 'sqlite', path: isAbsolute(trimmed) ? trimmed : resolve(cwd, trimmed) };
}

/** Per-server cache directory for a remote log: the URL is hashed so credentials never show. */
export function remoteCacheDir(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'cairn', createHash('sha256').update(url).digest('hex').slice(0, 16));
}

/**
 * Opens the store a URL names. Adapters are imported on demand so a CLI call against SQLite
 * never loads gRPC or node-postgres, and one against a server never loads the SQLite binding.
 */
export async function openStore(url: string, options: { create?: boolean } = {}): Promise<OpenedStore> {
  const location = parseStoreUrl(url);
  switch (location.kind) {
    case 'memory': {
      const { InMemoryEventStore } = await import('./memory.js');
      return { store: new InMemoryEventStore(), cacheDir: undefined, describe: 'memory:' };
    }
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite.js');
      const store = openSqliteStore(location.path, { create: options.create ?? false });
      return { store, cacheDir: `${location.path}.cache`, describe: location.path };
    }
    case 'kurrentdb': {
      const openKurrentDbStore = await loadKurrentAdapter();
      const store = await openKurrentDbStore(location.url);
      return { store, cacheDir: remoteCacheDir(location.url), describe: redact(location.url) };
    }
    case 'postgres': {
      const { openPostgresStore } = await import('./postgres.js');
      const store = await openPostgresStore(location.url, { create: options.create ?? false });
      return { store, cacheDir: remoteCacheDir(location.url), describe: store.describe, created: store.created };
    }
  }
}

type OpenKurrentDbStore = (url: string) => Promise<EventStore>;

async function loadKurrentAdapter(): Promise<OpenKurrentDbStore> {
  // A computed specifier: the adapter is written separately, and typecheck must not depend on it.
  const specifier = './kurrentdb.js';
  let module: { openKurrentDbStore?: OpenKurrentDbStore };
  try {
    module = (await import(/* @vite-ignore */ specifier)) as typeof module;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(error).includes('kurrentdb');
    if (missing) {
      throw new StoreUnavailableError(`the KurrentDB adapter is not available in this build of cairn (${String(error)})`, { cause: error });
    }
    throw error;
  }
  if (typeof module.openKurrentDbStore !== 'function') {
    throw new StoreUnavailableError('the KurrentDB adapter is not available in this build of cairn');
  }
  return module.openKurrentDbStore;
}

/** Drops user:password from a URL so it can be shown. */
function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
