import { Hono } from 'hono';
import * as z from 'zod';
import { parseOrThrow } from '../../events/index.js';
import type { App } from '../app/app.js';
import { logPoint } from '../app/point.js';
import { replayViews } from '../app/replay.js';
import { LIVE_ITEMS, VIEW_NAMES, VIEWS, newest, showViews, timeOf } from '../app/views.js';
import { toPlainJson } from '../runtime/json.js';
import { recordExposure, shownStreams } from '../app/exposure.js';
import { callerOf } from './auth.js';
import { HttpError } from './errors.js';
import type { TokenStore } from './tokens.js';
import { FollowedSeries } from './live-series.js';
import { SeriesCache, viewSeries } from './series.js';

const ViewNames = z
  .string()
  .max(200)
  .transform((list) => [...new Set(list.split(',').filter(Boolean))])
  .refine((names) => names.length > 0 && names.every((name) => VIEW_NAMES.includes(name)), { message: `must name views among ${VIEW_NAMES.join(', ')}` });

const SeriesQuery = z.strictObject({
  view: z.string().max(40),
  points: z.coerce.number().int().min(1).max(100).default(12),
  until: z.string().regex(/^\d{1,20}$/, { message: 'must be a log position' }).optional(),
});

/**
 * Read models for the dashboard. `GET /api/views` every view now; `?at=POS|TIME` the views
 * as they were then (as the replay operation shows them); `?view=A,B` some of them;
 * `GET /api/series?view=NAME` one view sampled over time, for charts. Each answer carries
 * `head`, the log's last position, for the time slider.
 */
export function viewsRoutes(app: App, tokens: TokenStore): { routes: Hono; close(): Promise<void> } {
  const routes = new Hono();
  const series = new SeriesCache();
  const followed = new FollowedSeries(app);

  routes.get('/views', async (c) => {
    const at = c.req.query('at');
    const head = await app.store.headPosition();
    const caller = callerOf(c, tokens, false);
    // Live, a page may ask for some views first (the board from the tables) and the folded ones after.
    const names = parseOrThrow(ViewNames, c.req.query('view') ?? VIEW_NAMES.join(','), 'view');
    // A past moment as the board showed it: 50 of each list; the views asked for fold only what they read.
    const body = at === undefined ? { at: 'now', ...(await showViews(app, names)) } : await replayViews(app, parseOrThrow(logPoint(), at, 'at'), names, newest(LIVE_ITEMS), c.req.raw.signal);
    // The dashboard is a reader too: what it shows is recorded (anonymous without a token) before it is sent.
    await recordExposure(app, caller, 'dashboard', { streams: shownStreams(body) });
    return c.json({ ...(toPlainJson(body) as object), head: String(head) });
  });

  routes.get('/series', async (c) => {
    const query = parseOrThrow(SeriesQuery, c.req.query());
    const view = VIEWS[query.view];
    if (!view) throw new HttpError(404, 'unknown_view', `no view "${query.view}"; views: ${Object.keys(VIEWS).join(', ')}`);
    const until = query.until === undefined ? undefined : BigInt(query.until);
    const head = await app.store.headPosition();
    // Live: up to now. At a past position: up to the time of the event there.
    const past = until !== undefined && until < head;
    const points = await series.get(
      `${query.view}:${query.points}:${past ? until : 'live'}`,
      past,
      // A live series folds on from its last refresh; one ending in the past is folded once and kept.
      async (signal) =>
        past ? viewSeries(app, view, { points: query.points, until, end: await timeOf(app, until) }, signal) : followed.of(view, query.view, query.points).read(app.clock(), signal),
      c.req.raw.signal,
    );
    await recordExposure(app, callerOf(c, tokens, false), 'dashboard', { streams: shownStreams(points) });
    return c.json({ view: query.view, head: String(head), points });
  });

  return { routes, close: () => followed.close() };
}
