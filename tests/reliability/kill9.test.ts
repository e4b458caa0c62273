import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { collect } from '../../src/store/port.js';
import { toStored } from '../../src/runtime/stored.js';
import { CLI, child, cleanEnv, run, tempDir } from './support.js';

/**
 * Appending processes are killed with SIGKILL at random moments, round after round on the
 * same log. Every event a process was told was appended (it printed the id right after
 * append() returned) must be in the log afterwards, and the log must read cleanly.
 */
describe('kill -9 of appending processes', () => {
  const dir = tempDir('kill9');
  const path = join(dir, 'log.db');

  it('loses no acknowledged event and leaves a log that reads cleanly', async () => {
    await openSqliteStore(path, { create: true }).close();
    const acknowledged: string[] = [];
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const writers = [0, 1, 2].map((w) => run(child('appender.mjs'), [path, `w${round}x${w}`, String(round * 10 + w + 1)]));
      await Promise.all(writers.map((w) => w.ready));
      // Kill each at its own random moment, while it is appending.
      await Promise.all(
        writers.map(async (w) => {
          await sleep(50 + Math.random() * 400);
          w.process.kill('SIGKILL');
          const { signal, stderr } = await w.exited;
          expect(signal, stderr).toBe('SIGKILL');
        }),
      );
      for (const w of writers) acknowledged.push(...w.lines);
    }
    expect(acknowledged.length).toBeGreaterThan(50);

    const store = openSqliteStore(path);
    try {
      const events = await collect(store.readAll());
      const ids = events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      const present = new Set(ids);
      expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
      for (let i = 1; i < events.length; i++) expect(events[i]!.position).toBeGreaterThan(events[i - 1]!.position);
      // Each stream's revisions run 0, 1, 2… with no gap: no half-appended batch survived.
      const revisions = new Map<string, bigint>();
      for (const e of events) {
        expect(e.revision).toBe(revisions.get(e.streamName) ?? 0n);
        revisions.set(e.streamName, e.revision + 1n);
        toStored(e); // throws on anything that does not validate
      }
    } finally {
      await store.close();
    }
    // And the CLI reads it end to end.
    const log = spawnSync(process.execPath, [CLI, 'log', '--json', '--limit', '100000', '--store', path], { env: cleanEnv(), encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(log.status, log.stderr).toBe(0);
    expect(log.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(new Set(acknowledged).size);
  }, 60_000);
});
