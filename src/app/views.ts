import { activityProjection, instanceActivity, roleActivity } from '../../projections/activity.js';
import { convergenceProjection } from '../../projections/convergence.js';
import { convergenceClusters } from '../../projections/convergence-report.js';
import { findingsProjection, listFindings, listSyntheses } from '../../projections/findings.js';
import { healthProjection, healthReport } from '../../projections/health.js';
import { inboxProjection } from '../../projections/inbox.js';
import type { Projection, StateOf } from '../../projections/projection.js';
import { listQuestions, questionsProjection } from '../../projections/questions.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';
import { convergenceOptions } from './signals.js';
import { toStored } from '../runtime/stored.js';
import type { App } from './app.js';

/**
 * How each read model is shown, at a given `now`: the same view for the live board and for
 * a replay, so a past moment looks exactly as it did then. A view may read several
 * projections folded to the same point (health needs convergence).
 */
export interface View<P extends readonly Projection<any>[] = readonly Projection<any>[]> {
  projections: P;
  show(states: { [K in keyof P]: StateOf<P[K]> }, now: Date): unknown;
}

const view = <const P extends readonly Projection<any>[]>(projections: P, show: View<P>['show']): View => ({ projections, show }) as View;

/** The window the dashboard and replay judge health over. */
export const HEALTH_WINDOW_MS = 24 * 3_600_000;

export const VIEWS: Record<string, View> = {
  tasks: view([tasksProjection], ([s], now) => ({ tasks: taskBoard(s, now) })),
  activity: view([activityProjection], ([s], now) => ({ instances: instanceActivity(s, now), roles: roleActivity(s, now) })),
  inbox: view([inboxProjection], ([s]) => ({ messages: s.messages })),
  questions: view([questionsProjection], ([s]) => ({ questions: listQuestions(s) })),
  findings: view([findingsProjection], ([s]) => ({ findings: listFindings(s), syntheses: listSyntheses(s) })),
  convergence: view([convergenceProjection], ([s]) => convergenceClusters(s, convergenceOptions())),
  health: view([healthProjection, convergenceProjection], ([h, c], now) =>
    healthReport(h, { now, windowMs: HEALTH_WINDOW_MS, convergence: c, ...convergenceOptions() }),
  ),
};

/** Every view's name, for validation messages. */
export const VIEW_NAMES = Object.keys(VIEWS);

export interface ShownViews {
  /** The newest log position any shown view includes. */
  position: bigint;
  /** The moment the views are judged at (leases, health windows). */
  now: Date;
  views: Record<string, unknown>;
}

/**
 * Shows views as they are now, or as they were at a past point (a position, or a time).
 * A past position is judged at the time of its event, so leases look as they did then.
 */
export async function showViews(
  app: App,
  names: readonly string[],
  point?: { position: bigint } | { time: Date },
): Promise<ShownViews> {
  const unique = [...new Set(names.flatMap((name) => VIEWS[name]!.projections))];
  const folded = point ? await Promise.all(unique.map((p) => app.runtime.at(p, point))) : await app.runtime.currentMany(unique);
  const stateOf = new Map(unique.map((p, i) => [p, folded[i]!]));
  const position = folded.reduce((max, c) => (c.position > max ? c.position : max), 0n);
  const now = !point ? app.clock() : 'time' in point ? point.time : await timeOf(app, position);
  const views = Object.fromEntries(
    names.map((name) => {
      const view = VIEWS[name]!;
      const current = view.projections.map((p) => stateOf.get(p)!);
      const at = current.reduce((max, c) => (c.position > max ? c.position : max), 0n);
      return [name, { position: at, ...(view.show(current.map((c) => c.state) as never, now) as object) }];
    }),
  );
  return { position, now, views };
}

/** The time of the event at (or last before) a position: the moment a replay at that position stands in. */
export async function timeOf(app: App, position: bigint): Promise<Date> {
  for await (const recorded of app.store.readAll({ before: position + 1n, direction: 'backwards', maxCount: 1 })) {
    return new Date(toStored(recorded).metadata.at);
  }
  return new Date(0);
}
