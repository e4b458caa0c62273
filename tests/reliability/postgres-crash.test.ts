import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/store/port.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { toStored } from '../../src/runtime/stored.js';
import { privateCluster, serverBinaries, type PrivateCluster } from '../support/private-postgres.js';
import { child, run } from './support.js';

const binaries = serverBinaries();
if ('skip' in binaries) console.log(`PostgreSQL crash test skipped: ${binaries.skip}`);

/**
 * The database server itself is killed (every process, SIGKILL) while processes append, then
 * restarted. Every event an appender was told was appended must be there after crash
 * recovery. The cluster runs with synchronous_commit=off and the WAL writer at its slowest,
 * a setting that trades durability for speed: cairn's appends must not inherit that trade.
 */
describe.skipIf('skip' in binaries)('PostgreSQL killed mid-append', () => {
  let cluster: PrivateCluster | undefined;
  afterAll(() => cluster?.destroy());

  it('loses no acknowledged event, and the log reads whole after crash recovery', async () => {
    cluster = await privateCluster((binaries as { bin: string }).bin, { synchronous_commit: 'off', wal_writer_delay: '10s' });
    const url = `${cluster.url}?schema=crash`;
    await (await openPostgresStore(url, { create: true })).close();
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      const writers = [0, 1, 2].map((w) => run(child('appender.mjs'), [url, `w${round}x${w}`, String(round * 10 + w + 1)]));
      await Promise.all(writers.map((w) => w.ready));
      await sleep(300 + Math.random() * 500);
      await cluster.crash();
      // The appenders fail on their next round trip; whatever they printed was acknowledged.
      for (const w of writers) {
        const exited = await Promise.race([w.exited, sleep(15_000, undefined)]);
        if (!exited) w.process.kill('SIGKILL');
        acknowledged.push(...w.lines);
      }
      cluster.start();
    }
    expect(acknowledged.length).toBeGreaterThan(50);

    const store = await openPostgresStore(url);
    try {
      const events = await collect(store.readAll());
      const present = new Set(events.map((e) => e.id));
      expect(present.size).toBe(events.length);
      expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
      expect(events.map((e) => e.position)).toEqual(events.map((_, i) => BigInt(i + 1)));
      const revisions = new Map<string, bigint>();
      for (const e of events) {
        expect(e.revision).toBe(revisions.get(e.streamName) ?? 0n);
        revisions.set(e.streamName, e.revision + 1n);
        toStored(e);
      }
    } finally {
      await store.close();
    }
  }, 120_000);
});
