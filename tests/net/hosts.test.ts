import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, expectExit, spawnCairn, tempDir, workspace, type RunOptions, type Workspace } from '../cli/run.js';
import { selfSignedCert, serveProcess, type ServeProcess } from '../server/serve-process.js';
import { makeHosts, unavailable, type Hosts } from './netns.js';

const why = unavailable();
if (why) console.log(`cross-host tests skipped: ${why} (they run as root with iproute2, as .ci/run does)`);

const SECRET = 'a join secret for the hosts test';
const PORT = '4747';

describe.skipIf(why !== undefined)('agents on three network hosts, one server', () => {
  let hosts: Hosts;
  let ws: Workspace;
  let served: ServeProcess;
  let cert: string;

  beforeAll(async () => {
    hosts = makeHosts(2);
    ws = await workspace();
    expectExit(await ws.as('bo', ['join', '--role', 'builder']), 0); // on the store itself: no token anywhere
    const tls = selfSignedCert(ws.dir, hosts.serverAddresses);
    cert = tls.cert;
    served = await serveProcess(['--host', '0.0.0.0', '--port', PORT, '--tls-cert', tls.cert, '--tls-key', tls.key], {
      cwd: ws.dir,
      under: ['ip', 'netns', 'exec', hosts.server],
      env: { CAIRN_JOIN_SECRET: SECRET },
    });
  });

  afterAll(async () => {
    served?.child.kill('SIGTERM');
    await served?.done;
    hosts?.remove();
  });

  /** The CLI on agent host `n` (1 or 2), with its own home for saved tokens. */
  const on = (n: 1 | 2, args: string[], env: RunOptions['env'] = {}) => {
    const host = hosts.agents[n - 1]!;
    return cairn(args, {
      cwd: tempDir(),
      under: ['ip', 'netns', 'exec', host.ns],
      env: { CAIRN_URL: `https://${host.serverAddress}:${PORT}`, NODE_EXTRA_CA_CERTS: cert, XDG_CONFIG_HOME: join(ws.dir, `home-${n}`), ...env },
    });
  };

  it('each host reaches the server at its own address; the hosts do not reach each other, and nothing leaves the namespaces', () => {
    const reach = (ns: string, address: string) => {
      const command = ['-e', `require('net').connect({host:'${address}',port:${PORT},timeout:1500}).on('connect',()=>process.exit(0)).on('error',()=>process.exit(1)).on('timeout',()=>process.exit(2))`];
      try {
        execFileSync('ip', ['netns', 'exec', ns, process.execPath, ...command], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    const [h1, h2] = hosts.agents;
    expect(reach(h1!.ns, h1!.serverAddress)).toBe(true);
    expect(reach(h2!.ns, h2!.serverAddress)).toBe(true);
    expect(reach(h1!.ns, h2!.serverAddress)).toBe(false);
    // No namespace has a default route or a link into this machine's own namespace, so no packet can leave them.
    // (A connect from this machine is no test: its default gateway may accept any connection.)
    for (const ns of [hosts.server, h1!.ns, h2!.ns]) {
      const routes = execFileSync('ip', ['-n', ns, 'route', 'show'], { encoding: 'utf8' });
      expect(routes, ns).not.toMatch(/^default/m);
      for (const route of routes.trim().split('\n')) expect(route, ns).toMatch(/^10\.\d+\.\d+\.0\/24 dev c[sa]\d/);
    }
    const here = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    expect(here).not.toMatch(new RegExp(`c[sa]\\d-${process.pid % 10_000}\\b`));
  });

  it('a join is refused without the secret and with a wrong one, and accepted with it', async () => {
    const none = await on(1, ['join', '--role', 'explorer', '--as', 'ada', '--json']);
    expectExit(none, 2);
    expect(none.json().error.issues[0].field).toBe('CAIRN_JOIN_SECRET');
    expectExit(await on(1, ['join', '--role', 'explorer', '--as', 'ada'], { CAIRN_JOIN_SECRET: 'not the secret of this server' }), 2);
    expectExit(await on(1, ['join', '--role', 'explorer', '--as', 'ada'], { CAIRN_JOIN_SECRET: SECRET }), 0);
    expectExit(await on(2, ['join', '--role', 'builder', '--as', 'cy'], { CAIRN_JOIN_SECRET: SECRET }), 0);
  });

  it('no takeover: bo, who joined on the store, cannot be claimed from a host, and ada cannot be claimed from the other', async () => {
    const bo = await on(2, ['join', '--role', 'builder', '--as', 'bo', '--json'], { CAIRN_JOIN_SECRET: SECRET });
    expectExit(bo, 1);
    expect(bo.json().error.code).toBe('instance_exists');
    const ada = await on(2, ['join', '--role', 'explorer', '--as', 'ada', '--json'], { CAIRN_JOIN_SECRET: SECRET });
    expectExit(ada, 2);
    expect(ada.json().error.issues[0].field).toBe('CAIRN_TOKEN');
  });

  it('reads are refused without a token, and served with one', async () => {
    expectExit(await on(1, ['propose', 'Map the retry paths', '--as', 'ada']), 0);
    const anonymous = await on(2, ['tasks', '--json']);
    expectExit(anonymous, 2);
    expect(anonymous.json().error.issues[0].field).toBe('CAIRN_TOKEN');
    const cy = await on(2, ['tasks', '--as', 'cy', '--json']);
    expectExit(cy, 0);
    expect(JSON.stringify(cy.json())).toContain('Map the retry paths');
  });

  it('a claim race across hosts has exactly one winner, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const task = `t-race-${round}`;
      expectExit(await on(1, ['propose', `Race ${round}`, '--id', task, '--as', 'ada']), 0);
      const [a, c] = await Promise.all([on(1, ['claim', task, '--as', 'ada', '--json']), on(2, ['claim', task, '--as', 'cy', '--json'])]);
      expect([a.code, c.code].sort()).toEqual([0, 1]);
      const loser = a.code === 1 ? a : c;
      expect(loser.json().error.code).toBe('already_claimed');
      const winner = a.code === 0 ? 'ada' : 'cy';
      const shown = await ws.run(['tasks', '--json']);
      expect(shown.json<{ tasks: { taskId: string; owner?: string }[] }>().tasks.find((t) => t.taskId === task)?.owner).toBe(winner);
    }
  });

  it('a wait on one host is woken by a message from the other', async () => {
    const waiting = spawnCairn(['wait', '--message', '--timeout', '60s', '--as', 'cy', '--json'], {
      cwd: tempDir(),
      under: ['ip', 'netns', 'exec', hosts.agents[1]!.ns],
      env: { CAIRN_URL: `https://${hosts.agents[1]!.serverAddress}:${PORT}`, NODE_EXTRA_CA_CERTS: cert, XDG_CONFIG_HOME: join(ws.dir, 'home-2') },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // let the wait reach the server
    expect(waiting.child.exitCode, waiting.stdout()).toBeNull(); // still waiting: nothing to wake it yet
    const sentAt = performance.now();
    expectExit(await on(1, ['say', 'cy, the retry loop is yours', '--to', 'cy', '--as', 'ada']), 0);
    const woken = await waiting.done;
    expectExit(woken, 0);
    expect(JSON.stringify(woken.json())).toContain('the retry loop is yours');
    expect(woken.exitedAt - sentAt).toBeLessThan(30_000);
  });
});
