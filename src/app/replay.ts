import * as z from 'zod';
import { ValidationError } from '../errors.js';
import { logPoint } from './point.js';
import { defineOperation } from './operation.js';
import { VIEW_NAMES, VIEWS, showViews } from './views.js';

/**
 * Any read model as it was at a past position or time: the fold of the log's prefix. Leases
 * are judged at that moment (the time asked for, or the time of the last event folded).
 */
export const replay = defineOperation({
  name: 'replay',
  summary: 'Show read models as they were at a past log position or time',
  input: () => z.strictObject({ at: logPoint(), projection: z.string().max(40).optional() }),
  writes: false,
  async run(app, input) {
    if (input.projection !== undefined && !VIEWS[input.projection]) {
      throw new ValidationError([{ field: 'projection', reason: `unknown projection "${input.projection}"; must be one of ${VIEW_NAMES.join(', ')}` }]);
    }
    const shown = await showViews(app, input.projection ? [input.projection] : VIEW_NAMES, input.at);
    return { at: 'time' in input.at ? input.at.time.toISOString() : String(input.at.position), ...shown, now: shown.now.toISOString() };
  },
});
