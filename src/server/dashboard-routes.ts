import { Hono } from 'hono';
import { ASSETS, INDEX } from '../dashboard/assets.js';

/** The read-only dashboard: a static page that reads /api/views and follows /api/events. */
export function dashboardRoutes(): Hono {
  const routes = new Hono();
  routes.get('/', (c) => c.body(INDEX.body, 200, { 'Content-Type': INDEX.contentType, 'Cache-Control': 'no-cache' }));
  routes.get('/index.html', (c) => c.redirect('/'));
  routes.get('/favicon.ico', (c) => c.body(null, 204));
  routes.get('/assets/:file', (c) => {
    const asset = Object.hasOwn(ASSETS, c.req.param('file')) ? ASSETS[c.req.param('file')] : undefined;
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache' });
  });
  return routes;
}
