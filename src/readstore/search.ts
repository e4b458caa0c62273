import type Database from 'better-sqlite3';
import { filterClauses, type SearchDoc, type SearchFilter, type SearchIndex } from '../store/search-port.js';
import type { PageInfo } from './page.js';
import { countKey, countOf } from './counters.js';

/**
 * Full-text search, ranked by cairn: an index (FTS5 here, PostgreSQL's own for a PostgreSQL
 * log) finds the documents that hold every word of the query; BM25 over the words as
 * search-docs.ts cuts them ranks them, best first, then newest. The same documents and words
 * give the same answer whichever index found them.
 */

export interface SearchHit extends Omit<SearchDoc, 'words' | 'length' | 'atMs'> {
  at: string;
  /** BM25: higher is better. */
  score: number;
}

const K1 = 1.2;
const B = 0.75;
/** Matches ranked at most: the newest this many, so a word in every other document costs a bounded read. */
export const RANKED_AT_MOST = 10_000;

/** A page of the ranked matches, and how many matched in all (more than were ranked when over RANKED_AT_MOST). */
export async function rankedPage(
  index: SearchIndex,
  words: readonly string[],
  filter: SearchFilter,
  asOf: bigint,
  page: { limit: number; offset: number },
  rankedAtMost = RANKED_AT_MOST,
): Promise<{ hits: SearchHit[]; page: PageInfo; matched: number }> {
  const distinct = [...new Set(words)];
  const matches = await index.matches(distinct, filter, asOf, rankedAtMost);
  const matched = matches.length < rankedAtMost ? matches.length : await index.count(distinct, filter, asOf);
  const corpus = await index.corpus(asOf);
  const averageLength = corpus.docs === 0 ? 1 : corpus.words / corpus.docs;
  const weights = new Map<string, number>();
  for (const word of distinct) {
    const df = await index.frequency(word, asOf);
    weights.set(word, Math.log(1 + (corpus.docs - df + 0.5) / (df + 0.5)));
  }
  const scored = matches.map((doc) => {
    const counts = new Map<string, number>();
    for (const word of doc.words.split(' ')) if (weights.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
    let score = 0;
    for (const [word, tf] of counts) score += weights.get(word)! * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * doc.length) / averageLength)));
    return { doc, score };
  });
  scored.sort((a, b) => b.score - a.score || (a.doc.position > b.doc.position ? -1 : 1));
  const { hits: shown, page: info } = pageOf(scored, asOf, page);
  const hits = shown.map(({ doc, score }): SearchHit => ({
    position: doc.position,
    kind: doc.kind,
    ref: doc.ref,
    author: doc.author,
    role: doc.role,
    topic: doc.topic,
    text: doc.text,
    at: new Date(doc.atMs).toISOString(),
    score,
  }));
  return { hits, page: info, matched };
}

/** One page of ranked hits, with a cursor that carries the head the ranking was made at. */
export function pageOf<T>(ranked: readonly T[], asOf: bigint, page: { limit: number; offset: number }): { hits: T[]; page: PageInfo } {
  const hits = ranked.slice(page.offset, page.offset + page.limit);
  const remaining = Math.max(0, ranked.length - page.offset - hits.length);
  return { hits, page: { returned: hits.length, total: ranked.length, remaining, next: remaining > 0 && hits.length > 0 ? `${asOf}:${page.offset + hits.length}` : null } };
}

/** The index in the tables: an FTS5 table over cairn's words. */
export function tablesSearchIndex(db: Database.Database): SearchIndex {
  type Row = { position: bigint; words: string; text: string; kind: SearchDoc['kind']; ref: string; author: string; role: string; topic: string | null; at_ms: bigint; length: bigint };
  const toDoc = (r: Row): SearchDoc => ({ position: r.position, kind: r.kind, ref: r.ref, author: r.author, role: r.role, topic: r.topic, atMs: Number(r.at_ms), text: r.text, words: r.words, length: Number(r.length) });
  const match = (words: readonly string[]) => words.map((w) => `"${w}"`).join(' ');
  return {
    async corpus(asOf) {
      // The counters are the whole index; what came after asOf is a short range of rowids.
      const after = db.prepare(`SELECT count(*) AS docs, total(length) AS words FROM search WHERE rowid > ?`).get(asOf) as { docs: number; words: number };
      return { docs: countOf(db, countKey.searchDocs()) - after.docs, words: countOf(db, countKey.searchWords()) - after.words };
    },
    async frequency(word, asOf) {
      return Number(db.prepare(`SELECT count(*) FROM search WHERE search MATCH ? AND rowid <= ?`).pluck().get(match([word]), asOf));
    },
    async matches(words, filter, asOf, limit) {
      const { where, params } = conditions(words, filter, asOf);
      const rows = db.prepare(`SELECT rowid AS position, words, text, kind, ref, author, role, topic, at_ms, length FROM search WHERE ${where} ORDER BY rowid DESC LIMIT ?`).safeIntegers(true).all(...params, limit) as Row[];
      return rows.map(toDoc);
    },
    async count(words, filter, asOf) {
      const { where, params } = conditions(words, filter, asOf);
      return Number(db.prepare(`SELECT count(*) FROM search WHERE ${where}`).pluck().get(...params));
    },
  };
  function conditions(words: readonly string[], filter: SearchFilter, asOf: bigint): { where: string; params: unknown[] } {
    const clauses = [{ sql: 'search MATCH ?', value: match(words) }, { sql: 'rowid <= ?', value: asOf }, ...filterClauses(filter, 'rowid')];
    return { where: clauses.map((c) => c.sql).join(' AND '), params: clauses.map((c) => c.value) };
  }
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
