import { join } from 'node:path';
import { importExport } from '../src/app/transfer.js';
import { ReadStore } from '../src/readstore/read-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { rawReadAndParse } from './baselines/raw-sqlite.js';
import { monthOfWork } from './support/month.js';
import { againstRawLoop, sized, type Benchmark } from './support/figure.js';
import { fmt, settle } from './support/stats.js';

/**
 * The tables folded from nothing over a month of work, in one thread (what a rebuild costs,
 * and what the fold's thread of `cairn import` does beside the appends), as a multiple of a
 * raw read-and-parse loop over the same log in the same run: the import's absolute figure
 * (bench/scale.ts) moves with the machine's load; this ratio follows the fold's own cost.
 */
export const foldBenchmark: Benchmark = {
  name: 'fold',
  description: 'the read models\' tables folded from nothing vs a raw read-and-parse loop',
  async run(ctx) {
    const count = sized(ctx, 300_000, 20_000, 1000);
    const path = join(ctx.dir, 'fold.db');
    const store = openSqliteStore(path, { create: true });
    try {
      const lines = () => toLines(monthOfWork({ events: count }));
      await importExport(store, lines);
    } finally {
      await store.close();
    }
    const rounds = ctx.quick ? 1 : 3;
    let raw = Infinity;
    let fold = Infinity;
    for (let round = 0; round < rounds; round++) {
      await settle();
      const startRaw = performance.now();
      if (rawReadAndParse(path) !== count) throw new Error(`raw read did not find ${count} events`);
      raw = Math.min(raw, performance.now() - startRaw);
      fold = Math.min(fold, await foldOnce(path, join(ctx.dir, `fold-tables-${round}`)));
      ctx.log(`fold round ${round + 1}/${rounds}: raw read+parse ${fmt(raw)} ms, tables ${fmt(fold)} ms`);
    }
    return [
      againstRawLoop({
        id: 'fold.tables',
        name: `the tables (every read model, the similarity index, happens-before, search) folded from nothing, ${count.toLocaleString('en-US')} events of a month of work`,
        events: count,
        ms: fold,
        rawMs: raw,
        target: '(tracked, no target of its own)',
        met: null,
        command: 'npm run bench -- --only fold',
      }),
    ];
  },
};

async function* toLines(events: Iterable<unknown>): AsyncIterable<string> {
  for (const event of events) yield JSON.stringify(event);
}

/** Folds the log at `path` into new tables in `cacheDir`; returns how long it took. */
async function foldOnce(path: string, cacheDir: string): Promise<number> {
  await settle();
  const store = openSqliteStore(path);
  const tables = ReadStore.open(cacheDir);
  try {
    const start = performance.now();
    await tables.catchUp(store);
    return performance.now() - start;
  } finally {
    tables.close();
    await store.close();
  }
}
