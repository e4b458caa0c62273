import { join } from 'node:path';
import { openApp, type App } from '../src/app/app.js';
import { runRecorded } from '../src/app/exposure.js';
import { join as joinOp } from '../src/app/join.js';
import { findings, tasks } from '../src/app/reads.js';
import { find } from '../src/app/record-commands.js';
import type { Operation } from '../src/app/operation.js';
import { sized, type Benchmark, type Figure } from './support/figure.js';
import { median } from './support/stats.js';

/**
 * The cost of recording what a read showed. bo reads while ada keeps recording findings, so
 * every read shows something new and appends a ContentShown (the worst case). Each round
 * times the same read twice, in alternating order, each as one CLI command does it (open the
 * log, catch the projections up from their checkpoints, answer, close): as the operation alone
 * (the read before this change) and as every surface runs it now (recorded before it
 * answers). The figure is the median of the per-round ratios. `warm` does the same on one
 * open log (a server's or an MCP session's case), where the read itself costs least.
 */
export const exposureBenchmark: Benchmark = {
  name: 'exposure',
  description: 'a read that records what it showed, vs the same read unrecorded (findings, tasks)',
  async run(ctx) {
    const app = await openApp(join(ctx.dir, 'exposure.db'), { create: true });
    const rounds = sized(ctx, 200, 30, 10);
    const figures: Figure[] = [];
    try {
      await joinOp.run(app, { role: 'explorer' }, { instanceId: 'ada' });
      await joinOp.run(app, { role: 'builder' }, { instanceId: 'bo' });
      const seeded = sized(ctx, 500, 100, 20);
      for (let i = 0; i < seeded; i++) await find.run(app, find.input.parse({ summary: `Seed finding ${i} about module ${i % 37} and its cache` }), { instanceId: 'ada' });
      await app.close();
      const path = join(ctx.dir, 'exposure.db');
      for (const [name, op] of [['findings', findings], ['tasks', tasks]] as const) {
        figures.push(await measure(path, name, op as Operation, rounds, false, ctx.log));
      }
      figures.push(await measure(path, 'findings', findings as Operation, rounds, true, ctx.log));
    } finally {
      await app.close().catch(() => undefined);
    }
    return figures;
  },
};

async function measure(path: string, name: string, op: Operation, rounds: number, warm: boolean, log: (m: string) => void): Promise<Figure> {
  const input = op.input.parse({});
  const shared = warm ? await openApp(path) : undefined;
  const time = async (body: (app: App) => Promise<unknown>) => {
    const start = performance.now();
    const app = shared ?? (await openApp(path));
    try {
      await body(app);
    } finally {
      if (!shared) await app.close();
    }
    return performance.now() - start;
  };
  const writer = shared ?? (await openApp(path));
  const ratios: number[] = [];
  const plain: number[] = [];
  const recorded: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Something new for bo to be shown, in both the findings and (as a task) the board.
    await find.run(writer, find.input.parse({ summary: `Round ${i}: the cache of module ${i % 37} is cold after deploys` }), { instanceId: 'ada' });
    // Both variants start from tables that already hold the new finding: neither pays for folding it.
    await time((app) => app.tables());
    const unrecorded = () => time((app) => op.run(app, input, { instanceId: 'bo' }));
    const withRecord = () => time((app) => runRecorded(app, op, input, { instanceId: 'bo' }));
    const [a, b] = i % 2 === 0 ? [await unrecorded(), await withRecord()] : [await withRecord(), await unrecorded()].reverse();
    plain.push(a!);
    recorded.push(b!);
    ratios.push(b! / a!);
  }
  if (!shared) await writer.close();
  else await shared.close();
  const ratio = median(ratios);
  const label = `${name}${warm ? ' (warm, one open log)' : ''}`;
  log(`exposure ${label}: unrecorded median ${median(plain).toFixed(2)} ms, recorded ${median(recorded).toFixed(2)} ms, median ratio ${ratio.toFixed(2)}`);
  return {
    id: `exposure.${name}${warm ? '.warm' : ''}`,
    name: `${label} read recording what it showed, vs unrecorded (median of per-round ratios)`,
    value: median(recorded),
    unit: 'ms',
    baseline: { name: `${name} unrecorded`, value: median(plain), unit: 'ms' },
    ratio,
    target: warm ? '(reported)' : '<= 1.2x',
    met: warm ? null : ratio <= 1.2,
    command: 'npm run bench -- --only exposure',
    details: { rounds },
  };
}
