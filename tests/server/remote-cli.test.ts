import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExit, spawnCairn, tempDir, workspace, type CairnResult } from '../cli/run.js';
import { testServer, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await testServer();
});
afterAll(() => server.stop());

/** [as, args, exit code]: one session, exactly as agents would type it. */
const SESSION: [string | undefined, string[], number][] = [
  ['ada', ['join', '--role', 'explorer'], 0],
  ['bo', ['join', '--role', 'builder'], 0],
  ['ada', ['propose', 'Map the retry paths', '--id', 't-1', '--tag', 'uploads'], 0],
  ['ada', ['claim', 't-1', '--lease', '30m'], 0],
  ['bo', ['claim', 't-1', '--json'], 1],
  ['bo', ['claim', 'no such task!', '--json'], 2],
  ['bo', ['claim', 't-nope', '--json'], 1],
  ['bo', ['release', 't-1', '--json'], 1],
  ['ada', ['renew', 't-1', '--lease', 'forever', '--json'], 2],
  [undefined, ['wait', '--task', 't-1', '--state', 'completed', '--timeout', '300ms', '--json'], 124],
  ['ada', ['find', 'Retries ignore the Retry-After header', '--topic', 'uploads', '--id', 'f-1'], 0],
  ['bo', ['say', 'look at f-1', '--to', 'ada'], 0],
  ['ada', ['inbox', '--mark-read', '--json'], 0],
  ['ada', ['done', 't-1', '--outcome', 'mapped', '--json'], 0],
  [undefined, ['wait', '--task', 't-1', '--state', 'completed', '--json'], 0],
  [undefined, ['status', '--json'], 0],
  [undefined, ['tasks', '--all'], 0],
  [undefined, ['replay', 'tasks', '--at', '3', '--json'], 0],
  [undefined, ['log', '--json', '--limit', '3'], 0],
  ['ada', ['sync', '--json'], 0],
];

const argv = (as: string | undefined, args: string[]) => (as ? [...args, '--as', as] : args);

/** What to compare between a local and a remote run: the exit code, and the error code or the answer's fields. */
function outcome(result: CairnResult, args: string[]) {
  if (!args.includes('--json') || args[0] === 'log') return { code: result.code };
  const body = result.json<Record<string, any>>();
  return { code: result.code, error: body.ok === false ? body.error.code : undefined, keys: Object.keys(body).filter((k) => k !== 'token').sort() };
}

describe('the CLI against CAIRN_URL', () => {
  it('exits with the same codes, and answers with the same error codes and fields, as on a local log', async () => {
    const ws = await workspace();
    for (const [as, args, expected] of SESSION) {
      const [local, remote] = await Promise.all([ws.run(argv(as, args)), server.remote(argv(as, args))]);
      expectExit(local, expected);
      expectExit(remote, expected);
      expect(outcome(remote, args), `cairn ${args.join(' ')}`).toEqual(outcome(local, args));
    }
  });

  it('an unreachable server is exit 3, like a missing store', async () => {
    const remote = await server.remote(['status', '--json'], { env: { CAIRN_URL: 'http://127.0.0.1:9' } });
    expectExit(remote, 3);
    expect(remote.json().error.code).toBe('store_unavailable');
    const local = await server.local(['status'], { env: { CAIRN_STORE: undefined }, cwd: tempDir() });
    expectExit(local, 3);
  });

  it('join prints the token it is issued (and --json includes it); later commands need only --as', async () => {
    const home = join(tempDir(), 'config');
    const joined = await server.remote(['join', '--role', 'reflector', '--as', 'cy'], { home });
    expectExit(joined, 0);
    const token = /token: ([A-Za-z0-9_-]{43})/.exec(joined.stdout)![1]!;
    expect((await server.remote(['ask', 'Why do uploads stall?', '--as', 'cy'], { home })).code).toBe(0);

    // Another machine: nothing saved, only the URL and the token.
    const elsewhere = join(tempDir(), 'config');
    expectExit(await server.remote(['ask', 'Without a token?', '--as', 'cy', '--json'], { home: elsewhere }), 2);
    const withToken = await server.remote(['find', 'Found elsewhere', '--json'], { home: elsewhere, env: { CAIRN_TOKEN: token } });
    expectExit(withToken, 0);
    expect(withToken.json().events[0].metadata.instanceId).toBe('cy');

    const json = await server.remote(['join', '--role', 'explorer', '--as', 'dee', '--json'], { home });
    expectExit(json, 0);
    expect(json.json()).toMatchObject({ instanceId: 'dee', role: 'explorer', token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('a token cannot act as another instance, and `cairn token` on the store replaces a lost one', async () => {
    const home = join(tempDir(), 'config');
    const joined = await server.remote(['join', '--role', 'builder', '--as', 'eve', '--json'], { home });
    const oldToken = joined.json().token as string;
    const asOther = await server.remote(['propose', 'Sneaky', '--as', 'ada', '--json'], { home: join(tempDir(), 'c'), env: { CAIRN_TOKEN: oldToken } });
    expectExit(asOther, 1);
    expect(asOther.json().error.code).toBe('wrong_instance');

    const issued = await server.local(['token', '--as', 'eve', '--json']);
    expectExit(issued, 0);
    const newToken = issued.json().token as string;
    expect(newToken).not.toBe(oldToken);
    const stale = await server.remote(['propose', 'With the old token', '--json'], { home: join(tempDir(), 'c'), env: { CAIRN_TOKEN: oldToken } });
    expectExit(stale, 1);
    expect(stale.json().error.code).toBe('invalid_token');
    expectExit(await server.remote(['propose', 'With the new token'], { home: join(tempDir(), 'c'), env: { CAIRN_TOKEN: newToken } }), 0);
  });

  it('export and log read the server\'s log; log --follow streams what is appended', async () => {
    const remote = await server.remote(['export']);
    const local = await server.local(['export']);
    expectExit(remote, 0);
    // The remote export was recorded as an anonymous read: the log grew by that record, and only by it.
    expect(local.stdout.startsWith(remote.stdout)).toBe(true);
    const added = local.stdout.slice(remote.stdout.length).trim().split('\n').map((line) => JSON.parse(line));
    expect(added.map((e) => [e.type, e.data.instanceId, e.data.via, e.data.everything])).toEqual([['ContentShown', undefined, 'export', false]]);
    expect((await server.remote(['log', '--json', '--type', 'TaskProposed'])).lines().map((e) => e.data.title)).toEqual(
      (await server.local(['log', '--json', '--type', 'TaskProposed'])).lines().map((e) => e.data.title),
    );

    const follow = spawnCairn(['log', '--follow', '--json', '--type', 'FindingRecorded', '--since', '999999'], {
      cwd: tempDir(),
      env: { CAIRN_URL: server.url, XDG_CONFIG_HOME: join(tempDir(), 'c') },
    });
    let out = '';
    follow.child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expectExit(await server.local(['find', 'Appended while following', '--as', 'ada']), 0);
    const deadline = Date.now() + 10_000;
    while (!out.includes('Appended while following') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    follow.child.kill('SIGTERM');
    await follow.done;
    expect(out.trim().split('\n').map((line) => JSON.parse(line).data.summary)).toEqual(['Appended while following']);
  });

  it('import is refused remotely: it would write as other instances', async () => {
    const line = (await server.local(['export'])).stdout.split('\n')[0]!;
    const result = await server.remote(['import', '-', '--json'], { input: `${line}\n` });
    expectExit(result, 1);
    expect(result.json().error).toMatchObject({ code: 'remote_unsupported', message: expect.stringContaining('without CAIRN_URL') });
  });
});
