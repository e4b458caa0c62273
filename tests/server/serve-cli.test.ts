import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundWait } from '../../src/app/bounded-wait.js';
import { cairn, spawnCairn, tempDir } from '../cli/run.js';
import { firstLine } from './serve-process.js';

describe('cairn serve', () => {
  it('--demo on a fresh directory seeds .cairn/ and serves the dashboard; SIGTERM stops it cleanly', async () => {
    const dir = tempDir('cairn-start-');
    const served = spawnCairn(['serve', '--demo', '--port', '0', '--json'], { cwd: dir });
    const { url, seeded } = JSON.parse(await firstLine(served.child)) as { url: string; seeded: number };
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(seeded).toBeGreaterThan(10);
      expect(existsSync(join(dir, '.cairn', 'log.db'))).toBe(true);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/assets/main.js"></script>');
      const views = (await (await fetch(`${url}/api/views`)).json()) as { views: { tasks: { tasks: { status: string; stale: boolean }[] } } };
      const statuses = views.views.tasks.tasks.map((t) => (t.stale ? 'stale' : t.status));
      expect(statuses).toEqual(expect.arrayContaining(['claimed', 'completed', 'stale']));
    } finally {
      served.child.kill('SIGTERM');
    }
    const done = await served.done;
    expect(done.code, done.stderr).toBe(0);
  });

  it('--demo --store PATH creates and seeds the log at PATH, even in a directory that does not exist yet', async () => {
    const path = join(tempDir('cairn-start-'), 'nested', 'team.db');
    const served = spawnCairn(['serve', '--demo', '--store', path, '--port', '0', '--json'], { cwd: tempDir() });
    try {
      const { seeded, store } = JSON.parse(await firstLine(served.child)) as { seeded: number; store: string };
      expect(store).toBe(path);
      expect(seeded).toBeGreaterThan(10);
      expect(existsSync(path)).toBe(true);
    } finally {
      served.child.kill('SIGTERM');
    }
    expect((await served.done).code).toBe(0);
    const tasks = await cairn(['tasks', '--json', '--store', path]);
    expect(tasks.code, tasks.stderr).toBe(0);
  });

  it('refuses a bad port, and with no log and no --demo says how to make one', async () => {
    expect((await cairn(['serve', '--port', 'http'], { cwd: tempDir() })).code).toBe(2);
    const none = await cairn(['serve', '--port', '0'], { cwd: tempDir() });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('cairn init');
  });

  it('lists serve, mcp and token in --help', async () => {
    const help = await cairn(['--help']);
    for (const command of ['serve', 'mcp', 'token']) expect(help.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'));
  });
});

describe('a wait held by a connection is bounded', () => {
  it('shortens a longer timeout to the cap and leaves the rest alone', () => {
    expect(boundWait({ task: 't-1', state: 'open', timeout: '10m' }, 120_000)).toEqual({ task: 't-1', state: 'open', timeout: 120_000 });
    expect(boundWait({ message: true, timeout: 90_000 }, 120_000)).toEqual({ message: true, timeout: 90_000 });
    expect(boundWait({ message: true }, 120_000)).toEqual({ message: true });
    expect(boundWait({ message: true, timeout: 'soon' }, 120_000)).toEqual({ message: true, timeout: 'soon' });
  });
});
