import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSecurity } from '../../src/cli/serve-policy.js';
import { ValidationError } from '../../src/errors.js';
import { sha256 } from '../../src/server/policy.js';
import { cairn, expectExit, tempDir, workspace, type Workspace } from '../cli/run.js';
import { selfSignedCert, serveProcess, type ServeProcess } from './serve-process.js';

const refusal = (run: () => unknown): { field: string; reason: string } => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues[0]!;
  }
  throw new Error('expected a refusal');
};

describe('what serving on an address lets in', () => {
  it('on loopback with no flags, nothing changes: joins are open, reads need no token, no limit', () => {
    const { policy, exposed, generatedSecret } = serveSecurity('127.0.0.1', {}, {});
    expect({ exposed, generatedSecret, readAuth: policy.readAuth, secret: policy.joinSecretSha256, rate: policy.ratePerMinute }).toEqual({
      exposed: false,
      generatedSecret: undefined,
      readAuth: false,
      secret: undefined,
      rate: undefined,
    });
  });

  it('reachable from elsewhere: a secret (generated when none is given), coordinator restricted, reads need a token, a rate limit', () => {
    const { policy, exposed, generatedSecret } = serveSecurity('0.0.0.0', { insecure: true }, {});
    expect(exposed).toBe(true);
    expect(generatedSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(policy.joinSecretSha256).toEqual(sha256(generatedSecret!));
    expect([...policy.restrictedRoles]).toEqual(['coordinator']);
    expect(policy.readAuth).toBe(true);
    expect(policy.ratePerMinute).toBe(1200);
    const given = serveSecurity('0.0.0.0', { insecure: true, restrictRoles: 'coordinator,reviewer', readAuth: false, rateLimit: '0' }, { CAIRN_JOIN_SECRET: 'a secret of some length' });
    expect(given.generatedSecret).toBeUndefined();
    expect(given.policy.joinSecretSha256).toEqual(sha256('a secret of some length'));
    expect([...given.policy.restrictedRoles]).toEqual(['coordinator', 'reviewer']);
    expect(given.policy.readAuth).toBe(false);
    expect(given.policy.ratePerMinute).toBeUndefined();
  });

  it('a proxy declared with --public-url makes even a loopback bind exposed, and names the host the guard accepts', () => {
    const { policy, exposed } = serveSecurity('127.0.0.1', { publicUrl: 'https://Cairn.Example.com/' }, {});
    expect(exposed).toBe(true);
    expect(policy.proxy).toEqual({ host: 'cairn.example.com' });
    expect(policy.readAuth).toBe(true);
  });

  it('refuses plain HTTP off loopback, a plain-HTTP proxy, half a TLS pair, a short secret, and bad numbers, naming each', () => {
    expect(refusal(() => serveSecurity('0.0.0.0', {}, {}))).toMatchObject({ field: '--host', reason: expect.stringContaining('--tls-cert') });
    expect(refusal(() => serveSecurity('127.0.0.1', { publicUrl: 'http://cairn.example.com' }, {})).field).toBe('--public-url');
    expect(refusal(() => serveSecurity('127.0.0.1', { publicUrl: 'not a url' }, {})).field).toBe('--public-url');
    expect(refusal(() => serveSecurity('0.0.0.0', { tlsCert: 'c.pem' }, {})).field).toBe('--tls-key');
    expect(refusal(() => serveSecurity('0.0.0.0', { tlsCert: '/nonexistent/c.pem', tlsKey: '/nonexistent/k.pem' }, {}))).toMatchObject({ field: '--tls-cert', reason: expect.stringContaining('ENOENT') });
    expect(refusal(() => serveSecurity('0.0.0.0', { insecure: true }, { CAIRN_JOIN_SECRET: 'short' })).field).toBe('CAIRN_JOIN_SECRET');
    expect(refusal(() => serveSecurity('0.0.0.0', { insecure: true, rateLimit: 'lots' }, {})).field).toBe('--rate-limit');
    expect(refusal(() => serveSecurity('0.0.0.0', { insecure: true, maxConnections: '0' }, {})).field).toBe('--max-connections');
    expect(refusal(() => serveSecurity('0.0.0.0', { insecure: true, restrictRoles: 'Boss!' }, {})).field).toBe('--restrict-roles');
    expect(refusal(() => serveSecurity('127.0.0.1', { restrictRoles: 'coordinator' }, {})).field).toBe('--restrict-roles');
  });

  it('reads the secret from --join-secret-file, trimmed', () => {
    const file = join(tempDir(), 'secret');
    writeFileSync(file, 'from a file, long enough\n');
    expect(serveSecurity('0.0.0.0', { insecure: true, joinSecretFile: file }, { CAIRN_JOIN_SECRET: 'the environment loses to the file' }).policy.joinSecretSha256).toEqual(sha256('from a file, long enough'));
  });
});

describe('cairn serve over TLS, with a generated join secret', () => {
  let ws: Workspace;
  let served: ServeProcess;
  let tls: { cert: string; key: string };
  beforeAll(async () => {
    ws = await workspace();
    expectExit(await ws.as('cy', ['join', '--role', 'coordinator']), 0);
    tls = selfSignedCert(ws.dir, ['127.0.0.1']);
    served = await serveProcess(['--port', '0', '--tls-cert', tls.cert, '--tls-key', tls.key, '--public-url', 'https://cairn.example.test'], { cwd: ws.dir });
  });
  afterAll(async () => {
    served.child.kill('SIGTERM');
    await served.done;
  });

  /** The CLI elsewhere, trusting the test's certificate. */
  const remote = (args: string[], env: Record<string, string | undefined> = {}) =>
    cairn(args, { cwd: tempDir(), env: { CAIRN_URL: served.url, CAIRN_STORE: undefined, NODE_EXTRA_CA_CERTS: tls.cert, XDG_CONFIG_HOME: join(ws.dir, 'remote-config'), ...env } });

  it('prints an https URL and the generated secret once, and a plain-HTTP client gets no answer', async () => {
    expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(served.joinSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const plain = await remote(['status', '--json'], { CAIRN_URL: served.url.replace('https:', 'http:') });
    expectExit(plain, 3);
  });

  it('an agent that trusts the certificate and has the secret joins, reads and writes; one that does not trust it cannot connect', async () => {
    expectExit(await remote(['join', '--role', 'builder', '--as', 'bo'], { CAIRN_JOIN_SECRET: served.joinSecret }), 0);
    expectExit(await remote(['propose', 'Over TLS', '--as', 'bo']), 0);
    const tasks = await remote(['tasks', '--as', 'bo', '--json']);
    expectExit(tasks, 0);
    expect(JSON.stringify(tasks.json())).toContain('Over TLS');
    const untrusting = await remote(['tasks', '--as', 'bo', '--json'], { NODE_EXTRA_CA_CERTS: undefined });
    expectExit(untrusting, 3);
    expect(untrusting.json().error.message).toMatch(/cannot reach/);
  });

  it('answers the proxy\'s public name, and still refuses other names', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${served.url}/api/head`, { headers: { Host: host }, ca: readFileSync(tls.cert), checkServerIdentity: () => undefined }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('cairn.example.test')).toBe(401); // admitted by the guard; reads need a token
    expect(await status('evil.example.com')).toBe(403);
  });
});
