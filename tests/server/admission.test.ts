import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, type AccessPolicy } from '../../src/server/policy.js';
import { expectExit } from '../cli/run.js';
import { call, ok, text } from '../mcp/every-tool.js';
import { connect } from '../mcp/http-client.js';
import { json, testServer, type TestServer } from './server.js';

const SECRET = 'correct horse battery staple';
const POLICY: AccessPolicy = { joinSecretSha256: sha256(SECRET), restrictedRoles: new Set(['coordinator']), readAuth: true, ratePerMinute: undefined, proxy: undefined };
const withSecret = (secret: string) => ({ 'X-Cairn-Join-Secret': secret });

let server: TestServer;
let head: () => Promise<bigint>;
beforeAll(async () => {
  server = await testServer({ policy: POLICY });
  head = () => server.app.store.headPosition();
  expectExit(await server.local(['join', '--role', 'coordinator', '--as', 'cy']), 0);
  expectExit(await server.local(['join', '--role', 'builder', '--as', 'bo']), 0);
});
afterAll(() => server.stop());

/** Joins over HTTP; the answer's status and body. */
async function joinOver(instanceId: string, role: string, headers: Record<string, string> = {}, token?: string) {
  const response = await server.fetch('/api/join', json({ instanceId, role }, token, headers));
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function invite(role: string, extra: string[] = []): Promise<string> {
  const issued = await server.local(['invite', '--role', role, '--as', 'cy', '--json', ...extra]);
  expectExit(issued, 0);
  return issued.json<{ code: string }>().code;
}

describe('admission: a first join over HTTP needs the join secret', () => {
  it('is refused without it (401) and with a wrong one (403), naming the header; nothing is appended', async () => {
    const before = await head();
    const none = await joinOver('al', 'explorer');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'admission_required', issues: [{ field: 'X-Cairn-Join-Secret' }] });
    const wrong = await joinOver('al', 'explorer', withSecret('not the secret at all'));
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('wrong_join_secret');
    expect(await head()).toBe(before);
  });

  it('is admitted with it, and issued a token', async () => {
    const ok = await joinOver('al', 'explorer', withSecret(SECRET));
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('the CLI sends CAIRN_JOIN_SECRET, and without it says which variable to set (exit 2)', async () => {
    const refused = await server.remote(['join', '--role', 'explorer', '--as', 'ed', '--json']);
    expectExit(refused, 2);
    expect(refused.json().error.issues[0].field).toBe('CAIRN_JOIN_SECRET');
    expectExit(await server.remote(['join', '--role', 'explorer', '--as', 'ed'], { env: { CAIRN_JOIN_SECRET: SECRET } }), 0);
  });
});

describe('no takeover', () => {
  it('an instance that joined on the store cannot be claimed over HTTP, even with the secret', async () => {
    const before = await head();
    const taken = await joinOver('bo', 'builder', withSecret(SECRET));
    expect(taken.status).toBe(403);
    expect(taken.body.error.code).toBe('instance_exists');
    expect(taken.body.error.message).toContain('cairn token --as bo');
    expect(taken.body.token).toBeUndefined();
    expect(await head()).toBe(before);
  });

  it('nor can one that joined over HTTP, without its token; `cairn token --as` on the store is the way back in', async () => {
    const again = await joinOver('al', 'explorer', withSecret(SECRET));
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('token_required');
    const issued = await server.local(['token', '--as', 'bo', '--json']);
    expectExit(issued, 0);
    const token = issued.json<{ token: string }>().token;
    const propose = await server.fetch('/api/ops/propose', json({ title: 'Written as bo, with the token issued on the store' }, token));
    expect(propose.status).toBe(200);
  });
});

describe('roles that carry authority', () => {
  it('coordinator is refused with the secret alone, for a new instance and as a holder\'s new role, on every path', async () => {
    const before = await head();
    const first = await joinOver('dee', 'coordinator', withSecret(SECRET));
    expect(first.status).toBe(403);
    expect(first.body.error).toMatchObject({ code: 'role_restricted', issues: [{ field: 'role' }] });
    const alToken = (await joinOver('fay', 'explorer', withSecret(SECRET))).body.token as string;
    const afterFay = await head();
    const rejoin = await joinOver('fay', 'coordinator', {}, alToken);
    expect(rejoin.status).toBe(403);
    const viaOps = await server.fetch('/api/ops/join', json({ role: 'coordinator' }, alToken));
    expect(viaOps.status).toBe(403);
    expect(((await viaOps.json()) as any).error.code).toBe('role_restricted');
    expect(await head()).toBe(afterFay);
    expect(afterFay).toBeGreaterThan(before);
  });

  it('over MCP too: a session\'s join tool cannot take a restricted role', async () => {
    const token = (await joinOver('pia', 'explorer', withSecret(SECRET))).body.token as string;
    const before = await head();
    const client = await connect(server, token);
    try {
      const result = await call(client, 'join', { role: 'coordinator' });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/^role_restricted: the role coordinator carries authority/);
      expect(ok(await call(client, 'join', { role: 'reflector' }))).toMatchObject({ role: 'reflector', changed: true });
    } finally {
      await client.close();
    }
    expect(await head()).toBe(before + 1n);
  });

  it('an invitation for the role admits one join, recorded in the log; a second use is refused', async () => {
    const code = await invite('coordinator');
    const joined = await server.remote(['join', '--role', 'coordinator', '--as', 'dee', '--json'], { env: { CAIRN_JOIN_SECRET: code } });
    expectExit(joined, 0);
    expect(joined.json()).toMatchObject({ instanceId: 'dee', role: 'coordinator' });
    const again = await joinOver('gus', 'coordinator', withSecret(code));
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('invitation_spent');
    const log = (await server.local(['log', '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line));
    const issued = log.find((e) => e.type === 'InvitationIssued');
    expect(issued.data).toMatchObject({ role: 'coordinator', codeSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(log)).not.toContain(code.split('.')[1]);
    expect(log.filter((e) => e.type === 'InvitationAccepted').map((e) => e.data.instanceId)).toEqual(['dee']);
  });

  it('an invitation is for its role and, when it names one, its instance; a holder may spend one to take the role', async () => {
    const forHal = await invite('coordinator', ['--for', 'hal']);
    expect((await joinOver('ivy', 'coordinator', withSecret(forHal))).body.error.code).toBe('invitation_instance');
    expect((await joinOver('hal', 'explorer', withSecret(forHal))).body.error.code).toBe('invitation_role');
    expect((await joinOver('hal', 'coordinator', withSecret(forHal))).status).toBe(200);
    const promote = await invite('coordinator');
    const fay = await server.local(['token', '--as', 'fay', '--json']);
    const rejoin = await joinOver('fay', 'coordinator', withSecret(promote), fay.json<{ token: string }>().token);
    expect(rejoin.status).toBe(200);
    expect(rejoin.body).toMatchObject({ role: 'coordinator', changed: true });
  });

  it('a made-up or tampered code is refused as invalid, and an invitation takes no --role it cannot name', async () => {
    const code = await invite('builder');
    const tampered = `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`;
    expect((await joinOver('jo', 'builder', withSecret(tampered))).body.error.code).toBe('invalid_invitation');
    expect((await joinOver('jo', 'builder', withSecret('inv-0000000000000000.' + 'x'.repeat(43)))).body.error.code).toBe('invalid_invitation');
    const bad = await server.local(['invite', '--role', 'Boss!', '--as', 'cy', '--json']);
    expectExit(bad, 2);
    expect(bad.json().error.issues[0].field).toBe('role');
    const tooLong = await server.local(['invite', '--role', 'builder', '--expires', '30d', '--as', 'cy', '--json']);
    expectExit(tooLong, 2);
    expect(tooLong.json().error.issues[0].field).toBe('expires');
  });

  it('two joins racing with one code: exactly one is admitted', async () => {
    const code = await invite('coordinator');
    const results = await Promise.all(['lu', 'mo', 'ned', 'oz'].map((id) => joinOver(id, 'coordinator', withSecret(code))));
    expect(results.map((r) => r.status).sort()).toEqual([200, 403, 403, 403]);
    expect(results.filter((r) => r.status === 403).map((r) => r.body.error.code)).toEqual(['invitation_spent', 'invitation_spent', 'invitation_spent']);
  });

  it('an expired invitation is refused', async () => {
    const code = await invite('builder', ['--expires', '1ms']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await joinOver('kai', 'builder', withSecret(code))).body.error.code).toBe('invitation_expired');
  });
});
