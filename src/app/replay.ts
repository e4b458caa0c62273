import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { toStored } from '../runtime/stored.js';
import type { App } from './app.js';
import { LogPoint } from './point.js';
import { defineOperation } from './operation.js';
import { VIEWS } from './views.js';

/**
 * Any read model as it was at a past position or time: the fold of the log's prefix. Leases
 * are judged at that moment (the time asked for, or the time of the last event folded).
 */
export const replay = defineOperation({
  name: 'replay',
  summary: 'Show read models as they were at a past log position or time',
  input: z.strictObject({ at: LogPoint, projection: z.string().max(40).optional() }),
  writes: false,
  async run(app, input) {
    const names = input.projection ? [input.projection] : Object.keys(VIEWS);
    for (const name of names) {
      if (!VIEWS[name]) {
        throw new ValidationError([{ field: 'projection', reason: `unknown projection "${name}"; must be one of ${Object.keys(VIEWS).join(', ')}` }]);
      }
    }
    const folded = [];
    for (const name of names) folded.push({ name, ...(await app.runtime.at(VIEWS[name]!.projection, input.at)) });
    const position = folded.reduce((max, f) => (f.position > max ? f.position : max), 0n);
    const now = 'time' in input.at ? input.at.time : await timeOf(app, position);
    const views = Object.fromEntries(folded.map((f) => [f.name, { position: f.position, ...(VIEWS[f.name]!.show(f.state, now) as object) }]));
    return { at: 'time' in input.at ? input.at.time.toISOString() : String(input.at.position), position, now: now.toISOString(), views };
  },
});

/** The time of the event at a position: the moment a replay at that position stands in. */
async function timeOf(app: App, position: bigint): Promise<Date> {
  for await (const recorded of app.store.readAll({ before: position + 1n, direction: 'backwards', maxCount: 1 })) {
    return new Date(toStored(recorded).metadata.at);
  }
  return new Date(0);
}
