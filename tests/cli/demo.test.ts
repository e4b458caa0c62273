import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, expectExit, tempDir } from './run.js';

describe('cairn demo', () => {
  it('plays a four-role session and prints the status board', async () => {
    const dir = tempDir();
    const demo = await cairn(['demo', '--dir', dir]);
    expectExit(demo, 0);
    expect(demo.stdout).toContain('$ cairn init');
    expect(demo.stdout).toMatch(/\$ cairn claim t-\S+ --as eve\n {2}\(exit 1\) cairn: claimed by bo until \S+Z/);
    expect(demo.stdout).toMatch(/\$ cairn status --as cy\n {2}status at \S+ \(log position \d+\)/);
    expect(demo.stdout).toMatch(/^ {2}instance\s+role\s+last seen\s+holds/m);
    expect(demo.stdout).toMatch(/open questions:\n {4}q-\S+ \(2 findings\) Why do uploads stall under load\?/);
    expect(demo.stdout).toContain(`The log is at ${join(dir, 'log.db')}`);
    expect(existsSync(join(dir, 'log.db'))).toBe(true);

    const log = await cairn(['log', '--json', '--store', join(dir, 'log.db')]);
    const types = log.lines().map((e) => e.type);
    expect(types.filter((t) => t === 'TaskClaimed')).toHaveLength(1);
    expect(types).toContain('TaskCompleted');
    expect(types).toContain('InstanceSynced');
  });
});
