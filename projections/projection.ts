import type { StoredEvent } from '../events/index.js';

/**
 * A projection is a fold over the log: `evolve` is called once per event, in log order.
 *
 * Folds never read the clock and never do I/O: time comes from event metadata (`at`) or
 * from the query (`now` passed to the projection's query functions). That is what makes
 * replay to any position exact. For speed over millions of events, `evolve` may update the
 * state it is given in place and return it: whoever folds owns each state and never shares
 * it between folds. States must survive `encodeJson`/`decodeJson` (src/runtime/json.ts): plain
 * objects, arrays, strings, numbers, booleans, null and bigints; no Map, Set or class.
 * A replay hands the same parsed event to every projection: treat it as read-only (keeping
 * a reference to its arrays is fine as long as neither side mutates them).
 */
export interface Projection<S> {
  /** Stable name, used for checkpoints and on the command line (`cairn replay --at 10 tasks`). */
  readonly name: string;
  /** Bump when evolve or the state shape changes: stored checkpoints of older versions are rebuilt. */
  readonly version: number;
  initialState(): S;
  evolve(state: S, event: StoredEvent): S;
}

/** Folds a sequence of events from the initial state. */
export function fold<S>(projection: Projection<S>, events: Iterable<StoredEvent>): S {
  let state = projection.initialState();
  for (const event of events) state = projection.evolve(state, event);
  return state;
}

/** The state type of a projection. */
export type StateOf<P> = P extends Projection<infer S> ? S : never;
