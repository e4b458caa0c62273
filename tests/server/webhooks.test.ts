import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { signatureOf } from '../../src/server/webhooks.js';
import { cairn, expectExit, tempDir } from '../cli/run.js';
import { testServer, type TestServer } from './server.js';

const SECRET = 'a shared secret of some length';

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, any>;
}

/** A receiver on a free loopback port; `answer` decides each response (a status, or 'hang'). */
async function receiver(answer: (n: number) => number | 'hang' = () => 200) {
  const deliveries: Delivery[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const status = answer(attempts++);
      if (status === 'hang') return;
      if (status < 300) deliveries.push({ headers: req.headers, body, json: JSON.parse(body) as Record<string, any> });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function until<T>(what: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = what();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverWith(url: string, kinds: ('message' | 'convergence' | 'health')[], extra: { backoffMs?: number[]; healthEveryMs?: number } = {}): Promise<TestServer> {
  const server = await testServer({ webhooks: { urls: [url], secret: SECRET, kinds, ...extra } });
  cleanups.push(() => server.stop());
  return server;
}

describe('webhooks from cairn serve', () => {
  it('POST a signed JSON for a message to a role, and nothing for a direct message', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const server = await serverWith(hook.url, ['message']);
    for (const [who, role] of [['ada', 'explorer'], ['bo', 'builder']]) expectExit(await server.local(['join', '--role', role!, '--as', who!]), 0);
    expectExit(await server.local(['say', 'just for you', '--to', 'bo', '--as', 'ada']), 0);
    expectExit(await server.local(['say', 'builders: the retry loop', '--to', 'role:builder', '--as', 'ada']), 0);
    const delivery = await until(() => hook.deliveries[0]);
    expect(delivery.json).toMatchObject({ kind: 'message', from: 'ada', to: 'role:builder', body: 'builders: the retry loop', messageId: expect.stringMatching(/^m-/) });
    expect(delivery.headers['x-cairn-event']).toBe('message');
    expect(delivery.headers['x-cairn-signature']).toBe(signatureOf(SECRET, delivery.body));
    expect(delivery.headers['x-cairn-signature']).not.toBe(signatureOf('another secret entirely', delivery.body));
    await sleep(300);
    expect(hook.deliveries).toHaveLength(1);
  });

  it('POST a convergence when a finding is reached independently, and a health warning once', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const server = await serverWith(hook.url, ['convergence', 'health'], { healthEveryMs: 0 });
    for (const [who, role] of [['ada', 'explorer'], ['bo', 'builder']]) expectExit(await server.local(['join', '--role', role!, '--as', who!]), 0);
    expectExit(await server.local(['find', 'The upload client ignores the Retry-After header and retries at once', '--topic', 'uploads', '--as', 'ada']), 0);
    expectExit(await server.local(['find', 'Uploads retry immediately because the client ignores the Retry-After header', '--topic', 'uploads', '--as', 'bo']), 0);
    const convergence = await until(() => hook.deliveries.find((d) => d.json.kind === 'convergence'));
    expect(convergence.json).toMatchObject({ kind: 'convergence', by: ['ada', 'bo'], similarity: expect.any(Number) });
    // All findings on one topic: topic diversity warns, and the warning is sent once.
    expectExit(await server.local(['find', 'Backoff doubles from one second', '--topic', 'uploads', '--as', 'ada']), 0);
    const warning = await until(() => hook.deliveries.find((d) => d.json.kind === 'health'));
    expect(warning.json).toMatchObject({ status: 'warning', warnings: expect.arrayContaining([expect.objectContaining({ name: 'topic-diversity' })]) });
    expectExit(await server.local(['find', 'Jitter spreads the retries out', '--topic', 'uploads', '--as', 'bo']), 0);
    await sleep(500);
    expect(hook.deliveries.filter((d) => d.json.kind === 'health')).toHaveLength(1);
  });

  it('retry with backoff until the receiver takes it, and never hold an append up', async () => {
    // Fails twice, then takes it.
    const flaky = await receiver((n) => (n < 2 ? 503 : 200));
    cleanups.push(flaky.close);
    const server = await serverWith(flaky.url, ['message'], { backoffMs: [50, 50, 50] });
    expectExit(await server.local(['join', '--role', 'explorer', '--as', 'ada']), 0);
    expectExit(await server.local(['say', 'hello all', '--to', 'all', '--as', 'ada']), 0);
    await until(() => flaky.deliveries[0]);
    expect(flaky.attempts()).toBe(3);

    // A receiver that never answers: appends go on, acknowledged, while its delivery waits.
    const dead = await receiver(() => 'hang');
    cleanups.push(dead.close);
    const stuck = await serverWith(dead.url, ['message'], { backoffMs: [] });
    expectExit(await stuck.local(['join', '--role', 'explorer', '--as', 'ada']), 0);
    expectExit(await stuck.local(['say', 'first', '--to', 'all', '--as', 'ada']), 0);
    await until(() => (dead.attempts() > 0 ? true : undefined));
    for (const body of ['second', 'third']) expectExit(await stuck.local(['say', body, '--to', 'all', '--as', 'ada']), 0);
    const messages = (await stuck.local(['log', '--json', '--type', 'MessagePosted'])).lines<{ data: { body: string } }>().map((e) => e.data.body);
    expect(messages).toEqual(['first', 'second', 'third']);
    expect(dead.deliveries).toHaveLength(0);
  });

  it('cairn serve refuses webhook flags it cannot honour, naming them', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [['--webhook', 'ftp://example.org/x'], { CAIRN_WEBHOOK_SECRET: SECRET }, '--webhook'],
      [['--webhook', 'http://127.0.0.1:9/x', '--webhook-events', 'message,gossip'], { CAIRN_WEBHOOK_SECRET: SECRET }, '--webhook-events'],
      [['--webhook', 'http://127.0.0.1:9/x'], {}, 'CAIRN_WEBHOOK_SECRET'],
    ];
    for (const [args, env, field] of cases) {
      const result = await cairn(['serve', '--port', '0', '--demo', ...args], { cwd: tempDir(), env });
      expectExit(result, 2);
      expect(result.stderr).toContain(field);
    }
  });
});
