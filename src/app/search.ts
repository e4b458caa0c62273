import * as z from 'zod';
import { Id, Role, Topic } from '../../events/index.js';
import { matchExpression, searchPage, type SearchHit, type SearchKind } from '../readstore/search.js';
import { ValidationError } from '../errors.js';
import { defineOperation } from './operation.js';
import { LogPoint } from './point.js';

const KINDS = ['finding', 'synthesis', 'question', 'task', 'message'] as const satisfies readonly SearchKind[];
const DEFAULT_RESULTS = 20;

/** A search page continues from the head the first page was answered at, after the results already shown. */
const SearchCursor = z.string().regex(/^\d{1,20}:\d{1,9}$/, { message: 'must be a cursor returned as `next` by an earlier search' });

/** A hit as the entity it is, so that what a search shows is recorded like any read (exposure.ts finds it by shape). */
function asEntity(hit: SearchHit): Record<string, unknown> {
  const common = { kind: hit.kind, by: hit.by, role: hit.role, at: hit.at, position: hit.position, score: hit.score, ...(hit.topic === null ? {} : { topic: hit.topic }) };
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
    const { hits, page } = searchPage(tables.db, match, filter, asOf, { limit: input.limit, offset });
    return { query: input.query, position: asOf, results: hits.map(asEntity), page };
  },
});
