import { activityProjection, instanceActivity, roleActivity } from '../../projections/activity.js';
import { convergenceProjection } from '../../projections/convergence.js';
import { convergenceClusters, shownInFull } from '../../projections/convergence-report.js';
import { findingsProjection, listFindings, listSyntheses } from '../../projections/findings.js';
import { convergedIn, healthProjection, healthReport } from '../../projections/health.js';
import { inboxProjection } from '../../projections/inbox.js';
import type { Projection, StateOf } from '../../projections/projection.js';
import { listQuestions, questionsProjection } from '../../projections/questions.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';
import { convergenceOptions, healthNow } from './signals.js';
import { convergenceReport } from '../readstore/convergence-queries.js';
import { activityOf } from '../readstore/activity.js';
import { toStored } from '../runtime/stored.js';
import type { App } from './app.js';
import type { ReadStore } from '../readstore/read-store.js';
import { findingsPage, messagesPage, questionsPage, tasksPage } from '../readstore/queries.js';

/**
 * How each read model is shown, at a given `now`: the same view for the live board and for
 * a replay, so a past moment looks exactly as it did then. A view may read several
 * projections folded to the same point (health needs convergence).
 */
export interface View<P extends readonly Projection<any>[] = readonly Projection<any>[]> {
  projections: P;
  show(states: { [K in keyof P]: StateOf<P[K]> }, now: Date): unknown;
  /** The live view from the tables, bounded to the newest items: what the board shows now without folding the log. */
  live?(tables: ReadStore, now: Date): unknown;
}

const view = <const P extends readonly Projection<any>[]>(projections: P, show: View<P>['show'], live?: View['live']): View => ({ projections, show, live }) as View;

/** Items of each list the live board shows: the newest, with the count of the rest. */
export const LIVE_ITEMS = 50;
const newest = { limit: LIVE_ITEMS, cursor: undefined };

/** Clusters of each kind the live board shows, the most corroborated first. */
const LIVE_CLUSTERS = 10;

/** The window the dashboard and replay judge health over. */
export const HEALTH_WINDOW_MS = 24 * 3_600_000;

export const VIEWS: Record<string, View> = {
  tasks: view([tasksProjection], ([s], now) => ({ tasks: taskBoard(s, now) }), (t, now) => {
    const { items, page } = tasksPage(t.db, { all: true }, now, newest);
    return { tasks: items, page };
  }),
  activity: view(
    [activityProjection],
    ([s], now) => ({ instances: instanceActivity(s, now), roles: roleActivity(s, now) }),
    (t, now) => {
      const s = activityOf(t.db);
      return { instances: instanceActivity(s, now), roles: roleActivity(s, now) };
    },
  ),
  inbox: view([inboxProjection], ([s]) => ({ messages: s.messages }), (t) => {
    const { items, page } = messagesPage(t.db, newest);
    return { messages: items.reverse(), page };
  }),
  questions: view([questionsProjection], ([s]) => ({ questions: listQuestions(s) }), (t) => {
    const { items, page } = questionsPage(t.db, undefined, newest);
    return { questions: items.reverse(), page };
  }),
  findings: view([findingsProjection], ([s]) => ({ findings: listFindings(s), syntheses: listSyntheses(s) }), (t) => {
    const { items, page } = findingsPage(t.db, {}, newest);
    const shown = items.reverse();
    return { findings: shown.flatMap((i) => (i.kind === 'finding' ? [i.record] : [])), syntheses: shown.flatMap((i) => (i.kind === 'synthesis' ? [i.record] : [])), page };
  }),
  convergence: view(
    [convergenceProjection],
    ([s]) => shownInFull(convergenceClusters(s, convergenceOptions())),
    (t) => convergenceReport(t.db, LIVE_CLUSTERS, convergenceOptions()),
  ),
  health: view(
    [healthProjection, convergenceProjection],
    ([h, c], now) => healthReport(h, { now, windowMs: HEALTH_WINDOW_MS, converged: convergedIn(c, convergenceOptions()), ...convergenceOptions() }),
    (t, now) => healthNow(t, now, HEALTH_WINDOW_MS, convergenceOptions()),
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
  const tables = point ? undefined : await app.tables();
  const folding = names.filter((name) => !tables || !VIEWS[name]!.live);
  const unique = [...new Set(folding.flatMap((name) => VIEWS[name]!.projections))];
  const folded = point ? await Promise.all(unique.map((p) => app.runtime.at(p, point))) : await app.runtime.currentMany(unique);
  const stateOf = new Map(unique.map((p, i) => [p, folded[i]!]));
  const position = folded.reduce((max, c) => (c.position > max ? c.position : max), tables?.watermark() ?? 0n);
  const now = !point ? app.clock() : 'time' in point ? point.time : await timeOf(app, position);
  const views = Object.fromEntries(
    names.map((name) => {
      const view = VIEWS[name]!;
      if (tables && view.live) return [name, { position: tables.watermark(), ...(view.live(tables, now) as object) }];
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
