import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinAs, json, take, testServer, type TestServer } from './server.js';

let server: TestServer;
let ada: string;

beforeAll(async () => {
  server = await testServer();
  ada = await joinAs(server, 'ada', 'explorer');
});
afterAll(() => server.stop());

const say = (n: number) => server.fetch('/api/ops/say', json({ body: `note ${n}`, to: 'all' }, ada));
const positions = (events: { id?: string }[]) => events.map((e) => Number(e.id));

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('GET /api/events (server-sent events)', () => {
  it('streams from a position, and resumes with Last-Event-ID with no gap and no repeat', async () => {
    for (let n = 1; n <= 4; n++) expect((await say(n)).status).toBe(200); // positions 2..5
    const first = await server.fetch('/api/events?after=2', { headers: { Accept: 'text/event-stream' } });
    expect(first.headers.get('content-type')).toContain('text/event-stream');
    const part1 = await take(first, 3);
    expect(positions(part1)).toEqual([3, 4, 5]);
    const event = JSON.parse(part1[0]!.data) as { type: string; position: string; metadata: { instanceId: string } };
    expect(event).toMatchObject({ type: 'MessagePosted', position: '3', metadata: { instanceId: 'ada' } });
    await first.body!.cancel();

    // Written while nobody listens: the resumed stream must deliver them, once each.
    for (let n = 5; n <= 7; n++) await say(n); // 6..8
    const resumed = await server.fetch('/api/events?after=0', { headers: { 'Last-Event-ID': part1.at(-1)!.id! } });
    const pending = take(resumed, 4);
    await sleep(100);
    await say(8); // 9, live
    const part2 = await pending;
    expect(positions(part2)).toEqual([6, 7, 8, 9]);
    await resumed.body!.cancel();
  });

  it('without a position, sends only what is appended after it connects', async () => {
    const head = Number(((await (await server.fetch('/api/head')).json()) as { position: string }).position);
    const response = await server.fetch('/api/events');
    const pending = take(response, 1);
    await sleep(100);
    await say(99);
    expect(positions(await pending)).toEqual([head + 1]);
    await response.body!.cancel();
  });

  it('closes the subscription when the client goes away', async () => {
    await until(() => server.openStreams() === 0);
    const controller = new AbortController();
    const response = await server.fetch('/api/events?after=0', { signal: controller.signal });
    await take(response, 1);
    expect(server.openStreams()).toBe(1);
    controller.abort();
    await until(() => server.openStreams() === 0);
  });

  it('refuses a position that is not one', async () => {
    const response = await server.fetch('/api/events?after=soon');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { issues: { field: string }[] } }).error.issues[0]!.field).toBe('after');
  });
});
