import { describe, expect, it } from 'vitest';
import { PROJECTIONS } from '../../projections/index.js';
import { ProjectionRuntime } from '../../src/runtime/runtime.js';
import { toStored } from '../../src/runtime/stored.js';
import type { EventStore, ReadAllOptions, RecordedEvent } from '../../src/store/port.js';
import { realisticLog } from '../projections/generate.js';

/**
 * The target: replaying every projection costs at most twice a bare read-and-parse loop.
 * Slow (it builds a big log), so it only runs on demand:
 *   CAIRN_BENCH=1 CAIRN_BENCH_EVENTS=1000000 npx vitest run tests/runtime/throughput.test.ts
 */
const count = Number(process.env.CAIRN_BENCH_EVENTS ?? 200_000);

/** Just enough of a store to read a prebuilt log: the memory store checks idempotency per append. */
function arrayStore(log: RecordedEvent[]): EventStore {
  return {
    async *readAll(options: ReadAllOptions = {}) {
      let i = 0;
      if (options.after !== undefined) while (i < log.length && log[i]!.position <= options.after) i++;
      for (let n = 0; i < log.length && n < (options.maxCount ?? Infinity); i++, n++) yield log[i]!;
    },
    headPosition: async () => log[log.length - 1]?.position ?? 0n,
  } as EventStore;
}

describe.runIf(process.env.CAIRN_BENCH)('replay throughput', () => {
  it(`replays all projections over ${count} events at least half as fast as reading and parsing them`, async () => {
    const store = arrayStore(
      realisticLog(42, count).events.map((e) => ({
        id: e.metadata.eventId,
        type: e.type,
        streamName: e.streamName,
        revision: e.revision,
        position: e.position,
        data: e.data,
        metadata: e.metadata,
      })),
    );
    const time = async (run: () => Promise<unknown>) => {
      const start = performance.now();
      await run();
      return performance.now() - start;
    };
    const raw = () =>
      time(async () => {
        for await (const recorded of store.readAll()) toStored(recorded);
      });
    const replay = () => time(() => new ProjectionRuntime(store).currentMany(Object.values(PROJECTIONS)));
    await raw(); // warm up
    await replay();
    const rawMs = Math.min(await raw(), await raw());
    const replayMs = Math.min(await replay(), await replay());
    const ratio = rawMs / replayMs;
    console.log(`${count} events: read+parse ${rawMs.toFixed(0)} ms, replay all ${replayMs.toFixed(0)} ms, ratio ${ratio.toFixed(2)}`);
    expect(ratio).toBeGreaterThanOrEqual(0.5);
  }, 900_000);
});
