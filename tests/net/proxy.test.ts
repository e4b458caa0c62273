import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, expectExit, spawnCairn, tempDir, workspace, type Workspace } from '../cli/run.js';
import { serveProcess, type ServeProcess } from '../server/serve-process.js';

const nginxMissing = (() => {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'no nginx on PATH (apt-get install nginx-light; .ci/run does)';
  }
})();
if (nginxMissing) console.log(`reverse-proxy tests skipped: ${nginxMissing}`);

const PUBLIC = 'cairn.example.test';
const SECRET = 'a join secret for the proxy test';

/** The nginx server block exactly as docs/deploy.md gives it, pointed at this test's ports and certificate. */
function documentedServerBlock(port: number, cairnPort: number, cert: string, key: string): string {
  const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)![1]!;
  return block
    .replace('listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`)
    .replace(/ssl_certificate \s*\S+;/, `ssl_certificate ${cert};`)
    .replace(/ssl_certificate_key \S+;/, `ssl_certificate_key ${key};`)
    .replace('proxy_pass http://127.0.0.1:4747;', `proxy_pass http://127.0.0.1:${cairnPort};`);
}

/** A free port, picked by the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe.skipIf(nginxMissing !== undefined)('behind nginx, configured as docs/deploy.md says', () => {
  let ws: Workspace;
  let served: ServeProcess;
  let nginx: ChildProcess;
  let url: string;
  let cert: string;

  beforeAll(async () => {
    ws = await workspace();
    cert = join(ws.dir, 'cert.pem');
    const key = join(ws.dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${PUBLIC}`, '-addext', `subjectAltName=DNS:${PUBLIC},IP:127.0.0.1`], { stdio: 'ignore' });
    served = await serveProcess(['--port', '0', '--public-url', `https://${PUBLIC}`, '--rate-limit', '8'], { cwd: ws.dir, env: { CAIRN_JOIN_SECRET: SECRET } });
    const port = await freePort();
    const dir = tempDir('cairn-nginx-');
    const conf = join(dir, 'nginx.conf');
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, kind)};`).join('\n  ');
    writeFileSync(conf, `daemon off;\nuser root;\npid ${join(dir, 'nginx.pid')};\nerror_log stderr warn;\nevents {}\nhttp {\n  access_log off;\n  ${temp}\n${documentedServerBlock(port, Number(new URL(served.url).port), cert, key)}}\n`);
    nginx = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
    url = `https://127.0.0.1:${port}`;
    // Up once cairn answers through nginx: a read without a token is refused (exit 2), not unreachable (3).
    for (let tries = 0; (await cairn(['status', '--json'], { env: { CAIRN_URL: url, NODE_EXTRA_CA_CERTS: cert } })).code !== 2; tries++) {
      if (tries === 40) throw new Error('nginx did not come up in front of cairn');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    served?.child.kill('SIGTERM');
    await served?.done;
  });

  const remote = (args: string[], env: Record<string, string> = {}) =>
    cairn(args, { cwd: tempDir(), env: { CAIRN_URL: url, NODE_EXTRA_CA_CERTS: cert, XDG_CONFIG_HOME: join(ws.dir, 'home'), ...env } });

  it('a join with the secret, a write and a read pass through', async () => {
    expectExit(await remote(['join', '--role', 'builder', '--as', 'bo'], { CAIRN_JOIN_SECRET: SECRET }), 0);
    expectExit(await remote(['propose', 'Through the proxy', '--as', 'bo']), 0);
    const tasks = await remote(['tasks', '--as', 'bo', '--json']);
    expect(JSON.stringify(tasks.json())).toContain('Through the proxy');
  });

  it('the event stream is not buffered: an event appended after the stream opened arrives at once', async () => {
    const following = spawnCairn(['log', '--follow', '--json', '--as', 'bo'], { cwd: tempDir(), env: { CAIRN_URL: url, NODE_EXTRA_CA_CERTS: cert, XDG_CONFIG_HOME: join(ws.dir, 'home') } });
    try {
      await expect.poll(() => following.stdout().includes('Through the proxy'), { timeout: 10_000 }).toBe(true);
      expectExit(await ws.as('bo', ['say', 'appended on the store while a client follows through nginx', '--to', 'all']), 0);
      await expect.poll(() => following.stdout().includes('appended on the store while a client follows'), { timeout: 5_000 }).toBe(true);
    } finally {
      following.child.kill('SIGTERM');
    }
  });

  it('the public host name is answered; rate limits count the client nginx names, whatever X-Forwarded-For it sends', async () => {
    const status = (spoof: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}/api/head`, { ca: readFileSync(cert), servername: PUBLIC, headers: { Host: PUBLIC, 'X-Forwarded-For': spoof } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await status(`203.0.113.${i}`));
    expect(statuses[0]).toBe(401); // through the host guard; reads need a token
    expect(statuses.slice(-2)).toEqual([429, 429]);
  });
});
