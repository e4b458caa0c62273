import { ValidationError } from '../errors.js';
import type { EventToAppend, ExpectedRevision, RecordedEvent, SubscribeOptions, Subscription } from './port.js';

/** Helpers every adapter shares. */

export const describeExpected = (expected: ExpectedRevision): string =>
  typeof expected === 'bigint' ? String(expected) : expected;

export const matchesPrefixes = (streamName: string, prefixes: string[] | undefined): boolean =>
  !prefixes || prefixes.length === 0 || prefixes.some((p) => streamName.startsWith(p));

export function* pageOf<T>(items: T[], maxCount: number | undefined): Generator<T> {
  const limit = maxCount ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < items.length && i < limit; i++) yield items[i]!;
}

/**
 * Builds a live subscription from two primitives: a catch-up read of events after a
 * position, and a way to be woken when something may have been appended. Catch-up and live
 * are one loop over the same read, so there is no gap and no repeat between them: the loop
 * always reads after the last position it delivered.
 */
export function subscriptionOver(
  readAfter: (after: bigint | undefined) => AsyncIterable<RecordedEvent>,
  onWake: (wake: () => void) => () => void,
  options: SubscribeOptions,
): Subscription {
  let closed = false;
  let wakeUp: (() => void) | undefined;
  let pending = false;
  const wake = () => {
    pending = true;
    wakeUp?.();
  };
  const stopWaking = onWake(wake);
  let unsubscribed = false;
  // Called from close, abort and the loop's end: a subscription closed before anyone
  // iterated it must not stay registered (for SQLite that would keep a poller alive).
  const unsubscribe = () => {
    if (unsubscribed) return;
    unsubscribed = true;
    stopWaking();
  };
  const onAbort = () => {
    closed = true;
    wake();
    unsubscribe();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  async function* run(): AsyncGenerator<RecordedEvent> {
    let after = options.after;
    try {
      while (!closed) {
        pending = false;
        let delivered = false;
        for await (const event of readAfter(after)) {
          if (closed) return;
          after = event.position;
          delivered = true;
          yield event;
        }
        if (delivered || pending || closed) continue;
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
        });
        wakeUp = undefined;
      }
    } finally {
      unsubscribe();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  const iterator = run();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed = true;
      wake();
      unsubscribe();
      await iterator.return(undefined);
    },
  };
}

/**
 * Reads page after page of rows, each decoded as it is yielded (a damaged row fails where it
 * is, after the events before it), until `maxCount` events or a short page; `moveAfter`
 * moves the query's bound past the last event a full page ended on.
 */
export async function* pages<T>(
  maxCount: number | undefined,
  pageSize: number,
  fetch: (limit: number) => T[] | Promise<T[]>,
  decode: (row: T) => RecordedEvent,
  moveAfter: (last: RecordedEvent) => void,
): AsyncGenerator<RecordedEvent> {
  let remaining = countOf(maxCount);
  while (remaining > 0) {
    const limit = Math.min(pageSize, remaining);
    const rows = await fetch(limit);
    let last: RecordedEvent | undefined;
    for (const row of rows) {
      last = decode(row);
      yield last;
    }
    if (last === undefined || rows.length < limit) return;
    remaining -= rows.length;
    moveAfter(last);
  }
}

/**
 * A subscription's read after a position, for stores whose commits land in position order
 * (SQLite, PostgreSQL): bounded by the head read first, every position at or below it is
 * committed, so a short page means all of (lower, head] was seen. Everything up to `scanned`
 * has been looked at, so with a filter that rarely matches, each wake-up scans only what is
 * new instead of everything since the last match.
 */
export function scanningReader(
  from: bigint | undefined,
  head: () => bigint | Promise<bigint>,
  page: (lower: bigint, upper: bigint, limit: number) => RecordedEvent[] | Promise<RecordedEvent[]>,
  limit: number,
): (after: bigint | undefined) => AsyncIterable<RecordedEvent> {
  let scanned = from ?? -1n;
  return async function* (after) {
    const lower = after === undefined || after < scanned ? scanned : after;
    const top = await head();
    const events = await page(lower, top + 1n, limit);
    yield* events;
    const reached = events.length < limit ? top : events[events.length - 1]!.position;
    if (reached > scanned) scanned = reached;
  };
}

/** An event's payload as the text a SQL store keeps. */
export interface Encoded {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

/** Serialises a batch before any write lock is taken, refusing what cannot be stored. */
export function encodeBatch(events: EventToAppend[]): Encoded[] {
  const seen = new Set<string>();
  return events.map((e, i) => {
    if (seen.has(e.id)) throw new ValidationError([{ field: `events.${i}.id`, reason: `duplicate event id ${e.id} in one batch` }]);
    seen.add(e.id);
    return { id: e.id, type: e.type, data: encodeObject(e.data, `events.${i}.data`), metadata: encodeObject(e.metadata, `events.${i}.metadata`) };
  });
}

function encodeObject(value: Record<string, unknown>, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError([{ field, reason: `not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  if (!isObjectJson(value) || text === undefined) throw new ValidationError([{ field, reason: 'must be a JSON object' }]);
  return text;
}

export const isObjectJson = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -MAX_INT64 - 1n;
/** Bounds outside a SQL integer's range would make the driver throw; clamping keeps the meaning. */
export const clampInt64 = (value: bigint): bigint => (value > MAX_INT64 ? MAX_INT64 : value < MIN_INT64 ? MIN_INT64 : value);
export const countOf = (maxCount: number | undefined): number => (maxCount === undefined ? Number.POSITIVE_INFINITY : Math.floor(maxCount));
