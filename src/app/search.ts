import * as z from 'zod';
import { Id, Role, Topic } from '../../events/index.js';
import type Database from 'better-sqlite3';
import { findingEmbeddings, pageOf, rankedPage, tablesSearchIndex, type SearchHit } from '../readstore/search.js';
import { SEARCH_WORDS_VERSION, searchDocOf, searchWords } from '../readstore/search-docs.js';
import { storedBetween } from '../runtime/stored.js';
import type { SearchFilter, SearchIndex, SearchKind, StoreSearchIndex } from '../store/search-port.js';
import { topicKey } from '../../projections/shared.js';
import type { App } from './app.js';
import { ValidationError } from '../errors.js';
import { embeddingProviderFromEnv } from '../similarity/embedding.js';
import { cosineQ, dequantize, quantize } from '../similarity/vector.js';
import { defineOperation } from './operation.js';
import { logPoint, type LogPoint } from './point.js';

const KINDS = ['finding', 'synthesis', 'question', 'task', 'message'] as const satisfies readonly SearchKind[];
const DEFAULT_RESULTS = 20;
/** Re-ranked by meaning: the best lexical matches this many deep, so a page costs one query embedding and a few cosines. */
const RERANKED = 100;
/** Events read per transaction when a store's own index catches up. */
const CATCH_UP_BATCH = 2_000;

/** A search page continues from the head the first page was answered at, after the results already shown. */
const SearchCursor = z.string().regex(/^\d{1,20}:\d{1,9}$/, { message: 'must be a cursor returned as `next` by an earlier search' });

/** A hit as the entity it is, so that what a search shows is recorded like any read (exposure.ts finds it by shape). */
function asEntity(hit: SearchHit & { meaning?: number | undefined }): Record<string, unknown> {
  const id = hit.ref;
  const { meaning } = hit;
  const common = { kind: hit.kind, by: hit.author, role: hit.role, at: hit.at, position: hit.position, score: hit.score, ...(meaning === undefined ? {} : { meaning }), ...(hit.topic === null ? {} : { topic: hit.topic }) };
  switch (hit.kind) {
    case 'finding':
      return { findingId: id, summary: hit.text, ...common };
    case 'synthesis':
      return { synthesisId: id, summary: hit.text, ...common };
    case 'question':
      return { questionId: id, text: hit.text, ...common };
    case 'task':
      return { taskId: id, title: hit.text, ...common };
    case 'message':
      return { messageId: id, body: hit.text, ...common };
  }
}

export const search = defineOperation({
  name: 'search',
  summary: 'Search findings, syntheses, questions, tasks and messages by their words, best matches first, filtered by kind, author, role, topic and time',
  input: () => z.strictObject({
    query: z.string().max(500, { message: 'must be at most 500 characters' }),
    kind: z.enum(KINDS).optional(),
    by: Id().optional(),
    role: Role().optional(),
    topic: Topic().optional(),
    since: logPoint().optional(),
    until: logPoint().optional(),
    /** Re-rank the best matches by meaning (CAIRN_EMBEDDINGS): closest to the query's embedding first. */
    meaning: z.boolean().default(false),
    limit: z.number().int().min(1, { message: 'must be at least 1' }).max(200, { message: 'must be at most 200' }).default(DEFAULT_RESULTS),
    cursor: SearchCursor.optional(),
  }),
  writes: false,
  async run(app, input) {
    const words = searchWords(input.query);
    if (words.length === 0) throw new ValidationError([{ field: 'query', reason: 'must contain at least one word (letters or digits)' }]);
    const { index, head } = await searchIndexOf(app);
    const [asOf, offset] = input.cursor === undefined ? [head, 0] : [BigInt(input.cursor.split(':')[0]!), Number(input.cursor.split(':')[1])];
    const bound = (point: LogPoint | undefined) => (point === undefined ? undefined : 'position' in point ? { position: point.position } : { ms: point.time.getTime() });
    const filter = { kind: input.kind, by: input.by, role: input.role, topic: input.topic && topicKey(input.topic), since: bound(input.since), until: bound(input.until) };
    const paging = { limit: input.limit, offset };
    const { hits, page, matched } = input.meaning ? await byMeaning(app, index, input.query, words, filter, asOf, paging) : await rankedPage(index, words, filter, asOf, paging);
    // Over RANKED_AT_MOST matches, the newest of them are ranked and walked: `matched` says how many there were.
    return { query: input.query, position: asOf, results: hits.map(asEntity), matched, page };
  },
});

/**
 * The best RERANKED lexical matches in the order of their meaning: findings whose stored
 * embedding (of the same model) is closest to the query's first, then the rest in lexical
 * order. Only findings carry embeddings (computed when recorded, with CAIRN_EMBEDDINGS).
 */
async function byMeaning(app: App, index: SearchIndex, query: string, words: readonly string[], filter: SearchFilter, asOf: bigint, page: { limit: number; offset: number }) {
  const provider = embeddingProviderFromEnv(process.env);
  if (!provider) throw new ValidationError([{ field: 'meaning', reason: 'needs an embedding provider: set CAIRN_EMBEDDINGS (see docs/convergence.md)' }]);
  const { hits: candidates, matched } = await rankedPage(index, words, filter, asOf, { limit: RERANKED, offset: 0 });
  const wanted = dequantize(quantize(await provider.embed(query)));
  const db: Database.Database = (await app.tables()).db;
  const stored = findingEmbeddings(db, candidates.filter((h) => h.kind === 'finding').map((h) => h.ref));
  const meaningOf = (hit: SearchHit): number | undefined => {
    const vector = hit.kind === 'finding' ? stored.get(hit.ref) : undefined;
    return vector && vector.model === provider.model ? cosineQ(wanted, dequantize(vector.q)) : undefined;
  };
  const ranked = candidates
    .map((hit, lexical) => ({ hit: { ...hit, meaning: meaningOf(hit) }, lexical }))
    .sort((a, b) => (b.hit.meaning ?? -2) - (a.hit.meaning ?? -2) || a.lexical - b.lexical)
    .map(({ hit }) => hit);
  return { ...pageOf(ranked, asOf, page), matched };
}

/**
 * The index to search and the head it answers at: the store's own (PostgreSQL), first caught
 * up with the log, or the tables' (caught up on read as every read is).
 */
async function searchIndexOf(app: App): Promise<{ index: SearchIndex; head: bigint }> {
  const own = await app.store.searchIndex?.(SEARCH_WORDS_VERSION);
  if (!own) {
    const tables = await app.tables();
    return { index: tablesSearchIndex(tables.db), head: tables.watermark() };
  }
  const head = await app.store.headPosition();
  await catchUp(app, own, head);
  return { index: own, head };
}

/** Indexes what the log gained since the store's index last moved, in batches. */
async function catchUp(app: App, index: StoreSearchIndex, head: bigint): Promise<void> {
  for (let from = await index.indexedUpTo(); from < head; ) {
    const events = await storedBetween(app.store, from, head, CATCH_UP_BATCH);
    if (events.length === 0) return;
    const docs = events.map(searchDocOf).filter((doc) => doc !== undefined);
    from = events[events.length - 1]!.position;
    await index.add(docs, from);
  }
}
