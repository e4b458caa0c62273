import { describe, expect, it } from 'vitest';
import { cairn, expectExit, tempDir, workspace, type RunOptions } from '../cli/run.js';
import { freshLog, postgresServer } from '../support/postgres.js';
import { json } from './server.js';
import { serveProcess } from './serve-process.js';

const WRITERS = 4;
const postgres = await postgresServer('a server on PostgreSQL killed mid-request');

/** The log the server runs on: the embedded file, or a PostgreSQL schema (then CAIRN_STORE says so). */
async function logFor(kind: 'sqlite' | 'postgres'): Promise<RunOptions> {
  const ws = await workspace();
  if (kind === 'sqlite' || !('url' in postgres)) return { cwd: ws.dir };
  const url = freshLog(postgres, 'kill');
  const env = { CAIRN_STORE: url, XDG_CACHE_HOME: tempDir('cairn-kill-cache-') };
  expectExit(await ws.run(['init'], { env }), 0);
  return { cwd: ws.dir, env };
}

describe.each([
  { kind: 'sqlite' as const, skip: false },
  { kind: 'postgres' as const, skip: !('url' in postgres) },
])('a server on $kind killed mid-request', ({ kind, skip }) => {
  it.skipIf(skip)('loses nothing it acknowledged: every write answered 200 is in the log after SIGKILL, and the log reopens whole', async () => {
    const on = await logFor(kind);
    const run = (args: string[]) => cairn(args, on);
    const served = await serveProcess(['--port', '0'], on);
    const tokens: string[] = [];
    for (let i = 0; i < WRITERS; i++) {
      const response = await fetch(`${served.url}/api/join`, json({ instanceId: `w${i}`, role: 'builder' }));
      tokens.push(((await response.json()) as { token: string }).token);
    }
    const acknowledged: string[] = [];
    let sent = 0;
    let killed = false;
    const writer = async (token: string, n: number) => {
      for (let i = 0; !killed; i++) {
        const taskId = `t-${n}-${i}`;
        sent++;
        try {
          const response = await fetch(`${served.url}/api/ops/propose`, json({ title: `Task ${taskId}`, id: taskId }, token));
          if (response.status === 200 && ((await response.json()) as { taskId?: string }).taskId === taskId) acknowledged.push(taskId);
        } catch {
          return; // the server is gone: this request was never acknowledged
        }
        if (acknowledged.length >= 150 && !killed) {
          killed = true;
          served.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(tokens.map(writer));
    const exit = await served.done;
    expect(exit.code).toBeNull(); // killed by the signal, not exited

    const tasks = await run(['tasks', '--all', '--json']);
    expectExit(tasks, 0);
    const stored = new Set(tasks.json<{ tasks: { taskId: string }[] }>().tasks.map((t) => t.taskId));
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBeLessThanOrEqual(sent);
    expectExit(await run(['log', '--json', '--limit', '100000']), 0);

    const again = await serveProcess(['--port', '0'], on);
    try {
      const response = await fetch(`${again.url}/api/ops/propose`, json({ title: 'After the restart' }, tokens[0]));
      expect(response.status).toBe(200);
    } finally {
      again.child.kill('SIGTERM');
      await again.done;
    }
  });
});
