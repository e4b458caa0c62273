import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/server/body.js';
import { OPEN_POLICY } from '../../src/server/policy.js';
import { expectExit } from '../cli/run.js';
import { joinAs, json, testServer, type TestServer } from './server.js';

const LIMIT = 5;

/** Opens a raw connection; resolves with it once connected. */
const open = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });

/** Everything the server sends until it closes the connection, or `timeoutMs` passes (then: undefined). */
const untilClosed = (socket: Socket, timeoutMs = 5_000): Promise<string | undefined> =>
  new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });

describe('rate limits, per token', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer({ policy: { ...OPEN_POLICY, ratePerMinute: LIMIT } });
  });
  afterAll(() => server.stop());

  it('past the limit a token gets 429 with Retry-After; another token keeps its own count', async () => {
    const ada = await joinAs(server, 'ada', 'explorer'); // the join counts against ada's address, not her token
    const bo = await joinAs(server, 'bo', 'builder');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await server.fetch('/api/ops/status', json({}, ada))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await server.fetch('/api/ops/propose', json({ title: 'Over the limit' }, ada));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as any).error.code).toBe('rate_limited');
    expect((await server.fetch('/api/ops/status', json({}, bo))).status).toBe(200);
    const tasks = await server.local(['tasks', '--json']);
    expect(tasks.stdout).not.toContain('Over the limit');
  });

  it('the CLI reports a 429 as a refusal with its code (exit 1)', async () => {
    const home = `${server.dir}/cy-config`;
    expectExit(await server.remote(['join', '--role', 'reflector', '--as', 'cy'], { home }), 0);
    let last;
    for (let i = 0; i < LIMIT + 1; i++) last = await server.remote(['status', '--as', 'cy', '--json'], { home });
    expectExit(last!, 1);
    expect(last!.json().error.code).toBe('rate_limited');
  });

  it('made-up tokens are counted against the address that sends them, so guessing is limited too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) statuses.push((await server.fetch('/api/head', { headers: { Authorization: `Bearer guess-${i}` } })).status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.slice(-2)).toEqual([429, 429]);
  });
});

describe('body and connection limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer({ maxConnections: 3 });
  });
  afterAll(() => server.stop());

  it('a body over the limit is 413 and its connection closes, without the server reading the rest', async () => {
    const token = await joinAs(server, 'ada', 'explorer');
    const before = await server.app.store.headPosition();
    const socket = await open(server.port);
    const closed = untilClosed(socket);
    const declared = 50 * 1024 * 1024;
    socket.write(`POST /api/ops/propose HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n{"title":"`);
    socket.write('x'.repeat(MAX_BODY_BYTES + 1));
    const answer = await closed;
    expect(answer, 'the server kept the connection open').toBeDefined();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer!.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"too_large"');
    expect(await server.app.store.headPosition()).toBe(before);
    expect((await server.fetch('/api/head')).status).toBe(200);
  });

  it('a chunked body (no length declared) over the limit is 413 too, and closes', async () => {
    const token = await joinAs(server, 'bo', 'builder');
    const socket = await open(server.port);
    const closed = untilClosed(socket);
    socket.write(`POST /api/ops/propose HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = 'x'.repeat(16 * 1024);
    for (let sent = 0; sent <= MAX_BODY_BYTES; sent += chunk.length) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('past --max-connections new connections are closed at once; when one ends, a new one is served', async () => {
    const streams = await Promise.all([0, 1, 2].map(() => server.fetch('/api/events')));
    expect(streams.map((r) => r.status)).toEqual([200, 200, 200]);
    const extra = await open(server.port);
    const answer = await untilClosed(extra);
    expect(answer).toBe('');
    await streams[0]!.body!.cancel();
    await expect.poll(() => server.openStreams()).toBe(2);
    const served = await server.fetch('/api/head', { headers: { Connection: 'close' } });
    expect(served.status).toBe(200);
    for (const stream of streams.slice(1)) await stream.body!.cancel();
  });
});
