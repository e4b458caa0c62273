import * as z from 'zod';
import { ValidationError } from '../errors.js';
import { logPoint } from './point.js';
import { defineOperation } from './operation.js';
import type { App } from './app.js';
import type { PageRequest } from '../readstore/page.js';
import type { PastPoint } from '../readstore/past-tables.js';
import { cursor, MAX_LIMIT, pageRequest } from './page.js';
import { PAGED_VIEWS, VIEW_NAMES, VIEWS, showViews } from './views.js';

/**
 * Items of each list (each task column, each kind of cluster) a replay shows by default: the
 * seven views of a month of work stay under 32 KiB. On the month-shaped log at 900,000 events
 * they take 27.7 KB at 2 and 37 KB at 3 (convergence and health are most of it).
 */
export const REPLAY_ITEMS = 2;

/**
 * Any read model as it was at a past position or time: the tables folded from the log's
 * first event to that point (PastTables), shown as the board shows them, the newest
 * `limit` items of each list with the count of all. Leases are judged at that moment (the
 * time asked for, or the time of the last event folded). For one view, `all` shows every
 * item, and `cursor` continues a listing (findings, inbox, questions) after an earlier page.
 */
export const replay = defineOperation({
  name: 'replay',
  summary: 'Show read models as they were at a past log position or time',
  input: () =>
    z.strictObject({
      at: logPoint(),
      projection: z.string().max(40).optional(),
      limit: z.number().int().min(1, { message: 'must be at least 1' }).max(MAX_LIMIT, { message: `must be at most ${MAX_LIMIT}` }).optional(),
      cursor: cursor().optional(),
      all: z.boolean().default(false),
    }),
  writes: false,
  async run(app, input, _caller, context) {
    const { projection } = input;
    if (projection !== undefined && !VIEWS[projection]) {
      throw new ValidationError([{ field: 'projection', reason: `unknown projection "${projection}"; must be one of ${VIEW_NAMES.join(', ')}` }]);
    }
    // Every item of seven views a month in would be hundreds of megabytes; a cursor continues one list.
    if (input.all && projection === undefined) throw new ValidationError([{ field: 'all', reason: 'shows every item of one view: name the projection too' }]);
    if (input.cursor !== undefined && (projection === undefined || !PAGED_VIEWS.includes(projection))) {
      throw new ValidationError([{ field: 'cursor', reason: `continues one listing: name ${PAGED_VIEWS.join(', ')} (other views take --all)` }]);
    }
    const request = pageRequest({ limit: input.limit ?? (input.all ? undefined : REPLAY_ITEMS), cursor: input.cursor }, input.all);
    return replayViews(app, input.at, projection ? [projection] : VIEW_NAMES, request, context?.signal);
  },
});

/** Views as they stood at `at`, as a replay answers: the point asked for, where the tables stood, and the moment they are judged at. */
export async function replayViews(app: App, at: PastPoint, names: readonly string[], request: PageRequest, signal?: AbortSignal) {
  const shown = await showViews(app, names, at, request, signal);
  return { at: 'time' in at ? at.time.toISOString() : String(at.position), ...shown, now: shown.now.toISOString() };
}
