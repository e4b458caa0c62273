import * as z from 'zod';
import { ValidationError } from '../errors.js';
import { logPoint } from './point.js';
import { defineOperation } from './operation.js';
import { MAX_LIMIT } from './page.js';
import { VIEW_NAMES, VIEWS, showViews } from './views.js';

/** Items of each list a replay shows by default: seven views of five stay under 32 KiB a month in. */
export const REPLAY_ITEMS = 5;

/**
 * Any read model as it was at a past position or time: the tables folded from the log's
 * first event to that point (PastTables), shown as the board shows them, the newest
 * `limit` items of each list with the count of all. Leases are judged at that moment (the
 * time asked for, or the time of the last event folded).
 */
export const replay = defineOperation({
  name: 'replay',
  summary: 'Show read models as they were at a past log position or time',
  input: () =>
    z.strictObject({
      at: logPoint(),
      projection: z.string().max(40).optional(),
      limit: z.number().int().min(1, { message: 'must be at least 1' }).max(MAX_LIMIT, { message: `must be at most ${MAX_LIMIT}` }).default(REPLAY_ITEMS),
    }),
  writes: false,
  async run(app, input) {
    if (input.projection !== undefined && !VIEWS[input.projection]) {
      throw new ValidationError([{ field: 'projection', reason: `unknown projection "${input.projection}"; must be one of ${VIEW_NAMES.join(', ')}` }]);
    }
    const shown = await showViews(app, input.projection ? [input.projection] : VIEW_NAMES, input.at, input.limit);
    return { at: 'time' in input.at ? input.at.time.toISOString() : String(input.at.position), ...shown, now: shown.now.toISOString() };
  },
});
