import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from '../errors.js';
import type { RecordedEvent } from './port.js';

/** One attempt at a live feed. `undefined` entries are events the consumer does not want. */
export interface LiveFeed {
  events: AsyncIterable<RecordedEvent | undefined>;
  /** Whether the server accepted the subscription: a feed that got that far was healthy. */
  confirmed(): boolean;
  close(): Promise<void>;
}

export interface ResilienceOptions {
  /** Deliver events after this position; undefined: from the start of the log. */
  after: bigint | undefined;
  signal: AbortSignal;
  /** Whether a failure is a dropped connection worth reopening the feed for. */
  transient(error: unknown): boolean;
  /** How long a feed may keep failing, without ever being confirmed, before giving up. */
  giveUpAfterMs: number;
  fail(error: unknown): Error;
}

/**
 * A live feed that survives dropped connections: after a transient failure it reopens from the
 * last position it delivered and drops anything at or before it, so the consumer sees every
 * event exactly once, in order. Ends as soon as the signal aborts, whatever the feed is doing.
 */
export async function* resilientFeed(open: (after: bigint | undefined) => LiveFeed, options: ResilienceOptions): AsyncGenerator<RecordedEvent> {
  const { signal } = options;
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  let last = options.after;
  let from = options.after;
  let triedFromStart = false;
  let failingSince: number | undefined;
  let delay = 100;
  while (!signal.aborted) {
    let failure: unknown;
    let failed = false;
    const feed = open(from);
    const events = feed.events[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await Promise.race([events.next(), aborted]);
        if (next === 'aborted') return;
        if (next.done) break;
        const event = next.value;
        if (!event || (last !== undefined && event.position <= last)) continue;
        last = from = event.position;
        yield event;
      }
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      // Not awaited: a feed stuck in a read must not hold up the end of the subscription.
      void events.return?.(undefined)?.catch(() => undefined);
      void feed.close().catch(() => undefined);
    }
    if (signal.aborted) return;
    if (failed && !options.transient(failure)) {
      // The server refused the starting position (not an event's): read from the start and skip to it.
      if (from !== undefined && last === options.after && !triedFromStart) {
        triedFromStart = true;
        from = undefined;
        continue;
      }
      throw options.fail(failure);
    }
    if (feed.confirmed()) {
      failingSince = undefined;
      delay = 100;
    }
    failingSince ??= Date.now();
    if (Date.now() - failingSince >= options.giveUpAfterMs) {
      throw options.fail(failed ? failure : new StoreUnavailableError('the subscription kept ending'));
    }
    await sleep(delay, undefined, { signal }).catch(() => undefined);
    delay = Math.min(delay * 2, 5_000);
  }
}
