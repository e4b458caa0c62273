import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteStore } from '../src/store/sqlite.js';
import { uuidFor } from './support/events.js';
import { startChild } from './support/children.js';
import { sized, type Benchmark } from './support/figure.js';
import { median, percentile } from './support/stats.js';
import { epochMs } from './children/go.js';

/**
 * Wake-up latency across processes: a waiter process holds a live subscription (what
 * `cairn wait` and `cairn log --follow` use); this process appends a message at random
 * intervals and notes when each append returned. Latency is append acknowledged → the
 * waiter had the event, both read from the same clock.
 */
export const waitBenchmark: Benchmark = {
  name: 'wait',
  description: 'wake-up latency of a subscriber in another process (append ack -> wake)',
  async run(ctx) {
    const samples = sized(ctx, 300, 40, 10);
    const path = join(ctx.dir, 'wait.db');
    const store = openSqliteStore(path, { create: true });
    const waiter = startChild('waiter', [path, String(samples)]);
    const acked = new Map<string, number>();
    try {
      await waiter.ready;
      await sleep(200); // let the subscription start polling
      for (let i = 0; i < samples; i++) {
        const messageId = `m-${i}`;
        await store.append(`message-${messageId}`, [
          {
            id: uuidFor(i, 77),
            type: 'MessagePosted',
            data: { messageId, from: 'ada', to: 'all', body: `ping ${i}` },
            metadata: { eventId: uuidFor(i, 77), instanceId: 'ada', role: 'explorer', at: new Date().toISOString(), seenUpTo: '0', schemaVersion: 1 },
          },
        ]);
        acked.set(messageId, epochMs());
        await sleep(5 + Math.random() * 25);
      }
      await waiter.exited;
    } finally {
      waiter.process.kill();
      await store.close();
    }
    const latencies = waiter.lines.map((line) => {
      const [id, woke] = line.split(' ');
      return Number(woke) - acked.get(id!)!;
    });
    if (latencies.length !== samples || latencies.some((l) => !Number.isFinite(l))) throw new Error(`waiter saw ${latencies.length} of ${samples} events`);
    const p50 = median(latencies);
    const p99 = percentile(latencies, 99);
    const command = 'npm run bench -- --only wait';
    return [
      { id: 'wait.p50', name: 'wait wake-up latency across processes, p50', value: p50, unit: 'ms', target: '(p99 is the target)', met: null, command, details: { samples } },
      {
        id: 'wait.p99',
        name: 'wait wake-up latency across processes, p99',
        value: p99,
        unit: 'ms',
        target: '< 100 ms',
        met: p99 < 100,
        command,
        details: { samples, max: Math.max(...latencies), min: Math.min(...latencies) },
      },
    ];
  },
};
