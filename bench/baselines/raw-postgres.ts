import pg from 'pg';
import type { RawEvent } from './raw-sqlite.js';

/**
 * The baselines cairn's PostgreSQL store is compared with: the least node-postgres must do to
 * store and read back the same rows. The same columns, a bigserial position and the same
 * unique indexes; each batch is one multi-row INSERT in its own transaction (autocommit, so
 * one commit each, as cairn has). What the ratio leaves out is cairn's own work: the lock,
 * the expected-revision and idempotency checks, bigint positions, async iteration.
 */
export async function rawPostgresInsert(url: string, schema: string, batches: RawEvent[][]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE "${schema}".raw_events (
      position bigserial PRIMARY KEY, stream_name text NOT NULL, revision bigint NOT NULL, event_id text NOT NULL UNIQUE,
      type text NOT NULL, data json NOT NULL, metadata json NOT NULL, UNIQUE (stream_name, revision))`);
    const insert = `INSERT INTO "${schema}".raw_events (stream_name, revision, event_id, type, data, metadata)
      SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::json[], $6::json[])`;
    const start = performance.now();
    for (const batch of batches) {
      await client.query({
        name: 'raw-insert',
        text: insert,
        values: [
          batch.map((e) => e.stream),
          batch.map((e) => e.revision),
          batch.map((e) => e.id),
          batch.map((e) => e.type),
          batch.map((e) => JSON.stringify(e.data)),
          batch.map((e) => JSON.stringify(e.metadata)),
        ],
      });
    }
    return performance.now() - start;
  } finally {
    await client.end();
  }
}

/** Reads every row of a cairn log's table in position order, a page of 1,000 at a time, JSON parsed: the floor for a replay. */
export async function rawPostgresReadAndParse(url: string, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let count = 0;
    let after = '0';
    for (;;) {
      const { rows } = await client.query<unknown[]>({
        name: 'raw-read',
        text: `SELECT position::text AS at, stream_name, revision, event_id, type, data, metadata FROM "${schema}".events WHERE position > $1 ORDER BY position LIMIT 1000`,
        values: [after],
        rowMode: 'array',
      });
      for (const row of rows) if (row[5] !== null && row[6] !== null) count++;
      if (rows.length < 1000) return count;
      after = rows[rows.length - 1]![0] as string;
    }
  } finally {
    await client.end();
  }
}
