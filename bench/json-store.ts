import { join } from 'node:path';
import { openApp } from '../src/app/app.js';
import { join as joinOp } from '../src/app/join.js';
import { collect } from '../src/store/port.js';
import { readMessages, seedMessages } from './baselines/json-file-store.js';
import { uuidFor } from './support/events.js';
import { startChild } from './support/children.js';
import { sized, type Benchmark } from './support/figure.js';
import { fmt, mean, median } from './support/stats.js';

/**
 * The same message workload on cairn and on the naive JSON file the philosophy's tools
 * shared (bench/baselines/json-file-store.ts): posting one message (~250 characters) to
 * everyone when the board already holds 10k messages, cairn through the same `say` the CLI,
 * HTTP and MCP run; then 4 processes posting at once to each, counting messages that never
 * arrived.
 */
export const jsonStoreBenchmark: Benchmark = {
  name: 'json-store',
  description: 'posting messages: cairn vs a naive read-modify-write JSON file (speed at 10k, lost updates)',
  async run(ctx) {
    const board = sized(ctx, 10_000, 10_000, 100);
    const posts = sized(ctx, 200, 40, 8);
    const file = join(ctx.dir, 'shared_messages.json');
    const path = join(ctx.dir, 'messages.db');
    seedMessages(file, board, messageBody);
    const app = await openApp(path, { create: true });
    const naive: number[] = [];
    const cairn: number[] = [];
    try {
      for (const id of ['ada', 'bo', 'cy', 'eve']) await joinOp.run(app, { role: 'explorer' }, { instanceId: id });
      for (let i = 0; i < board; i++) {
        const messageId = `m-seed-${i}`;
        await app.store.append(`message-${messageId}`, [
          {
            id: uuidFor(i, 55),
            type: 'MessagePosted',
            data: { messageId, from: 'ada', to: 'all', body: messageBody(i) },
            metadata: { eventId: uuidFor(i, 55), instanceId: 'ada', role: 'explorer', at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), seenUpTo: '0', schemaVersion: 1 },
          },
        ]);
      }
    } finally {
      await app.close();
    }
    // Each store posts in processes of its own, alternating, so neither pays for the other's
    // garbage or cache misses. The first 50 posts of each process warm up the JIT and are not
    // counted, as in a long-lived server or MCP process (the cli benchmark measures start-up).
    const rounds = ctx.quick ? 2 : 4;
    for (let round = 0; round < rounds; round++) {
      for (const [kind, target, into] of [['naive', file, naive], ['cairn', path, cairn]] as const) {
        const poster = startChild('poster', [kind, target, String(Math.ceil(posts / rounds)), '50']);
        await poster.exited;
        into.push(...(JSON.parse(poster.lines.at(-1)!) as number[]));
      }
    }
    const naiveMs = mean(naive);
    const cairnMs = mean(cairn);
    const speedup = naiveMs / cairnMs;
    ctx.log(`json-store: post at ${board} messages: naive ${fmt(naiveMs)} ms, cairn ${fmt(cairnMs)} ms`);

    const lost = await concurrentWriters(ctx.dir, sized(ctx, 250, 50, 10));
    ctx.log(
      `json-store: 4 writers x ${lost.perWriter}: naive lost ${lost.naiveLost} (${lost.tornReads} torn reads retried, ${lost.failedPosts} posts failed${lost.corrupt ? ', file left corrupt' : ''}), cairn lost ${lost.cairnLost}`,
    );
    const command = 'npm run bench -- --only json-store';
    return [
      {
        id: 'json-store.post-speedup',
        name: `post a message with ${board.toLocaleString('en-US')} on the board: cairn vs naive JSON file`,
        value: 1000 / cairnMs,
        unit: 'posts/s',
        baseline: { name: 'naive JSON file (read, parse, push, write)', value: 1000 / naiveMs, unit: 'posts/s' },
        ratio: speedup,
        target: '>= 100x faster',
        met: speedup >= 100,
        command,
        details: { board, posts: naive.length, naiveMs, cairnMs, naiveMedianMs: median(naive), cairnMedianMs: median(cairn) },
      },
      {
        id: 'json-store.lost-naive',
        name: `messages lost, 4 concurrent writers x ${lost.perWriter}: naive JSON file`,
        value: lost.naiveLost,
        unit: `of ${lost.perWriter * 4}`,
        target: '(baseline)',
        met: null,
        command,
        details: { tornReadsRetried: lost.tornReads, postsThatFailed: lost.failedPosts, fileLeftCorrupt: lost.corrupt },
      },
      {
        id: 'json-store.lost-cairn',
        name: `messages lost, 4 concurrent writers x ${lost.perWriter}: cairn`,
        value: lost.cairnLost,
        unit: `of ${lost.perWriter * 4}`,
        target: '0',
        met: lost.cairnLost === 0,
        command,
      },
    ];
  },
};

/** A message of a couple of sentences (~250 characters), as agents write them. */
export function messageBody(i: number): string {
  return `update ${i}: under load the uploader retries immediately and ignores the server's Retry-After header on 503s, so the queue never drains; I reproduced it with the load generator in tools/load and will look at the backoff next unless someone already is.`;
}

async function concurrentWriters(dir: string, perWriter: number) {
  const writers = ['ada', 'bo', 'cy', 'eve'];
  const file = join(dir, 'race_messages.json');
  seedMessages(file, 0);
  const path = join(dir, 'race.db');
  const app = await openApp(path, { create: true });
  try {
    for (const id of writers) await joinOp.run(app, { role: 'builder' }, { instanceId: id });
  } finally {
    await app.close();
  }
  const race = async (children: ReturnType<typeof startChild>[]) => {
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    await Promise.all(children.map((c) => c.exited));
    return children.map((c) => JSON.parse(c.lines.at(-1)!) as { posted: number; failed?: number; tornReads?: number });
  };
  const naive = await race(writers.map((w) => startChild('json-writer', [file, w, String(perWriter)])));
  await race(writers.map((w) => startChild('say-writer', [path, w, String(perWriter)])));
  const final = readMessages(file);
  const check = await openApp(path);
  let cairnCount: number;
  try {
    cairnCount = (await collect(check.store.readAll({ streamPrefixes: ['message-'] }))).length;
  } finally {
    await check.close();
  }
  return {
    perWriter,
    naiveLost: perWriter * writers.length - final.messages.length,
    cairnLost: perWriter * writers.length - cairnCount,
    tornReads: naive.reduce((n, r) => n + (r.tornReads ?? 0), 0),
    failedPosts: naive.reduce((n, r) => n + (r.failed ?? 0), 0),
    corrupt: final.corrupt,
  };
}
