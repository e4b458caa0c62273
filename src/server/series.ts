import type { App } from '../app/app.js';
import type { View } from '../app/views.js';
import { toPlainJson } from '../runtime/json.js';
import { toStored } from '../runtime/stored.js';

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
 * that time would show it.
 */
export async function viewSeries(app: App, view: View, options: { points: number; until?: bigint | undefined; end: Date }): Promise<SeriesPoint[]> {
  const { projections } = view;
  // Our own states, folded from scratch: the runtime's shared states must not be mutated.
  const states: unknown[] = projections.map((p) => p.initialState());
  let position = 0n;
  let start: number | undefined;
  const samples: SeriesPoint[] = [];
  const end = options.end.getTime();
  const timeOf = (i: number) => (options.points === 1 || start === undefined ? end : start + ((end - start) * i) / (options.points - 1));
  const sampleBefore = (limit: number) => {
    while (samples.length < options.points && timeOf(samples.length) < limit) {
      const at = new Date(timeOf(samples.length));
      samples.push({ at: at.toISOString(), position: String(position), view: toPlainJson(view.show(states as never, at)) });
    }
  };
  for await (const recorded of app.store.readAll()) {
    if (options.until !== undefined && recorded.position > options.until) break;
    const event = toStored(recorded);
    const at = Date.parse(event.metadata.at);
    start ??= Math.min(at, end);
    sampleBefore(at);
    projections.forEach((p, i) => (states[i] = p.evolve(states[i] as never, event)));
    position = recorded.position;
  }
  sampleBefore(Number.POSITIVE_INFINITY);
  return samples;
}
