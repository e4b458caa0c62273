import { Hono } from 'hono';
import { stream, streamSSE } from 'hono/streaming';
import type { App } from '../app/app.js';
import { exportLog } from '../app/transfer.js';
import { toPlainJson } from '../runtime/json.js';
import { toStored } from '../runtime/stored.js';
import { recordExposure, shownStreams } from '../app/exposure.js';
import { callerOf } from './auth.js';
import { HttpError, toHttpError } from './errors.js';
import type { TokenStore } from './tokens.js';

/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;

/** Where a stream starts: Last-Event-ID (a browser resuming) wins over `?after=`; neither: only new events. */
function startOf(lastEventId: string | undefined, after: string | undefined): bigint | undefined {
  const value = lastEventId?.trim() || after?.trim();
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,20}$/.test(value)) {
    throw new HttpError(400, 'invalid_input', 'after / Last-Event-ID must be a log position', [{ field: lastEventId ? 'Last-Event-ID' : 'after', reason: 'must be a non-negative integer position' }]);
  }
  return BigInt(value);
}

/**
 * The log as a stream. `GET /api/events?after=POS` is server-sent events: each event's `id:`
 * is its position, so a client that reconnects with Last-Event-ID resumes with no gap and no
 * repeat (the store's subscription guarantees both). `GET /api/export?after=POS&prefix=P` is
 * the log (or its streams starting with P) as NDJSON, the same lines as `cairn export`.
 * `GET /api/head` is the last position.
 */
export function eventsRoutes(app: App, live: Set<AbortController>, tokens: TokenStore): Hono {
  const routes = new Hono();

  routes.get('/events', async (c) => {
    const caller = callerOf(c, tokens, false);
    const after = startOf(c.req.header('Last-Event-ID'), c.req.query('after')) ?? (await app.store.headPosition());
    // nginx would otherwise buffer the stream (docs/deploy.md): events must reach the client as they happen.
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (sse) => {
      const stop = new AbortController();
      live.add(stop);
      sse.onAbort(() => stop.abort());
      c.req.raw.signal.addEventListener('abort', () => stop.abort(), { once: true });
      const heartbeat = setInterval(() => void sse.write(': heartbeat\n\n').catch(() => stop.abort()), HEARTBEAT_MS);
      const subscription = app.store.subscribe({ after, signal: stop.signal });
      try {
        await sse.writeSSE({ event: 'ready', data: JSON.stringify({ after: String(after) }), retry: 2_000 });
        for await (const recorded of subscription) {
          const event = toPlainJson(toStored(recorded));
          // Recorded before it is sent; an event that shows the reader nothing new (its own, a record of a read) appends nothing.
          await recordExposure(app, caller, 'events', { streams: shownStreams(event) });
          await sse.writeSSE({ id: String(recorded.position), data: JSON.stringify(event) });
          if (sse.aborted || sse.closed) break;
        }
      } catch (error) {
        // A corrupt event or a lost store ends the stream with the same error body as any request.
        if (!sse.closed) await sse.writeSSE({ event: 'error', data: JSON.stringify(toHttpError(error).body) }).catch(() => undefined);
      } finally {
        clearInterval(heartbeat);
        live.delete(stop);
        await subscription.close();
      }
    });
  });

  routes.get('/head', async (c) => c.json({ position: String(await app.store.headPosition()) }));

  routes.get('/export', (c) => {
    const caller = callerOf(c, tokens, false);
    const after = startOf(undefined, c.req.query('after'));
    const prefix = c.req.query('prefix');
    if (prefix !== undefined && prefix.length > 100) throw new HttpError(400, 'invalid_input', 'prefix is too long', [{ field: 'prefix', reason: 'must be at most 100 characters' }]);
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    return stream(c, async (out) => {
      try {
        // Sent in batches, each recorded as shown before it goes out.
        let batch: unknown[] = [];
        const flush = async () => {
          await recordExposure(app, caller, 'export', { streams: shownStreams(batch) });
          await out.write(batch.map((e) => `${JSON.stringify(e)}\n`).join(''));
          batch = [];
        };
        for await (const event of exportLog(app.store, { after, streamPrefixes: prefix ? [prefix] : undefined })) {
          if (out.aborted) break;
          batch.push(event);
          if (batch.length >= 500) await flush();
        }
        if (batch.length > 0 && !out.aborted) await flush();
      } catch (error) {
        // The status line has gone out already: the last line says why the stream stopped short.
        await out.write(`${JSON.stringify(toHttpError(error).body)}\n`).catch(() => undefined);
      }
    });
  });

  return routes;
}
