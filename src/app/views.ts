import { instanceActivity, roleActivity } from '../../projections/activity.js';
import { convergenceOptions, healthNow } from './signals.js';
import { convergenceReport } from '../readstore/convergence-queries.js';
import { activityOf } from '../readstore/activity.js';
import type { PastPoint } from '../readstore/past-tables.js';
import { toStored } from '../runtime/stored.js';
import type { App } from './app.js';
import type { ReadStore } from '../readstore/read-store.js';
import type { PageRequest } from '../readstore/page.js';
import type { TablePart } from '../readstore/table-parts.js';
import { countKey, countOf } from '../readstore/counters.js';
import { findingsPage, messagesPage, questionsPage, taskCounts, tasksPage, type TaskFilter } from '../readstore/queries.js';

/**
 * How each read model is shown, from the tables at a given `now`: the live tables for the
 * board, the tables as they stood then (PastTables) for a replay, so a past moment looks
 * exactly as the board showed it, bounded the same way: the newest items and the count of all.
 */
export interface View {
  /**
   * `request.limit`: how many of each list, the newest (the board shows LIVE_ITEMS; Infinity:
   * all). `request.cursor` continues a listing after an earlier page's `next` (PAGED_VIEWS).
   */
  show(tables: ReadStore, now: Date, request: PageRequest): unknown;
  /** The parts of the tables it reads: a past moment's scratch tables fold only those. */
  reads: readonly TablePart[];
}

/** The views that are one listing, newest first, which a cursor continues. */
export const PAGED_VIEWS = ['findings', 'inbox', 'questions'];

/** Items of each list the live board shows: the newest, with the count of the rest. */
export const LIVE_ITEMS = 50;
/** The first page of `limit` items. */
export const newest = (limit: number): PageRequest => ({ limit, cursor: undefined });

/** Clusters of each kind the live board shows, the most corroborated first. */
const LIVE_CLUSTERS = 10;

/** The window the dashboard and replay judge health over. */
export const HEALTH_WINDOW_MS = 24 * 3_600_000;

export const VIEWS: Record<string, View> = {
  tasks: {
    // A board, not a listing: every claim running now and the newest open and done tasks, each
    // column at most n, with every status's count. The newest n of all tasks would be all open
    // a month in, and hide the claims.
    show(t, now, { limit: n }) {
      const column = (filter: TaskFilter) => tasksPage(t.db, filter, now, newest(n)).items;
      const done = [...column({ status: 'completed' }), ...column({ status: 'abandoned' })].sort((a, b) => (b.proposedPosition > a.proposedPosition ? 1 : -1)).slice(0, n);
      return { counts: taskCounts(t.db, now), tasks: [...column({ status: 'claimed' }), ...column({ status: 'open' }), ...done] };
    },
    reads: ['tasks'],
  },
  activity: {
    show(t, now, { limit: n }) {
      const s = activityOf(t.db);
      const all = instanceActivity(s, now);
      // The n seen last, in the usual order (by id), each with its n main topics; a month brings many instances and topics.
      const recent = seenLast(all, n);
      const instances = all.filter((i) => recent.has(i.instanceId)).map((i) => ({ ...i, topics: mainTopics(i.topics, n) }));
      const roles = roleActivity(s, now).map((r) => ({ ...r, topics: mainTopics(r.topics, n) }));
      return { instances, roles, page: { returned: instances.length, total: all.length, remaining: all.length - instances.length } };
    },
    reads: ['activity'],
  },
  inbox: {
    show(t, _now, request) {
      const { items, page } = messagesPage(t.db, request);
      return { messages: items.reverse(), page };
    },
    reads: ['messages'],
  },
  questions: {
    show(t, _now, request) {
      const { items, page } = questionsPage(t.db, undefined, request);
      return { questions: items.reverse(), page };
    },
    reads: ['questions'],
  },
  findings: {
    show(t, _now, request) {
      const { items, page } = findingsPage(t.db, {}, request);
      const shown = items.reverse();
      const counts = { findings: countOf(t.db, countKey.findings('finding')), syntheses: countOf(t.db, countKey.findings('synthesis')) };
      return { findings: shown.flatMap((i) => (i.kind === 'finding' ? [i.record] : [])), syntheses: shown.flatMap((i) => (i.kind === 'synthesis' ? [i.record] : [])), counts, page };
    },
    reads: ['findings'],
  },
  convergence: {
    show: (t, _now, { limit }) => convergenceReport(t.db, limit === Infinity ? limit : Math.min(limit, LIVE_CLUSTERS), convergenceOptions()),
    reads: ['convergence'],
  },
  health: { show: (t, now) => healthNow(t, now, HEALTH_WINDOW_MS, convergenceOptions()), reads: ['health'] },
};

/** The ids of the `n` instances seen last (ties by id). ISO times order as strings. */
function seenLast(instances: readonly { instanceId: string; lastSeen: string | null }[], n: number): Set<string> {
  const seen = (i: { lastSeen: string | null }) => i.lastSeen ?? '';
  const latestFirst = [...instances].sort((a, b) => (seen(a) !== seen(b) ? (seen(a) > seen(b) ? -1 : 1) : a.instanceId < b.instanceId ? -1 : 1));
  return new Set(latestFirst.slice(0, n).map((i) => i.instanceId));
}

/** The `n` topics with the most work, most first (ties by name). */
const mainTopics = (topics: Readonly<Record<string, number>>, n: number): Record<string, number> =>
  Object.fromEntries(
    Object.entries(topics)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, n),
  );

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
export async function showViews(app: App, names: readonly string[], point?: PastPoint, request = newest(LIVE_ITEMS), signal?: AbortSignal): Promise<ShownViews> {
  if (!point) {
    const tables = await app.tables();
    const now = app.clock();
    return { position: tables.watermark(), now, views: shownFrom(tables, names, now, tables.watermark(), request) };
  }
  return app.readPast(point, async (past) => {
    const now = 'time' in point ? point.time : await timeOf(app, past.position);
    return { position: past.position, now, views: shownFrom(past.tables, names, now, past.position, request) };
  }, { signal, parts: names.flatMap((name) => VIEWS[name]!.reads) });
}

const shownFrom = (tables: ReadStore, names: readonly string[], now: Date, position: bigint, request: PageRequest): Record<string, unknown> =>
  Object.fromEntries(names.map((name) => [name, { position, ...(VIEWS[name]!.show(tables, now, request) as object) }]));

/** The time of the event at (or last before) a position: the moment a replay at that position stands in. */
export async function timeOf(app: App, position: bigint): Promise<Date> {
  for await (const recorded of app.store.readAll({ before: position + 1n, direction: 'backwards', maxCount: 1 })) {
    return new Date(toStored(recorded).metadata.at);
  }
  return new Date(0);
}
