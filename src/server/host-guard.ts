import type { MiddlewareHandler } from 'hono';
import type { ErrorBody } from './errors.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether the server listens only on this machine (the default). */
export const isLoopback = (host: string): boolean => LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * A server bound to loopback answers only requests that name a loopback host. Otherwise a
 * web page the user visits could, by rebinding its own DNS name to 127.0.0.1, read the log
 * and make an instance's first join. A server bound elsewhere was exposed on purpose; one
 * behind a declared proxy also answers the proxy's public name.
 */
export function loopbackHostGuard(proxyHost?: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('host') ?? '';
    const name = (header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!).toLowerCase();
    if (!isLoopback(name) && name !== proxyHost) {
      return c.json<ErrorBody>({ ok: false, error: { code: 'forbidden_host', message: `this server answers only requests to a loopback host, not ${JSON.stringify(header)}` } }, 403);
    }
    await next();
  };
}
