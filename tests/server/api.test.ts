import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/store/port.js';
import { joinAs, json, testServer, type TestServer } from './server.js';

let server: TestServer;
let ada: string;
let bo: string;

beforeAll(async () => {
  server = await testServer();
  ada = await joinAs(server, 'ada', 'explorer');
  bo = await joinAs(server, 'bo', 'builder');
});
afterAll(() => server.stop());

/** Every event in the log, by whom and of which type. */
async function events() {
  return (await collect(server.app.store.readAll())).map((e) => ({ type: e.type, by: (e.metadata as { instanceId: string }).instanceId, data: e.data }));
}

describe('the operation index', () => {
  it('lists every operation with the JSON Schema of its input', async () => {
    const response = await server.fetch('/api/ops');
    expect(response.status).toBe(200);
    const { operations } = (await response.json()) as { operations: { name: string; writes: boolean; path: string; input: { properties: Record<string, unknown>; required?: string[] } }[] };
    const claim = operations.find((op) => op.name === 'claim')!;
    expect(claim).toMatchObject({ writes: true, path: '/api/ops/claim' });
    expect(claim.input.required).toEqual(['task']);
    expect(Object.keys(claim.input.properties)).toEqual(['task', 'lease']);
    expect(operations.find((op) => op.name === 'status')!.writes).toBe(false);
    expect(operations.map((op) => op.name)).toEqual(expect.arrayContaining(['join', 'propose', 'find', 'say', 'wait', 'replay', 'log']));
  });
});

describe('tokens', () => {
  it('are issued on an instance\'s first join, and only their SHA-256 is kept, beside the store and never in the log', async () => {
    const file = join(server.cacheDir, 'tokens.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(ada);
    expect(Object.keys(JSON.parse(text).tokens)).toEqual(['ada', 'bo']);
    expect(JSON.parse(text).tokens.ada.sha256).toBe(createHash('sha256').update(ada).digest('hex'));
    const exported = await (await server.fetch('/api/export')).text();
    expect(exported).not.toContain(ada);
    expect(exported).not.toContain(bo);
  });

  it('joining again needs that instance\'s own token', async () => {
    const without = await server.fetch('/api/join', json({ instanceId: 'ada', role: 'reflector' }));
    expect(without.status).toBe(401);
    expect(((await without.json()) as { error: { code: string } }).error.code).toBe('token_required');
    const othersToken = await server.fetch('/api/join', json({ instanceId: 'ada', role: 'reflector' }, bo));
    expect(othersToken.status).toBe(403);
    const own = await server.fetch('/api/join', json({ instanceId: 'ada', role: 'explorer', description: 'maps the uploader' }, ada));
    expect(own.status).toBe(200);
    const body = (await own.json()) as { instanceId: string; token?: string };
    expect(body.instanceId).toBe('ada');
    expect(body.token).toBeUndefined();
  });

  it('a stale token (from a server since reset) does not block a first join', async () => {
    const response = await server.fetch('/api/join', json({ instanceId: 'fay', role: 'explorer' }, 'token-from-an-old-server'));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { token?: string }).token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a first join whose input is bad issues no token', async () => {
    const response = await server.fetch('/api/join', json({ instanceId: 'cy', role: 'Not A Role' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { issues: { field: string }[] } }).error.issues[0]!.field).toBe('role');
    expect(await joinAs(server, 'cy', 'coordinator')).toBeTruthy();
  });
});

describe('writes act only as the token\'s instance', () => {
  it('a write without a token, or with an unknown one, is refused with 401 and appends nothing', async () => {
    const before = (await events()).length;
    const missing = await server.fetch('/api/ops/propose', json({ title: 'Anonymous work' }));
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('token_required');
    const unknown = await server.fetch('/api/ops/propose', json({ title: 'Anonymous work' }, 'not-a-token'));
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
    expect((await events()).length).toBe(before);
  });

  it('appends as the token\'s instance, and answers what `cairn propose --json` prints', async () => {
    const response = await server.fetch('/api/ops/propose', json({ title: 'Map the retry paths', tags: ['uploads'], id: 't-1' }, ada));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { taskId: string; events: { position: string; metadata: { instanceId: string } }[] };
    expect(body.taskId).toBe('t-1');
    expect(body.events[0]!.metadata.instanceId).toBe('ada');
    expect(typeof body.events[0]!.position).toBe('string');
  });

  it('a forged body, query or header cannot act as another instance', async () => {
    const before = await events();
    const inBody = await server.fetch('/api/ops/find', json({ summary: 'Forged', instanceId: 'bo', as: 'bo' }, ada));
    expect(inBody.status).toBe(400);
    const issues = ((await inBody.json()) as { error: { issues: { field: string; reason: string }[] } }).error.issues;
    expect(issues[0]!.reason).toContain('instanceId');
    const inHeader = await server.fetch('/api/ops/find', json({ summary: 'Forged' }, ada, { 'X-Cairn-Instance': 'bo' }));
    expect(inHeader.status).toBe(403);
    const inQuery = await server.fetch('/api/ops/find?as=bo&instanceId=bo', json({ summary: 'Not forged after all', id: 'f-q' }, ada));
    expect(inQuery.status).toBe(200);
    const after = await events();
    const added = after.slice(before.length);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ type: 'FindingRecorded', by: 'ada' });
    expect(after.filter((e) => e.by === 'bo').map((e) => e.type)).toEqual(['InstanceJoined']);
  });

  it('a domain refusal is 409 with its code; another instance cannot release a claim', async () => {
    expect((await server.fetch('/api/ops/claim', json({ task: 't-1', lease: '30m' }, ada))).status).toBe(200);
    const taken = await server.fetch('/api/ops/claim', json({ task: 't-1' }, bo));
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'already_claimed', message: expect.stringContaining('ada') });
    const release = await server.fetch('/api/ops/release', json({ task: 't-1' }, bo));
    expect(release.status).toBe(409);
    expect(((await release.json()) as { error: { code: string } }).error.code).toBe('not_owner');
  });
});

describe('reads', () => {
  it('need no token', async () => {
    const status = await server.fetch('/api/ops/status', { method: 'POST' });
    expect(status.status).toBe(200);
    const board = (await status.json()) as { claimed: { taskId: string; owner: string }[] };
    expect(board.claimed).toEqual([expect.objectContaining({ taskId: 't-1', owner: 'ada' })]);
    const views = await server.fetch('/api/views');
    expect(views.status).toBe(200);
    const body = (await views.json()) as { head: string; views: Record<string, unknown> };
    expect(Object.keys(body.views)).toEqual(expect.arrayContaining(['tasks', 'activity', 'inbox', 'questions', 'findings']));
    expect(Number(body.head)).toBeGreaterThan(0);
  });

  it('views at a past position show the log as it was then', async () => {
    const earlier = (await (await server.fetch('/api/views?at=2')).json()) as { position: string; views: { tasks: { tasks: unknown[] }; activity: { instances: { instanceId: string }[] } } };
    expect(earlier.position).toBe('2');
    expect(earlier.views.tasks.tasks).toEqual([]);
    expect(earlier.views.activity.instances.map((i) => i.instanceId)).toEqual(['ada', 'bo']);
    const bad = await server.fetch('/api/views?at=yesterday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { issues: { field: string }[] } }).error.issues).toEqual([expect.objectContaining({ field: 'at' })]);
    // Some views of a past moment, as the dashboard asks for the lists before the clusters.
    const lists = (await (await server.fetch('/api/views?at=2&view=tasks,activity')).json()) as { views: Record<string, unknown> };
    expect(Object.keys(lists.views)).toEqual(['tasks', 'activity']);
    expect(lists.views.activity).toEqual(earlier.views.activity);
  });

  it('a series samples one view over time for the charts', async () => {
    const response = await server.fetch('/api/series?view=findings&points=5');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { points: { at: string; view: { findings: unknown[] } }[] };
    expect(body.points).toHaveLength(5);
    const counts = body.points.map((p) => p.view.findings.length);
    expect(counts[0]).toBe(0);
    expect(counts.at(-1)).toBe(1);
    expect([...counts].sort()).toEqual(counts);
    const times = body.points.map((p) => Date.parse(p.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await server.fetch('/api/series?view=nope')).status).toBe(404);
  });
});

describe('reads are recorded as what they showed', () => {
  const claim = 'Without a busy_timeout, a second SQLite writer gets SQLITE_BUSY immediately instead of waiting for the lock.';
  const restated = 'A second SQLite writer without a busy_timeout gets SQLITE_BUSY immediately rather than waiting for the lock.';
  const post = async (op: string, body: unknown, token?: string) => {
    const response = await server.fetch(`/api/ops/${op}`, json(body, token));
    const answer = (await response.json()) as Record<string, any>;
    expect(response.status, JSON.stringify(answer)).toBe(200);
    return answer;
  };

  it('a read made with a token is the token instance\'s exposure: a restatement after it is an echo naming the read', async () => {
    await post('find', { summary: claim, id: 'f-http-a' }, ada);
    await post('findings', {}, bo);
    const found = await post('find', { summary: restated, id: 'f-http-b' }, bo);
    expect(found.converges.map((m: { other: { findingId: string } }) => m.other.findingId)).not.toContain('f-http-a');
    const echo = found.echoes.find((m: { other: { findingId: string } }) => m.other.findingId === 'f-http-a');
    expect(echo.reason).toMatch(/^echo: bo was shown finding f-http-a by `findings` \(at \d+\), before recording f-http-b$/);
    expect((await events()).filter((e) => e.type === 'ContentShown' && e.by === 'bo').length).toBeGreaterThan(0);
  });

  it('the dashboard without a token is recorded as an anonymous read, and reported on the pair it may have touched', async () => {
    const fay = await joinAs(server, 'hal', 'reflector');
    await post('find', { summary: claim.replace('second', 'third'), id: 'f-http-c' }, ada);
    expect((await server.fetch('/api/views')).status).toBe(200);
    const found = await post('find', { summary: restated.replace('second', 'third'), id: 'f-http-d' }, fay);
    const match = found.converges.find((m: { other: { findingId: string } }) => m.other.findingId === 'f-http-c');
    expect(match.anonymousRead).toMatchObject({ via: 'dashboard' });
    expect(match.reason).toContain('a read without an identity (`dashboard`');
    const anonymous = (await events()).filter((e) => e.type === 'ContentShown' && e.by === 'anonymous');
    expect(anonymous.some((e) => (e.data as { streams: string[] }).streams.includes('finding-f-http-c'))).toBe(true);
  });
});

describe('bad requests', () => {
  it('400 names the field', async () => {
    const response = await server.fetch('/api/ops/claim', json({ task: 't-1', lease: 'forever' }, ada));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { ok: boolean; error: { code: string; issues: { field: string; reason: string }[] } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.issues).toEqual([expect.objectContaining({ field: 'lease', reason: expect.stringContaining('duration') })]);
  });

  it('a body that is not JSON, or not sent as JSON, is 400', async () => {
    const broken = await server.fetch('/api/ops/status', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"oops' });
    expect(broken.status).toBe(400);
    const plain = await server.fetch('/api/join', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"instanceId":"mallory","role":"explorer"}' });
    expect(plain.status).toBe(400);
  });

  it('a body over 64 KiB is 413, and nothing is appended', async () => {
    const before = (await events()).length;
    const response = await server.fetch('/api/ops/find', json({ summary: 'x'.repeat(70 * 1024) }, ada));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('too_large');
    expect((await events()).length).toBe(before);
  });

  it('an unknown operation is 404; an internal error says nothing about the server', async () => {
    const response = await server.fetch('/api/ops/rm-rf', json({}, ada));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unknown_operation');
  });

  it('a wait that times out is 408', async () => {
    const response = await server.fetch('/api/ops/wait', json({ task: 't-1', state: 'completed', timeout: '200ms' }));
    expect(response.status).toBe(408);
    expect(((await response.json()) as { error: { code: string; timeoutMs: number } }).error).toMatchObject({ code: 'timeout', timeoutMs: 200 });
  });
});

describe('headers', () => {
  it('every answer carries a strict Content-Security-Policy', async () => {
    const page = await server.fetch('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await server.fetch('/assets/main.js')).headers.get('content-type')).toContain('javascript');
    expect((await server.fetch('/assets/../../package.json')).status).toBe(404);
  });
});
