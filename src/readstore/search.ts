import type Database from 'better-sqlite3';
import { topicKey } from '../../projections/shared.js';
import type { PageInfo } from './page.js';

/**
 * Full-text search over the `search` table (SQLite FTS5, kept by the fold in apply.ts):
 * every word of the query must appear (stemmed, so "retries" finds "retry"), the best BM25
 * first, then the newest. Filters narrow the matches; a page is at most `limit` of them.
 */

export type SearchKind = 'finding' | 'synthesis' | 'question' | 'task' | 'message';

export interface SearchFilter {
  kind?: SearchKind | undefined;
  by?: string | undefined;
  role?: string | undefined;
  topic?: string | undefined;
  /** Only what was written at or after this time (ms) or position. */
  since?: { position: bigint } | { ms: number } | undefined;
  until?: { position: bigint } | { ms: number } | undefined;
}

export interface SearchHit {
  kind: SearchKind;
  id: string;
  by: string;
  role: string;
  topic: string | null;
  at: string;
  position: bigint;
  /** A finding's or synthesis's summary, a question's text, a task's title, a message's body. */
  text: string;
  /** BM25, higher is better. */
  score: number;
}

/** Where a page starts: the head it was answered at (later additions do not shift it) and how many came before. */
export interface SearchCursor {
  asOf: bigint;
  offset: number;
}

/** The words of a query, each quoted for FTS5 so no character of it is taken as query syntax. */
export function matchExpression(query: string): string | undefined {
  const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length === 0 ? undefined : words.map((w) => `"${w}"`).join(' ');
}

export function searchPage(db: Database.Database, match: string, filter: SearchFilter, asOf: bigint, page: { limit: number; offset: number }): { hits: SearchHit[]; page: PageInfo } {
  const where = ['search MATCH ?', 'rowid <= ?'];
  const params: unknown[] = [match, asOf];
  if (filter.kind) where.push('kind = ?'), params.push(filter.kind);
  if (filter.by) where.push('author = ?'), params.push(filter.by);
  if (filter.role) where.push('role = ?'), params.push(filter.role);
  if (filter.topic) where.push('topic = ?'), params.push(topicKey(filter.topic));
  for (const [bound, op] of [[filter.since, '>='], [filter.until, '<=']] as const) {
    if (bound === undefined) continue;
    if ('position' in bound) where.push(`rowid ${op} ?`), params.push(bound.position);
    else where.push(`at_ms ${op} ?`), params.push(bound.ms);
  }
  const sql = where.join(' AND ');
  const rows = db
    .prepare(`SELECT rowid AS position, kind, ref, author, role, topic, at_ms, text, bm25(search) AS rank FROM search WHERE ${sql} ORDER BY rank, rowid DESC LIMIT ? OFFSET ?`)
    .safeIntegers(true)
    .all(...params, page.limit, page.offset) as { position: bigint; kind: SearchKind; ref: string; author: string; role: string; topic: string | null; at_ms: bigint; text: string; rank: number }[];
  const total = Number(db.prepare(`SELECT count(*) FROM search WHERE ${sql}`).pluck().get(...params));
  const hits = rows.map((r): SearchHit => ({
    kind: r.kind,
    id: r.ref,
    by: r.author,
    role: r.role,
    topic: r.topic,
    at: new Date(Number(r.at_ms)).toISOString(),
    position: r.position,
    text: r.text,
    score: -r.rank,
  }));
  const remaining = Math.max(0, total - page.offset - hits.length);
  return { hits, page: { returned: hits.length, total, remaining, next: remaining > 0 && hits.length > 0 ? `${asOf}:${page.offset + hits.length}` : null } };
}

/** The stored embeddings of these findings (the similarity index keeps them quantised), by id. */
export function findingEmbeddings(db: Database.Database, ids: readonly string[]): Map<string, { model: string; q: string }> {
  const get = db.prepare(`SELECT model, q FROM sim_docs WHERE id = ? AND q IS NOT NULL`);
  const found = new Map<string, { model: string; q: string }>();
  for (const id of ids) {
    const row = get.get(id) as { model: string; q: string } | undefined;
    if (row) found.set(id, row);
  }
  return found;
}
