import * as z from 'zod';
import { Id, Role, Topic } from '../../events/index.js';
import type Database from 'better-sqlite3';
import { findingEmbeddings, matchExpression, searchPage, type SearchFilter, type SearchHit, type SearchKind } from '../readstore/search.js';
import { ValidationError } from '../errors.js';
import { embeddingProviderFromEnv } from '../similarity/embedding.js';
import { cosineQ, dequantize, quantize } from '../similarity/vector.js';
import { defineOperation } from './operation.js';
import { LogPoint } from './point.js';

const KINDS = ['finding', 'synthesis', 'question', 'task', 'message'] as const satisfies readonly SearchKind[];
const DEFAULT_RESULTS = 20;
/** Re-ranked by meaning: the best lexical matches this many deep, so a page costs one query embedding and a few cosines. */
const RERANKED = 100;

/** A search page continues from the head the first page was answered at, after the results already shown. */
const SearchCursor = z.string().regex(/^\d{1,20}:\d{1,9}$/, { message: 'must be a cursor returned as `next` by an earlier search' });

/** A hit as the entity it is, so that what a search shows is recorded like any read (exposure.ts finds it by shape). */
function asEntity(hit: SearchHit & { meaning?: number | undefined }): Record<string, unknown> {
  const { meaning } = hit;
  const common = { kind: hit.kind, by: hit.by, role: hit.role, at: hit.at, position: hit.position, score: hit.score, ...(meaning === undefined ? {} : { meaning }), ...(hit.topic === null ? {} : { topic: hit.topic }) };
  switch (hit.kind) {
    case 'finding':
      return { findingId: hit.id, summary: hit.text, ...common };
    case 'synthesis':
      return { synthesisId: hit.id, summary: hit.text, ...common };
    case 'question':
      return { questionId: hit.id, text: hit.text, ...common };
    case 'task':
      return { taskId: hit.id, title: hit.text, ...common };
    case 'message':
      return { messageId: hit.id, body: hit.text, ...common };
  }
}

export const search = defineOperation({
  name: 'search',
  summary: 'Search findings, syntheses, questions, tasks and messages by their words, best matches first, filtered by kind, author, role, topic and time',
  input: z.strictObject({
    query: z.string().max(500, { message: 'must be at most 500 characters' }),
    kind: z.enum(KINDS).optional(),
    by: Id.optional(),
    role: Role.optional(),
    topic: Topic.optional(),
    since: LogPoint.optional(),
    until: LogPoint.optional(),
    /** Re-rank the best matches by meaning (CAIRN_EMBEDDINGS): closest to the query's embedding first. */
    meaning: z.boolean().default(false),
    limit: z.number().int().min(1, { message: 'must be at least 1' }).max(200, { message: 'must be at most 200' }).default(DEFAULT_RESULTS),
    cursor: SearchCursor.optional(),
  }),
  writes: false,
  async run(app, input) {
    const match = matchExpression(input.query);
    if (match === undefined) throw new ValidationError([{ field: 'query', reason: 'must contain at least one word (letters or digits)' }]);
    const tables = await app.tables();
    const [asOf, offset] = input.cursor === undefined ? [tables.watermark(), 0] : [BigInt(input.cursor.split(':')[0]!), Number(input.cursor.split(':')[1])];
    const bound = (point: LogPoint | undefined) => (point === undefined ? undefined : 'position' in point ? { position: point.position } : { ms: point.time.getTime() });
    const filter = { kind: input.kind, by: input.by, role: input.role, topic: input.topic, since: bound(input.since), until: bound(input.until) };
    if (input.meaning) {
      const { hits, page } = await byMeaning(tables.db, input.query, match, filter, asOf, { limit: input.limit, offset });
      return { query: input.query, position: asOf, results: hits.map(asEntity), page };
    }
    const { hits, page } = searchPage(tables.db, match, filter, asOf, { limit: input.limit, offset });
    return { query: input.query, position: asOf, results: hits.map(asEntity), page };
  },
});

/**
 * The best RERANKED lexical matches in the order of their meaning: findings whose stored
 * embedding (of the same model) is closest to the query's first, then the rest in lexical
 * order. Only findings carry embeddings (computed when recorded, with CAIRN_EMBEDDINGS).
 */
async function byMeaning(db: Database.Database, query: string, match: string, filter: SearchFilter, asOf: bigint, page: { limit: number; offset: number }) {
  const provider = embeddingProviderFromEnv(process.env);
  if (!provider) throw new ValidationError([{ field: 'meaning', reason: 'needs an embedding provider: set CAIRN_EMBEDDINGS (see docs/convergence.md)' }]);
  const candidates = searchPage(db, match, filter, asOf, { limit: RERANKED, offset: 0 }).hits;
  const wanted = dequantize(quantize(await provider.embed(query)));
  const stored = findingEmbeddings(db, candidates.filter((h) => h.kind === 'finding').map((h) => h.id));
  const meaningOf = (hit: SearchHit): number | undefined => {
    const vector = hit.kind === 'finding' ? stored.get(hit.id) : undefined;
    return vector && vector.model === provider.model ? cosineQ(wanted, dequantize(vector.q)) : undefined;
  };
  const ranked = candidates
    .map((hit, lexical) => ({ hit: { ...hit, meaning: meaningOf(hit) }, lexical }))
    .sort((a, b) => (b.hit.meaning ?? -2) - (a.hit.meaning ?? -2) || a.lexical - b.lexical)
    .map(({ hit }) => hit);
  const hits = ranked.slice(page.offset, page.offset + page.limit);
  const remaining = Math.max(0, ranked.length - page.offset - hits.length);
  return { hits, page: { returned: hits.length, total: ranked.length, remaining, next: remaining > 0 && hits.length > 0 ? `${asOf}:${page.offset + hits.length}` : null } };
}
