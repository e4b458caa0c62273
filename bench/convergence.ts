import { convergenceProjection, type ConvergenceState } from '../projections/convergence.js';
import { syntheticFindings } from '../src/eval/synthetic.js';
import { sized, type Benchmark, type Figure } from './support/figure.js';
import { fmt, mean, percentile } from './support/stats.js';

/**
 * Convergence cost per new finding: the convergence projection's evolve for one more
 * FindingRecorded, on a state already holding N synthetic findings (Zipf-distributed words,
 * a dozen instances that sync now and then, some cites; src/eval/synthetic.ts). Sublinear
 * growth means the cost grows slower than N: the exponent of mean cost between the smallest
 * and the largest N is below 1.
 */
export const convergenceBenchmark: Benchmark = {
  name: 'convergence',
  description: 'convergence projection cost per new finding at 1k, 10k, 100k and 1M findings',
  async run(ctx) {
    const sizes = (ctx.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000, 1_000_000]).map((n) => Math.max(100, Math.round(n * ctx.scale)));
    const measured = sized(ctx, 1_000, 300, 50);
    const events = syntheticFindings(sizes[sizes.length - 1]! + measured);
    const figures: Figure[] = [];
    const means: number[] = [];
    for (const size of sizes) {
      let state: ConvergenceState = convergenceProjection.initialState();
      const fillStart = performance.now();
      for (let i = 0; i < size; i++) state = convergenceProjection.evolve(state, events[i]!);
      const fillMs = performance.now() - fillStart;
      // The next `measured` findings (the same ones at every size), each timed alone.
      const costs: number[] = [];
      for (let i = 0; i < measured; i++) {
        const event = events[sizes[sizes.length - 1]! + i]!;
        const start = performance.now();
        state = convergenceProjection.evolve(state, event);
        costs.push(performance.now() - start);
      }
      const p99 = percentile(costs, 99);
      means.push(mean(costs));
      ctx.log(`convergence at ${size}: fill ${fmt(fillMs)} ms, per finding p50 ${fmt(percentile(costs, 50))} ms, p99 ${fmt(p99)} ms, mean ${fmt(mean(costs))} ms`);
      const largest = size === sizes[sizes.length - 1];
      figures.push({
        id: `convergence.p99.${size}`,
        name: `convergence cost per new finding at ${size.toLocaleString('en-US')} findings, p99`,
        value: p99,
        unit: 'ms',
        target: largest && !ctx.quick && ctx.scale === 1 ? '< 5 ms' : '(reported)',
        met: largest && !ctx.quick && ctx.scale === 1 ? p99 < 5 : null,
        command: 'npm run bench -- --only convergence',
        details: { findings: size, measured, p50: percentile(costs, 50), mean: mean(costs), max: Math.max(...costs), fillMs },
      });
    }
    const exponent = Math.log(means[means.length - 1]! / means[0]!) / Math.log(sizes[sizes.length - 1]! / sizes[0]!);
    figures.push({
      id: 'convergence.growth',
      name: `convergence cost growth exponent, ${sizes[0]!.toLocaleString('en-US')} -> ${sizes[sizes.length - 1]!.toLocaleString('en-US')} findings (1 = linear)`,
      value: exponent,
      unit: '',
      target: '< 1 (sublinear)',
      met: exponent < 1,
      command: 'npm run bench -- --only convergence',
      details: { sizes, meanMs: means },
    });
    return figures;
  },
};
