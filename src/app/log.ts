import * as z from 'zod';
import { EVENT_TYPES, Id, type StoredEvent } from '../../events/index.js';
import { toStored } from '../runtime/stored.js';
import { logPoint } from './point.js';
import { defineOperation } from './operation.js';
import { cursor, DEFAULT_LIMIT } from './page.js';

const logInput = () =>
  z.strictObject({
    type: z.array(z.enum(EVENT_TYPES as [string, ...string[]], { message: `must be one of ${EVENT_TYPES.join(', ')}` })).optional(),
    /** A stream name or a prefix of one (`task-` for every task). */
    stream: z.string().max(100).optional(),
    instance: Id.optional(),
    since: logPoint().optional(),
    /** Bounded by default like every listing; `next` continues (a position: events after it). */
    limit: z.number().int().min(1).max(100_000).default(DEFAULT_LIMIT),
    cursor: cursor().optional(),
  });

/** The raw history, filtered: what analysts read and `cairn log` prints as NDJSON. */
export const log = defineOperation({
  name: 'log',
  summary: 'List events in log order, filtered by type, stream, instance or since a position or time',
  input: logInput,
  writes: false,
  async run(app, input): Promise<{ events: StoredEvent[]; next: string | null }> {
    const since = input.since;
    const positions = [since && 'position' in since ? since.position : undefined, input.cursor === undefined ? undefined : BigInt(input.cursor)];
    const after = positions.reduce<bigint | undefined>((max, p) => (p === undefined || (max !== undefined && max >= p) ? max : p), undefined);
    const events: StoredEvent[] = [];
    let more = false;
    for await (const recorded of app.store.readAll({ after, streamPrefixes: input.stream ? [input.stream] : undefined })) {
      const event = toStored(recorded);
      if (input.type && !input.type.includes(event.type)) continue;
      if (input.instance && event.metadata.instanceId !== input.instance) continue;
      if (since && 'time' in since && new Date(event.metadata.at) < since.time) continue;
      if (events.length >= input.limit) {
        more = true;
        break;
      }
      events.push(event);
    }
    return { events, next: more ? String(events[events.length - 1]!.position) : null };
  },
});
