/**
 * What full-text search needs of an index, whichever engine keeps it: SQLite FTS5 in the
 * tables (src/readstore/search.ts), or PostgreSQL's own full-text search in the log's schema
 * (src/store/postgres-search.ts). Both index the same documents as the same words (cairn's
 * own: src/readstore/search-docs.ts), and cairn ranks what they find, so a search answers
 * alike on every store.
 */

export type SearchKind = 'finding' | 'synthesis' | 'question' | 'task' | 'message';

/** One searchable thing, as indexed: `words` are its stemmed words, space-separated. */
export interface SearchDoc {
  position: bigint;
  kind: SearchKind;
  ref: string;
  author: string;
  role: string;
  /** The topic key of a finding; null for the rest. */
  topic: string | null;
  atMs: number;
  /** What is shown: a summary, a title, a question, a message body. */
  text: string;
  words: string;
  length: number;
}

export interface SearchFilter {
  kind?: SearchKind | undefined;
  by?: string | undefined;
  role?: string | undefined;
  /** A topic key. */
  topic?: string | undefined;
  since?: { position: bigint } | { ms: number } | undefined;
  until?: { position: bigint } | { ms: number } | undefined;
}

/**
 * The filter as SQL conditions, each with one `?` and its value, over the columns both indexes
 * share; `position` names the column that holds the log position. Positions go as bigints.
 */
export function filterClauses(filter: SearchFilter, position: string): { sql: string; value: unknown }[] {
  const clauses: { sql: string; value: unknown }[] = [];
  if (filter.kind) clauses.push({ sql: 'kind = ?', value: filter.kind });
  if (filter.by) clauses.push({ sql: 'author = ?', value: filter.by });
  if (filter.role) clauses.push({ sql: 'role = ?', value: filter.role });
  if (filter.topic) clauses.push({ sql: 'topic = ?', value: filter.topic });
  for (const [bound, op] of [[filter.since, '>='], [filter.until, '<=']] as const) {
    if (bound === undefined) continue;
    clauses.push('position' in bound ? { sql: `${position} ${op} ?`, value: bound.position } : { sql: `at_ms ${op} ?`, value: bound.ms });
  }
  return clauses;
}

export interface SearchIndex {
  /** How many documents there are at or before `asOf`, and their words in all. */
  corpus(asOf: bigint): Promise<{ docs: number; words: number }>;
  /** How many documents at or before `asOf` hold the word. */
  frequency(word: string, asOf: bigint): Promise<number>;
  /** The newest `limit` documents at or before `asOf` holding all the words, as the filter narrows them, newest first. */
  matches(words: readonly string[], filter: SearchFilter, asOf: bigint, limit: number): Promise<SearchDoc[]>;
  /** How many documents `matches` would find without a limit. */
  count(words: readonly string[], filter: SearchFilter, asOf: bigint): Promise<number>;
}

/** An index the store keeps itself, caught up by whoever searches (PostgreSQL). */
export interface StoreSearchIndex extends SearchIndex {
  /** The last position indexed. */
  indexedUpTo(): Promise<bigint>;
  /** Adds documents and moves the mark to `upTo`, at once; documents already there are kept. */
  add(docs: readonly SearchDoc[], upTo: bigint): Promise<void>;
}
