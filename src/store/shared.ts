import type { ExpectedRevision, RecordedEvent, SubscribeOptions, Subscription } from './port.js';

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
