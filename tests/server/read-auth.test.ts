import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, type AccessPolicy } from '../../src/server/policy.js';
import { expectExit } from '../cli/run.js';
import { json, take, testServer, type TestServer } from './server.js';

const SECRET = 'correct horse battery staple';
const POLICY: AccessPolicy = { joinSecretSha256: sha256(SECRET), restrictedRoles: new Set(['coordinator']), readAuth: true, ratePerMinute: undefined, proxy: undefined };

/** Every way the log can leave the server: operations that read, views, series, the stream, export, head, the index, MCP. */
const READS: [string, RequestInit?][] = [
  ['/api/ops'],
  ['/api/ops/tasks', json({})],
  ['/api/ops/findings', json({})],
  ['/api/ops/status', json({})],
  ['/api/views'],
  ['/api/views?view=tasks'],
  ['/api/series?view=health'],
  ['/api/events?after=0'],
  ['/api/export'],
  ['/api/head'],
  ['/mcp', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }) }],
];

const bearer = (init: RequestInit | undefined, token: string): RequestInit => ({ ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` } });

let server: TestServer;
let adaToken: string;
let readerToken: string;
beforeAll(async () => {
  server = await testServer({ policy: POLICY });
  expectExit(await server.local(['join', '--role', 'explorer', '--as', 'ada']), 0);
  expectExit(await server.local(['find', 'Retries ignore the Retry-After header', '--as', 'ada']), 0);
  adaToken = (await server.local(['token', '--as', 'ada', '--json'])).json<{ token: string }>().token;
  const reader = await server.local(['token', '--reader', 'wall-screen', '--json']);
  expectExit(reader, 0);
  readerToken = reader.json<{ reader: string; token: string }>().token;
});
afterAll(() => server.stop());

describe('with read auth, nothing of the log leaves without a token', () => {
  it('every read is 401 without a token, and with a token nobody holds', async () => {
    for (const [path, init] of READS) {
      for (const headers of [{}, { Authorization: 'Bearer not-a-token' }]) {
        const response = await server.fetch(path, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } });
        const body = (await response.json()) as any;
        expect(response.status, path).toBe(401);
        expect(JSON.stringify(body), path).not.toContain('Retry-After header');
      }
    }
  });

  it('an instance\'s token reads everything', async () => {
    for (const [path, init] of READS) {
      const response = await server.fetch(path, bearer(init, adaToken));
      expect(response.status, path).toBe(200);
      await response.body?.cancel();
    }
  });

  it('a reader\'s token reads everything, and the stream, but writes nothing (403), appending nothing', async () => {
    for (const [path, init] of READS) {
      const response = await server.fetch(path, bearer(init, readerToken));
      expect(response.status, path).toBe(200);
      await response.body?.cancel();
    }
    const stream = await server.fetch('/api/events?after=0', bearer(undefined, readerToken));
    const [first] = await take(stream, 1);
    expect(JSON.parse(first!.data).type).toBe('InstanceJoined');
    const before = await server.app.store.headPosition();
    const write = await server.fetch('/api/ops/propose', json({ title: 'A reader tries to write' }, readerToken));
    expect(write.status).toBe(403);
    expect(((await write.json()) as any).error.code).toBe('read_only');
    const joined = await server.fetch('/api/join', json({ instanceId: 'wall-screen', role: 'explorer' }, readerToken));
    expect(joined.status).toBe(401); // a reader's token admits no join: that takes the join secret
    expect(((await joined.json()) as any).error.code).toBe('admission_required');
    expect(await server.app.store.headPosition()).toBe(before);
  });

  it('the CLI reads with its saved or given token, and without one says CAIRN_TOKEN (exit 2)', async () => {
    const anonymous = await server.remote(['findings', '--json']);
    expectExit(anonymous, 2);
    expect(anonymous.json().error.issues[0].field).toBe('CAIRN_TOKEN');
    const withReader = await server.remote(['findings', '--json'], { env: { CAIRN_TOKEN: readerToken } });
    expectExit(withReader, 0);
    expect(JSON.stringify(withReader.json())).toContain('Retries ignore the Retry-After header');
    const followed = await server.remote(['log', '--json'], { env: { CAIRN_TOKEN: readerToken } });
    expectExit(followed, 0);
  });

  it('the dashboard page itself loads without a token: it holds no data, and asks for a token', async () => {
    const page = await server.fetch('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="token-form"');
  });

  it('a bad --reader name is refused naming the flag', async () => {
    const bad = await server.local(['token', '--reader', 'no spaces', '--json']);
    expectExit(bad, 2);
    expect(bad.json().error.issues[0].field).toBe('--reader');
  });
});
