import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredEvent } from '../../events/index.js';
import type { App } from '../app/app.js';
import { health } from '../app/signals.js';
import { toStored } from '../runtime/stored.js';
import { parseInput } from '../app/operation.js';

/**
 * Webhooks: `serve` POSTs a small JSON to configured URLs when chosen things happen, so news
 * reaches a chat, a pager or another agent runtime without polling. They follow the log
 * through the store's subscription, after appends are acknowledged, so a slow or dead
 * receiver never holds an append up; each delivery is signed with a shared secret
 * (`X-Cairn-Signature: sha256=<HMAC of the body>`) and retried with backoff.
 *  - message: a message to a role or to everyone (`role:NAME`, `all`);
 *  - convergence: a finding that converges independently with another instance's;
 *  - health: the collaboration's health turning to warning (checked at most every `healthEveryMs`).
 */

export const WEBHOOK_KINDS = ['message', 'convergence', 'health'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export interface WebhookOptions {
  urls: string[];
  secret: string;
  kinds: readonly WebhookKind[];
  /** Waits between attempts of one delivery; its length is how many retries. */
  backoffMs?: readonly number[];
  healthEveryMs?: number;
  log?: (line: string) => void;
}

export interface WebhookPayload {
  kind: WebhookKind;
  position: string;
  at: string;
  [key: string]: unknown;
}

const DEFAULT_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000];
const DEFAULT_HEALTH_EVERY_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 10_000;

/** What a receiver checks: the HMAC-SHA256 of the exact body, hex. */
export const signatureOf = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Follows the log from its head now and delivers what the options choose; `stop()` ends it. */
export function startWebhooks(app: App, options: WebhookOptions): { stop(): Promise<void> } {
  const stop = new AbortController();
  const pending = new Set<Promise<void>>();
  const log = options.log ?? (() => undefined);
  const send = (payload: WebhookPayload) => {
    for (const url of options.urls) {
      const delivery = deliver(url, payload, options, stop.signal, log).finally(() => pending.delete(delivery));
      pending.add(delivery);
    }
  };
  let lastHealthMs = -Infinity;
  let healthWarned = false;

  const follow = async () => {
    const subscription = app.store.subscribe({ after: await app.store.headPosition(), signal: stop.signal });
    try {
      for await (const recorded of subscription) {
        const event = toStored(recorded);
        for (const payload of await payloadsOf(app, event, options.kinds)) send(payload);
        if (options.kinds.includes('health') && app.clock().getTime() - lastHealthMs >= (options.healthEveryMs ?? DEFAULT_HEALTH_EVERY_MS)) {
          lastHealthMs = app.clock().getTime();
          const report = await health.run(app, parseInput(health, {}), {});
          const warning = report.status === 'warning';
          if (warning && !healthWarned) {
            send({ kind: 'health', position: String(event.position), at: event.metadata.at, status: report.status, warnings: report.signals.filter((s) => s.status === 'warning').map((s) => ({ name: s.name, explanation: s.explanation })) });
          }
          healthWarned = warning;
        }
      }
    } catch (error) {
      if (!stop.signal.aborted) log(`webhooks stopped following the log: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const following = follow();
  return {
    async stop() {
      stop.abort();
      await following;
      await Promise.allSettled([...pending]);
    },
  };
}

async function payloadsOf(app: App, event: StoredEvent, kinds: readonly WebhookKind[]): Promise<WebhookPayload[]> {
  const base = { position: String(event.position), at: event.metadata.at };
  if (event.type === 'MessagePosted' && kinds.includes('message') && (event.data.to === 'all' || event.data.to.startsWith('role:'))) {
    const { messageId, from, to, body } = event.data;
    return [{ kind: 'message', ...base, messageId, from, to, body }];
  }
  if (event.type === 'FindingRecorded' && kinds.includes('convergence')) {
    const tables = await app.tables();
    const rows = tables.db
      .prepare(
        `SELECT e.id AS earlier, e.by AS earlier_by, l.lexical FROM links l JOIN findings e ON e.position = l.earlier
         WHERE l.later = ? AND l.similar = 1 AND l.echo = 0 AND l.status != 'rejected' ORDER BY l.rank`,
      )
      .all(event.position) as { earlier: string; earlier_by: string; lexical: number }[];
    return rows.map((row) => ({ kind: 'convergence', ...base, earlier: row.earlier, later: event.data.findingId, by: [row.earlier_by, event.data.by], summary: event.data.summary, similarity: row.lexical }));
  }
  return [];
}

/** POSTs one payload, retrying on a network error or a non-2xx answer, until it lands or the backoff runs out. */
async function deliver(url: string, payload: WebhookPayload, options: WebhookOptions, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const body = JSON.stringify(payload);
  const headers = { 'content-type': 'application/json', 'x-cairn-event': payload.kind, 'x-cairn-delivery': randomUUID(), 'x-cairn-signature': signatureOf(options.secret, body) };
  const waits = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  for (let attempt = 0; ; attempt++) {
    let failure: string;
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.any([signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]) });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      failure = `answered ${response.status}`;
    } catch (error) {
      if (signal.aborted) return;
      failure = error instanceof Error ? error.message : String(error);
    }
    if (attempt >= waits.length) {
      log(`webhook ${payload.kind} at ${payload.position} to ${url} dropped after ${attempt + 1} attempts: ${failure}`);
      return;
    }
    try {
      await sleep(waits[attempt], undefined, { signal });
    } catch {
      return;
    }
  }
}
