import * as z from 'zod';
import { EVENT_TYPES, Id, type StoredEvent } from '../../events/index.js';
import { toStored } from '../runtime/stored.js';
import type { EventStore } from '../store/port.js';
import { logPoint } from './point.js';
import { defineOperation } from './operation.js';
import { cursor, DEFAULT_LIMIT } from './page.js';

const logInput = () =>
  z.strictObject({
    type: z.array(z.enum(EVENT_TYPES as [string, ...string[]], { message: `must be one of ${EVENT_TYPES.join(', ')}` })).optional(),
    /** A stream name or a prefix of one (`task-` for every task). */
    stream: z.string().max(100).optional(),
    instance: Id().optional(),
    since: logPoint().optional(),
    /** Bounded by default like every listing; `next` continues (a position: events after it). */
    limit: z.number().int().min(1).max(100_000).default(DEFAULT_LIMIT),
    cursor: cursor().optional(),
  });

/**
 * Events one call reads at most to fill its page: a filter that matches little of a month of
 * work (a type nobody wrote, one instance among ten) answers at once, and its `next` goes on
 * from where it stopped looking, as it does from a full page.
 */
export const LOG_SCANNED = 50_000;

/** How far a writer's clock may run behind the others' for `--since TIME` to still find its events. */
const CLOCK_SKEW_MS = 3_600_000;

/**
 * A position before every event stamped at or after `time` (give or take a writer's clock an
 * hour behind): the log is in the order events were appended, and their times nearly so, so a
 * binary search over positions finds it in a few dozen one-event reads instead of a scan.
 * Undefined (read from the start) where a store takes no position but an event's own.
 */
async function stampedBefore(store: EventStore, time: Date): Promise<bigint | undefined> {
  try {
    return await bisect(store, time);
  } catch {
    return undefined;
  }
}

async function bisect(store: EventStore, time: Date): Promise<bigint | undefined> {
  const target = time.getTime() - CLOCK_SKEW_MS;
  const stampOf = async (position: bigint): Promise<number | undefined> => {
    for await (const recorded of store.readAll({ after: position, maxCount: 1 })) return Date.parse(String(recorded.metadata.at));
    return undefined;
  };
  // Invariant: the first event after `low` is stamped before the target (or low is the start); the first after `high` is not.
  let low = 0n;
  let high = await store.headPosition();
  if ((await stampOf(0n) ?? Infinity) >= target) return undefined;
  while (high - low > 1n) {
    const mid = (low + high) / 2n;
    const stamp = await stampOf(mid);
    if (stamp !== undefined && stamp < target) low = mid;
    else high = mid;
  }
  return low;
}

/** The raw history, filtered: what analysts read and `cairn log` prints as NDJSON. */
export const log = defineOperation({
  name: 'log',
  summary: 'List events in log order, filtered by type, stream, instance or since a position or time',
  input: logInput,
  writes: false,
  async run(app, input): Promise<{ events: StoredEvent[]; next: string | null }> {
    const since = input.since;
    const sincePosition = since === undefined ? undefined : 'position' in since ? since.position : await stampedBefore(app.store, since.time);
    const positions = [sincePosition, input.cursor === undefined ? undefined : BigInt(input.cursor)];
    const after = positions.reduce<bigint | undefined>((max, p) => (p === undefined || (max !== undefined && max >= p) ? max : p), undefined);
    const events: StoredEvent[] = [];
    let read = 0;
    let looked: bigint | undefined;
    for await (const recorded of app.store.readAll({ after, streamPrefixes: input.stream ? [input.stream] : undefined, maxCount: LOG_SCANNED })) {
      read++;
      // Checked on the stored type first: most of a filtered history is never parsed.
      if (!input.type || input.type.includes(recorded.type)) {
        const event = toStored(recorded);
        const wanted = (!input.instance || event.metadata.instanceId === input.instance) && !(since && 'time' in since && new Date(event.metadata.at) < since.time);
        if (wanted && events.length >= input.limit) return { events, next: String(events[events.length - 1]!.position) };
        if (wanted) events.push(event);
      }
      looked = recorded.position;
    }
    // The window ended before the page filled: go on from the last event looked at, if any follow.
    const stoppedShort = read === LOG_SCANNED && looked !== undefined && looked < (await app.store.headPosition());
    return { events, next: stoppedShort ? String(looked) : null };
  },
});
