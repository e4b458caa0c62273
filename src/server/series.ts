import type { App } from '../app/app.js';
import { LIVE_ITEMS, newest, type View } from '../app/views.js';
import type { PastTables } from '../readstore/past-tables.js';
import { toPlainJson } from '../runtime/json.js';

export interface SeriesPoint {
  /** The moment the view is shown at. */
  at: string;
  /** The last event folded before it (0: none). */
  position: string;
  view: unknown;
}

/**
 * One view at `points` moments spread evenly in time from the first event to `end`, in a
 * single pass over the log: what the dashboard's small charts plot. Each sample is the view
 * of every event written up to that moment, shown with `now` = that moment, as a replay at
 * that time would show it: from the tables as they stood then (PastTables), folded once from
 * the first event to the last sample, in memory that does not grow with the log.
 */
export async function viewSeries(app: App, view: View, options: { points: number; until?: bigint | undefined; end: Date }, signal?: AbortSignal): Promise<SeriesPoint[]> {
  const past = app.scratchTables(view.reads);
  try {
    let start: number | undefined;
    const samples: SeriesPoint[] = [];
    const end = options.end.getTime();
    const timeOf = (i: number) => (options.points === 1 || start === undefined ? end : start + ((end - start) * i) / (options.points - 1));
    const sampleBefore = (limit: number) => {
      while (samples.length < options.points && timeOf(samples.length) < limit) {
        samples.push(sampleOf(view, past, new Date(timeOf(samples.length))));
      }
    };
    await past.fold(app.store, {
      until: options.until,
      signal,
      before(event, flush) {
        const at = Date.parse(event.metadata.at);
        start ??= Math.min(at, end);
        if (samples.length < options.points && timeOf(samples.length) < at) {
          flush();
          sampleBefore(at);
        }
      },
    });
    sampleBefore(Number.POSITIVE_INFINITY);
    return samples;
  } finally {
    past.close();
  }
}

/** The view as the tables stand, shown at `at` as the board shows it. */
export function sampleOf(view: View, past: PastTables, at: Date): SeriesPoint {
  return { at: at.toISOString(), position: String(past.position), view: toPlainJson(view.show(past.tables, at, newest(LIVE_ITEMS))) };
}

/** Series kept at most, by view, points and end. */
const KEPT = 16;
/**
 * A live series is reused for this long after its refresh ended. Its next refresh folds only
 * what was appended meanwhile (live-series.ts), so however long the first took, the chart
 * follows the log this closely without keeping a core busy.
 */
const FRESH_MS = 15_000;

/**
 * Series computed once and shared: every open dashboard asks for one every few seconds, and
 * the first fold of a series reads the log from its first event, a minute or more at a
 * million events. A request while one is folding waits for it; a live series is reused while
 * it is fresh (the panel's own figures are live: only its chart lags); one ending at a past
 * position never changes, as the log before it never does. A fold every waiter has left (a
 * time slider moved on) stops, and is not kept.
 */
interface KeptSeries {
  points: Promise<SeriesPoint[]>;
  /** Stops the fold: every request waiting for it went away. */
  readonly stop: AbortController;
  /** Requests waiting for it that may still leave (Infinity: one that never will). */
  waiters: number;
  /** Ends at a past position: never stale. */
  past: boolean;
  /** When the fold ended (ms): unset while it folds. */
  done?: number;
}

export class SeriesCache {
  private readonly kept = new Map<string, KeptSeries>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** `waiter`: fires when the request asking goes away. */
  get(key: string, past: boolean, compute: (signal: AbortSignal) => Promise<SeriesPoint[]>, waiter?: AbortSignal): Promise<SeriesPoint[]> {
    const known = this.kept.get(key);
    if (known && (known.done === undefined || known.past || this.clock() - known.done < FRESH_MS)) {
      if (known.done === undefined) this.wait(key, known, waiter);
      return known.points;
    }
    const stop = new AbortController();
    const entry: KeptSeries = { past, stop, waiters: 0, points: compute(stop.signal) };
    entry.points.then(
      () => (entry.done = this.clock()),
      () => this.forget(key, entry), // a failure is not kept: the next request tries again
    );
    this.kept.delete(key);
    this.kept.set(key, entry);
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    this.wait(key, entry, waiter);
    return entry.points;
  }

  /**
   * Counts a request waiting for a fold; when the last that may leave has left, the fold stops
   * and is forgotten at once, so a request coming while it ends starts a fold of its own.
   */
  private wait(key: string, entry: KeptSeries, waiter: AbortSignal | undefined): void {
    if (waiter === undefined) {
      entry.waiters = Infinity;
      return;
    }
    const leave = () => {
      if (--entry.waiters > 0 || entry.done !== undefined) return;
      this.forget(key, entry);
      entry.stop.abort();
    };
    entry.waiters++;
    if (waiter.aborted) leave();
    else waiter.addEventListener('abort', leave, { once: true });
  }

  /** Drops an entry, unless a newer one has taken its key. */
  private forget(key: string, entry: KeptSeries): void {
    if (this.kept.get(key) === entry) this.kept.delete(key);
  }
}
