/**
 * The PostgreSQL server the live tests run against: CAIRN_TEST_POSTGRES_URL, or the local one
 * these machines run. Without a server the tests skip with the reason printed, unless
 * CAIRN_REQUIRE_POSTGRES is set (.ci/run sets it where a server is installed): then a missing
 * server fails the file instead of letting the PostgreSQL tests pass by skipping.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { ensureDatabase } from './postgres-database.js';

export const POSTGRES_TEST_URL = process.env.CAIRN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/cairn_test';

export type PostgresServer = { url: string } | { skip: string };

/** Reaches the test database, creating it when the server has none; or says why it cannot. */
export async function postgresServer(what: string): Promise<PostgresServer> {
  try {
    await ensureDatabase(POSTGRES_TEST_URL);
    return { url: POSTGRES_TEST_URL };
  } catch (error) {
    const reason = `no PostgreSQL server at ${redact(POSTGRES_TEST_URL)} (${error instanceof Error ? error.message : String(error)}); set CAIRN_TEST_POSTGRES_URL`;
    if (process.env.CAIRN_REQUIRE_POSTGRES) throw new Error(`CAIRN_REQUIRE_POSTGRES is set but ${reason}`);
    console.log(`${what} skipped: ${reason}`);
    return { skip: reason };
  }
}

const made: { server: { url: string }; schema: string }[] = [];

afterAll(async () => {
  for (const { server, schema } of made.splice(0)) await sql(server, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
});

/**
 * A store URL naming a schema of its own, dropped after the file's tests: each file (or test)
 * works on a log nobody else writes to.
 */
export function freshLog(server: { url: string }, label = 'log'): string {
  const url = new URL(server.url);
  const schema = `t_${label}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  url.searchParams.set('schema', schema);
  made.push({ server, schema });
  return url.toString();
}

/** Runs one statement on the test database (for what a test does behind the store's back). */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(server: { url: string }, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export const schemaOf = (storeUrl: string): string => new URL(storeUrl).searchParams.get('schema')!;

const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@');
