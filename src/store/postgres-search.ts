import type pg from 'pg';
import { filterClauses, type SearchDoc, type SearchFilter, type StoreSearchIndex } from './search-port.js';

/**
 * PostgreSQL's own full-text search for a PostgreSQL log: a table `search` in the log's
 * schema with a tsvector of cairn's words (search-docs.ts: already stemmed and lower-cased,
 * so the 'simple' configuration only splits them) under a GIN index, and how far it has
 * indexed the log in `log_info`. Whoever searches catches it up; adding a batch and moving
 * the mark is one transaction, and documents already there are kept, so searches that catch
 * up at once add each document once.
 */

const MARK = 'search_indexed_up_to';
const VERSION = 'search_words_version';

/** Makes the index if missing, and empties it when it holds another version of cairn's words (`version`). */
export function searchSchemaSql(schema: string, version: number): string {
  const s = `"${schema}"`;
  return `
CREATE TABLE IF NOT EXISTS ${s}.search (
  position bigint PRIMARY KEY, kind text NOT NULL, ref text NOT NULL, author text NOT NULL, role text NOT NULL,
  topic text, at_ms bigint NOT NULL, text text NOT NULL, words text NOT NULL, length integer NOT NULL,
  terms tsvector GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED
);
CREATE INDEX IF NOT EXISTS search_terms ON ${s}.search USING gin (terms);
INSERT INTO ${s}.log_info (key, value) VALUES ('${MARK}', '0') ON CONFLICT (key) DO NOTHING;
INSERT INTO ${s}.log_info (key, value) VALUES ('${VERSION}', '${version}') ON CONFLICT (key) DO NOTHING;
DO $$ BEGIN
  IF (SELECT value FROM ${s}.log_info WHERE key = '${VERSION}') <> '${version}' THEN
    TRUNCATE ${s}.search;
    UPDATE ${s}.log_info SET value = '0' WHERE key = '${MARK}';
    UPDATE ${s}.log_info SET value = '${version}' WHERE key = '${VERSION}';
  END IF;
END $$;`;
}

// int8 columns arrive as bigints (the pool's parser), counts too.
type Row = { position: bigint; kind: SearchDoc['kind']; ref: string; author: string; role: string; topic: string | null; at_ms: bigint; text: string; words: string; length: number };

/** The WHERE clause of a search, with its parameters ($1…). */
function conditions(words: readonly string[], filter: SearchFilter, asOf: bigint): { where: string; params: unknown[] } {
  // Each word is letters and digits only (search-docs.ts), so it can stand in a tsquery as it is.
  const clauses = [{ sql: `terms @@ to_tsquery('simple', ?)`, value: words.join(' & ') }, { sql: 'position <= ?', value: asOf }, ...filterClauses(filter, 'position')];
  return {
    where: clauses.map((c, i) => c.sql.replace('?', `$${i + 1}`)).join(' AND '),
    params: clauses.map((c) => (typeof c.value === 'bigint' ? String(c.value) : c.value)),
  };
}

export function postgresSearchIndex(pool: pg.Pool, schema: string): StoreSearchIndex {
  const s = `"${schema}"`;
  return {
    async indexedUpTo() {
      const { rows } = await pool.query<{ value: string }>(`SELECT value FROM ${s}.log_info WHERE key = $1`, [MARK]);
      return BigInt(rows[0]?.value ?? '0');
    },
    async add(docs, upTo) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        if (docs.length > 0) {
          const column = <K extends keyof SearchDoc>(key: K) => docs.map((d) => (typeof d[key] === 'bigint' ? String(d[key]) : d[key]));
          await client.query(
            `INSERT INTO ${s}.search (position, kind, ref, author, role, topic, at_ms, text, words, length)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::int[])
             ON CONFLICT (position) DO NOTHING`,
            [column('position'), column('kind'), column('ref'), column('author'), column('role'), column('topic'), column('atMs'), column('text'), column('words'), column('length')],
          );
        }
        await client.query(`UPDATE ${s}.log_info SET value = GREATEST(value::bigint, $2::bigint)::text WHERE key = $1`, [MARK, String(upTo)]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async corpus(asOf) {
      const { rows } = await pool.query<{ docs: bigint; words: bigint }>(`SELECT count(*) AS docs, coalesce(sum(length), 0) AS words FROM ${s}.search WHERE position <= $1`, [String(asOf)]);
      return { docs: Number(rows[0]!.docs), words: Number(rows[0]!.words) };
    },
    async frequency(word, asOf) {
      const { rows } = await pool.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${s}.search WHERE terms @@ to_tsquery('simple', $1) AND position <= $2`, [word, String(asOf)]);
      return Number(rows[0]!.n);
    },
    async matches(words, filter, asOf, limit) {
      const { where, params } = conditions(words, filter, asOf);
      const { rows } = await pool.query<Row>(`SELECT position, kind, ref, author, role, topic, at_ms, text, words, length FROM ${s}.search WHERE ${where} ORDER BY position DESC LIMIT ${Math.floor(limit)}`, params);
      return rows.map((r) => ({ position: r.position, kind: r.kind, ref: r.ref, author: r.author, role: r.role, topic: r.topic, atMs: Number(r.at_ms), text: r.text, words: r.words, length: r.length }));
    },
    async count(words, filter, asOf) {
      const { where, params } = conditions(words, filter, asOf);
      const { rows } = await pool.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${s}.search WHERE ${where}`, params);
      return Number(rows[0]!.n);
    },
  };
}
