import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, cleanEnv, tempDir } from './support.js';

/**
 * A row damaged behind cairn's back (a bad disk, a hand edit, another program) must give an
 * error that names where it is, so it can be repaired, and never a crash with a stack trace.
 */
describe('a corrupted row in the SQLite file', () => {
  const dir = tempDir('corrupt');

  function logWithDamage(name: string, damage: string): { path: string; cairn: (...args: string[]) => ReturnType<typeof spawnSync> } {
    const path = join(dir, `${name}.db`);
    const env = cleanEnv({ CAIRN_STORE: path });
    const cairn = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
    expect(cairn('init').status).toBe(0);
    expect(cairn('join', '--role', 'builder', '--as', 'ada').status).toBe(0);
    expect(cairn('propose', 'Map the retry paths', '--id', 't-1', '--as', 'ada').status).toBe(0);
    expect(cairn('find', 'Retries ignore Retry-After', '--as', 'ada').status).toBe(0);
    // Another connection, as another program would: position 2 is the TaskProposed.
    const db = new Database(path);
    db.prepare(`UPDATE events SET ${damage} WHERE position = 2`).run();
    db.close();
    return { path, cairn };
  }

  const cases: [string, string][] = [
    ['garbage', "data = 'garbage{\"not json'"],
    ['wrong shape', `data = '{"taskId": 42, "__proto__": {"polluted": true}}'`],
    ['not an object', "metadata = '[1, 2, 3]'"],
    ['binary', "data = x'00ff10'"],
  ];

  for (const [name, damage] of cases) {
    it(`${name}: cairn log exits 3 naming position 2, without a stack trace`, () => {
      const { cairn, path } = logWithDamage(name.replace(/\W/g, '-'), damage);
      const log = cairn('log');
      expect(log.status).toBe(3);
      expect(log.stderr).toMatch(/^cairn: corrupt event at position 2: /);
      expect(log.stderr).not.toMatch(/\n\s+at /);

      const json = cairn('log', '--json');
      expect(json.status).toBe(3);
      const error = JSON.parse(String(json.stdout).trim().split('\n').pop()!) as { ok: boolean; error: { code: string; message: string } };
      expect(error).toMatchObject({ ok: false, error: { code: 'corrupt_log' } });
      expect(error.error.message).toContain('position 2');

      // Tables folded before the damage still answer; folding the damaged event anew says the same as log.
      expect(cairn('tasks').status).toBe(0);
      rmSync(`${path}.cache`, { recursive: true, force: true });
      const tasks = cairn('tasks');
      expect(tasks.status).toBe(3);
      expect(tasks.stderr).toContain('position 2');
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    });
  }
});
