import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { bearerOf } from './auth.js';
import type { ErrorBody } from './errors.js';
import type { AccessPolicy } from './policy.js';
import type { TokenStore } from './tokens.js';

const WINDOW_MS = 60_000;

/** The client's address: the proxy's last X-Forwarded-For hop when a proxy is declared, else the socket's peer. */
export function clientAddress(c: Context, policy: AccessPolicy): string {
  if (policy.proxy) {
    const hops = (c.req.header('X-Forwarded-For') ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
    if (hops.length > 0) return hops[hops.length - 1]!;
  }
  return getConnInfo(c).remote.address ?? 'unknown';
}

/**
 * Requests per minute, counted per token holder (an instance or a reader), or per address for
 * requests without a valid token, so guessing tokens is counted against the guesser. Over the
 * limit: 429 with Retry-After, the seconds until the window turns.
 */
export function rateLimit(policy: AccessPolicy, tokens: TokenStore, perMinute: number): MiddlewareHandler {
  return rateLimiter({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => {
      const token = bearerOf(c);
      const holder = token === undefined ? undefined : tokens.holderOf(token);
      if (holder === undefined) return `address:${clientAddress(c, policy)}`;
      return 'instanceId' in holder ? `instance:${holder.instanceId}` : `reader:${holder.reader}`;
    },
    handler: (c) => {
      const resetTime = (c.get('rateLimit' as never) as { resetTime?: Date } | undefined)?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : WINDOW_MS / 1000;
      return c.json<ErrorBody>({ ok: false, error: { code: 'rate_limited', message: `more than ${perMinute} requests in a minute: try again in ${seconds} s (Retry-After)` } }, 429);
    },
  });
}
