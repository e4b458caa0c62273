import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { App } from '../app/app.js';
import { MAX_BODY_BYTES } from './body.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { toHttpError, type ErrorBody } from './errors.js';
import { eventsRoutes } from './events-routes.js';
import { mcpRoutes } from './mcp-routes.js';
import { opsRoutes } from './ops-routes.js';
import type { TokenStore } from './tokens.js';
import { viewsRoutes } from './views-routes.js';
import { loopbackHostGuard } from './host-guard.js';
import { requireToken } from './auth.js';
import { joinRoute } from './join-route.js';
import { OPEN_POLICY, type AccessPolicy } from './policy.js';
import { rateLimit } from './rate-limit.js';

export interface ServerApp {
  hono: Hono;
  /** Open event streams, ended when the server closes. */
  live: Set<AbortController>;
  /** Ends the MCP sessions, when the server closes. */
  closeMcp(): Promise<void>;
  /** Leaves the charts followed for the next start (their scratch tables and samples), when the server closes. */
  closeViews(): Promise<void>;
}

/**
 * The HTTP face of cairn: the operations (`/api/ops`), the log as a stream (`/api/events`),
 * the read models for the dashboard (`/api/views`, `/api/series`), MCP (`/mcp`), and the
 * dashboard itself.
 */
export function buildServerApp(
  app: App,
  tokens: TokenStore,
  options: { log?: (line: string) => void; loopbackOnly?: boolean; policy?: AccessPolicy } = {},
): ServerApp {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const policy = options.policy ?? OPEN_POLICY;
  const live = new Set<AbortController>();
  const hono = new Hono();
  if (options.loopbackOnly) hono.use('*', loopbackHostGuard(policy.proxy?.host));

  // The dashboard shows text agents wrote; a strict policy is the second wall behind textContent.
  hono.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      // Served over plain HTTP on loopback by default: HSTS would only mislead.
      strictTransportSecurity: false,
    }),
  );
  for (const path of ['/api/*', '/mcp']) {
    if (policy.ratePerMinute !== undefined) hono.use(path, rateLimit(policy, tokens, policy.ratePerMinute));
    if (policy.readAuth) hono.use(path, requireToken(tokens));
    hono.use(
      path,
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        // The rest of the body is not read: the connection closes after the answer, so it is not drained.
        onError: (c) =>
          c.json<ErrorBody>(
            { ok: false, error: { code: 'too_large', message: `the body is larger than ${MAX_BODY_BYTES} bytes`, issues: [{ field: '(body)', reason: `must be at most ${MAX_BODY_BYTES} bytes` }] } },
            413,
            { Connection: 'close' },
          ),
      }),
    );
  }

  hono.route('/api', joinRoute(app, tokens, policy));
  hono.route('/api', opsRoutes(app, tokens, policy));
  const views = viewsRoutes(app, tokens);
  hono.route('/api', views.routes);
  hono.route('/api', eventsRoutes(app, live, tokens));
  const mcp = mcpRoutes(app, tokens, policy);
  hono.route('/', mcp.routes);
  hono.route('/', dashboardRoutes());

  hono.notFound((c) => c.json<ErrorBody>({ ok: false, error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  hono.onError((error, c) => {
    // Nobody is left to answer (the page moved on): nothing failed, and nothing is sent.
    if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
    const { status, body } = toHttpError(error);
    if (status === 500) log(`cairn serve: ${c.req.method} ${c.req.path} failed: ${error.stack ?? error.message}`);
    return c.json(body, status);
  });

  return { hono, live, closeMcp: mcp.close, closeViews: views.close };
}
