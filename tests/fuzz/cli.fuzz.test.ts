import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, tempDir } from '../reliability/support.js';

/** Argument values the CLI must refuse: past every limit, control characters, escape sequences. */
const hostileArg = fc.oneof(
  fc.constantFrom('x'.repeat(20_000), 'ok\u001b[31mred', 'bell\u0007', 'del\u007f', '\u001b]0;title\u0007', '__proto__\u0001'),
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => `${s}\u0007`),
);

/** Commands that write, with where a hostile value goes. */
const commands: ((v: string) => string[])[] = [
  (v) => ['propose', v],
  (v) => ['propose', 'fine title', '--tag', v],
  (v) => ['claim', v],
  (v) => ['claim', 't-1', '--lease', v],
  (v) => ['find', v],
  (v) => ['find', 'fine summary', '--topic', v],
  (v) => ['find', 'fine summary', '--cites', v],
  (v) => ['say', v, '--to', 'all'],
  (v) => ['say', 'hello', '--to', v],
  (v) => ['ask', v],
  (v) => ['join', '--role', v],
  (v) => ['done', 't-1', '--outcome', v],
  (v) => ['release', 't-1', '--reason', v],
  (v) => ['synthesize', 'fine', '--integrates', v],
];

/**
 * The CLI end of the fuzz: hostile values for writing commands, and hostile identities.
 * Every one exits 2 (bad input) with a one-line message, and the log is untouched. Spawning
 * is slow, so this samples ~20 cases; tests/fuzz/operations.fuzz.test.ts goes wide in-process.
 */
describe('the CLI against hostile arguments', () => {
  const dir = tempDir('fuzz-cli');
  const path = join(dir, 'log.db');
  const env = cleanEnv({ CAIRN_STORE: path });
  const cairn = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', cwd: dir });
  const head = () => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number }).head;
    } finally {
      db.close();
    }
  };

  beforeAll(() => {
    expect(cairn(['init']).status).toBe(0);
    expect(cairn(['join', '--role', 'builder', '--as', 'ada']).status).toBe(0);
    expect(cairn(['propose', 'Map the retry paths', '--id', 't-1', '--as', 'ada']).status).toBe(0);
    expect(cairn(['claim', 't-1', '--as', 'ada']).status).toBe(0);
  });

  it('refuses hostile values with exit 2 and appends nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: commands.length - 1 }), hostileArg, fc.boolean(), (which, value, hostileIdentity) => {
        const before = head();
        const args = [...commands[which]!(value), '--as', hostileIdentity ? value : 'ada'];
        const result = cairn(args);
        expect(result.status, `${args.join(' ').slice(0, 200)}\n${result.stderr}`).toBe(2);
        expect(result.stderr).toMatch(/^cairn: /);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect(head()).toBe(before);
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('refuses an import file with hostile lines as a whole', () => {
    const before = head();
    const file = join(dir, 'hostile.ndjson');
    writeFileSync(file, ['null', '42', '{"__proto__": {"polluted": true}}', '{"type": "TaskClaimed"}', 'not json'].join('\n'));
    const result = cairn(['import', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^cairn: line 1/);
    expect(head()).toBe(before);
  });
});
