/**
 * Long folds show progress to a person at a terminal, and to nobody else: a cold cache over a
 * big log (the tables rebuilt, a replay from scratch) draws a bar on stderr when it is a
 * terminal, and prints nothing when it is a pipe or --json is given.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { revisionBefore } from '../../src/app/transfer.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { realisticLog } from '../projections/generate.js';
import { CLI, cairn, expectExit, tempDir } from './run.js';

const EVENTS = 25_000; // above PROGRESS_MIN_EVENTS
const hasScript = existsSync('/usr/bin/script');
if (!hasScript) console.log('progress tests skipped: no script(1) to give the CLI a terminal (apt-get install bsdutils)');

/** Runs the CLI with a terminal as its stdin, stdout and stderr (script(1)); returns what the terminal showed. */
function atTerminal(args: string[], cwd: string): { code: number | null; screen: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, COLUMNS: '120' };
  for (const key of Object.keys(env)) if (key.startsWith('CAIRN_') && key !== 'CAIRN_BUNDLE') delete env[key];
  const command = [process.execPath, CLI, ...args].join(' ');
  const run = spawnSync('script', ['-qefc', command, '/dev/null'], { cwd, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  return { code: run.status, screen: run.stdout };
}

describe.skipIf(!hasScript)('progress of long folds', () => {
  let dir: string;
  // A cold cache: what a new machine, an upgrade or a deleted cache leaves.
  const fresh = () => rmSync(join(dir, '.cairn', 'log.db.cache'), { recursive: true, force: true });

  it('is drawn at a terminal while the tables are rebuilt, and the command still answers', async () => {
    dir = tempDir('cairn-progress-');
    expectExit(await cairn(['init'], { cwd: dir }), 0);
    const log = openSqliteStore(join(dir, '.cairn', 'log.db'));
    const events = realisticLog(11, EVENTS).events;
    await log.appendMany!((done) => {
      const e = events[done.length];
      return e && { streamName: e.streamName, events: [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }], expectedRevision: revisionBefore(e.revision) };
    });
    await log.close();

    fresh();
    const shown = atTerminal(['tasks'], dir);
    expect(shown.code, shown.screen).toBe(0);
    expect(shown.screen).toContain('folding the log into tables [');
    expect(shown.screen).toContain(`${EVENTS}/${EVENTS} events`);
    expect(shown.screen).toMatch(/task +status +owner/);

    fresh();
    const replay = atTerminal(['replay', 'tasks', '--at', String(EVENTS), '--json'], dir);
    expect(replay.code, replay.screen).toBe(0);
    expect(replay.screen).not.toContain('folding');

    fresh();
    const piped = await cairn(['tasks'], { cwd: dir });
    expectExit(piped, 0);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).not.toContain('folding');

    fresh();
    const again = atTerminal(['replay', 'tasks', '--at', String(EVENTS)], dir);
    expect(again.code, again.screen).toBe(0);
    expect(again.screen).toContain('folding the log as it stood then [');

    // An import shows its appends at a terminal (its tables fold in a thread of their own meanwhile), and nothing into a pipe.
    const file = join(dir, 'export.ndjson');
    const exported = await cairn(['export', '--out', file], { cwd: dir });
    expectExit(exported, 0);
    // The reads above recorded what they showed: a few events more than were appended.
    const count = Number(/exported (\d+) events/.exec(exported.stdout)?.[1]);
    expect(count).toBeGreaterThanOrEqual(EVENTS);
    const into = tempDir('cairn-progress-import-');
    expectExit(await cairn(['init'], { cwd: into }), 0);
    const imported = atTerminal(['import', file], into);
    expect(imported.code, imported.screen).toBe(0);
    expect(imported.screen).toContain('importing [');
    expect(imported.screen).toContain(`${count}/${count} events`);
    expect(imported.screen).toContain(`imported ${count} events`);
    const other = tempDir('cairn-progress-import-');
    expectExit(await cairn(['init'], { cwd: other }), 0);
    const quiet = await cairn(['import', file], { cwd: other });
    expectExit(quiet, 0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(`imported ${count} events\n`);
  });
});
