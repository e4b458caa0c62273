import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../src/app/app.js';
import { join as joinOp } from '../src/app/join.js';
import { propose } from '../src/app/task-commands.js';
import { realisticLog } from '../tests/projections/generate.js';
import { sized, type Benchmark, type Figure } from './support/figure.js';
import { fmt, median } from './support/stats.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.cjs');

/**
 * CLI wall time: each command is a new process, as agents run it, on a log of a few
 * thousand events with warm tables, timed against bare `node -e 0` started the same
 * way just before it. The medians of the interleaved runs give the ratio.
 */
export const cliBenchmark: Benchmark = {
  name: 'cli',
  description: 'CLI command wall time vs bare `node -e 0`',
  async run(ctx) {
    const rounds = sized(ctx, 15, 4, 2);
    const dir = ctx.dir;
    const store = join(dir, 'cli.db');
    const app = await openApp(store, { create: true });
    try {
      for (const e of realisticLog(7, sized(ctx, 3_000, 1_000, 100)).events) {
        await app.store.append(e.streamName, [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]);
      }
      await joinOp.run(app, { role: 'builder' }, { instanceId: 'ada' });
      for (let r = 0; r < rounds + 1; r++) await propose.run(app, { title: `task for round ${r}`, tags: [], id: `t-cli-${r}` }, { instanceId: 'ada' });
    } finally {
      await app.close();
    }
    const env = { ...process.env, CAIRN_STORE: store, CAIRN_INSTANCE: '' };
    const run = (args: string[], extraEnv: Record<string, string> = {}): number => {
      const start = performance.now();
      const result = spawnSync(process.execPath, args, { cwd: dir, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = performance.now() - start;
      if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
      return ms;
    };
    const commands: { name: string; args: (round: number) => string[]; env?: Record<string, string> }[] = [
      { name: 'status', args: () => ['status'] },
      { name: 'tasks', args: () => ['tasks'] },
      { name: 'claim', args: (r) => ['claim', `t-cli-${r}`, '--as', 'ada'] },
      { name: 'find', args: (r) => ['find', `Retries ignore Retry-After, round ${r}`, '--topic', 'uploads', '--as', 'ada'] },
      { name: 'inbox', args: () => ['inbox', '--as', 'ada'] },
      { name: 'hook', args: () => ['hook', '--as', 'ada'] },
      { name: 'log', args: () => ['log', '--limit', '20'] },
      { name: 'status, unbundled (before)', args: () => ['status'], env: { CAIRN_BUNDLE: '0' } },
    ];
    // Warm the page cache and the tables.
    run([CLI, 'claim', `t-cli-${rounds}`, '--as', 'ada']);
    for (const c of commands) if (c.name !== 'claim' && c.name !== 'find') run([CLI, ...c.args(0)], c.env);
    const bare: number[] = [];
    const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of commands) {
        bare.push(run(['-e', '0']));
        times.get(c.name)!.push(run([CLI, ...c.args(r)], c.env));
      }
      ctx.log(`cli round ${r + 1}/${rounds}: node -e 0 ${fmt(median(bare))} ms, ${commands.map((c) => `${c.name} ${fmt(median(times.get(c.name)!))}`).join(', ')}`);
    }
    const baseline = median(bare);
    const bundled = existsSync(join(dirname(CLI), 'cairn.bundle.json'));
    return commands.map((c): Figure => {
      const value = median(times.get(c.name)!);
      const before = c.env?.CAIRN_BUNDLE === '0';
      return {
        id: `cli.${c.name.split(',')[0]}${before ? '.unbundled' : ''}`,
        name: `cairn ${c.name}: wall time (median of ${rounds})`,
        value,
        unit: 'ms',
        baseline: { name: 'node -e 0', value: baseline, unit: 'ms' },
        ratio: value / baseline,
        target: before ? '(before: for comparison)' : '<= 1.5x node -e 0',
        met: before ? null : value / baseline <= 1.5,
        command: 'npm run bench -- --only cli',
        details: { rounds, bundled, samples: times.get(c.name), bare },
      };
    });
  },
};
