import { StoreUnavailableError } from '../errors.js';

/** Where a cairn log lives in PostgreSQL: a database (the URL) and a schema in it. */
export interface PostgresLocation {
  /** The URL node-postgres connects with: cairn's own `schema` parameter removed. */
  connectionString: string;
  /** The schema holding the log's table and append function; `cairn` unless `?schema=` says. */
  schema: string;
  /** host:port/database?schema=…, for messages: never a password. */
  describe: string;
}

export const POSTGRES_SCHEME = /^postgres(ql)?:\/\//i;
export const DEFAULT_SCHEMA = 'cairn';
/** Lower-case identifiers only, so no quoting surprise; short enough for a NOTIFY channel name. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Parses `postgres://user:password@host:port/database?schema=name`. Several logs can share a
 * database, one schema each. Other parameters (sslmode, application_name…) go to node-postgres.
 */
export function parsePostgresUrl(url: string): PostgresLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreUnavailableError(`invalid PostgreSQL URL ${redactPassword(url)}: expected postgres://user@host:5432/database`);
  }
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreUnavailableError(`invalid schema ${JSON.stringify(schema)} in the store URL: use lower-case letters, digits and _ (at most 48)`);
  }
  parsed.searchParams.delete('schema');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.username || 'postgres';
  const host = parsed.hostname || 'localhost';
  return {
    connectionString: parsed.toString(),
    schema,
    describe: `postgres://${host}:${parsed.port || '5432'}/${database}?schema=${schema}`,
  };
}

const redactPassword = (url: string): string => url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1@');
