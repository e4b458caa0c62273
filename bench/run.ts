import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, type as osType, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { BENCHMARKS } from './benchmarks.js';
import type { BenchContext, Figure } from './support/figure.js';
import { fmt } from './support/stats.js';

/**
 * npm run bench [-- --quick] [--only append,replay] [--scale 0.5] [--out FILE]
 *
 * Runs the benchmarks, prints one table (figure, value, baseline, ratio, target, met?) and
 * writes bench/results/latest.json with the machine it ran on.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    scale: { type: 'string', default: '1' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'latest.json') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    `usage: npm run bench -- [--quick] [--only NAME,...] [--scale F] [--out FILE]\n\n${BENCHMARKS.map((b) => `  ${b.name.padEnd(12)} ${b.description}`).join('\n')}\n`,
  );
  process.exit(0);
}

const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((name) => !BENCHMARKS.some((b) => b.name === name)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; one of ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
const scale = Number(values.scale);
if (!(scale > 0)) {
  process.stderr.write('--scale must be a positive number\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-'));
const ctx: BenchContext = { quick: values.quick, scale, dir, log: (m) => process.stderr.write(`  ${m}\n`) };
const figures: Figure[] = [];
const failures: { benchmark: string; error: string }[] = [];
const started = new Date();
try {
  for (const benchmark of BENCHMARKS) {
    if (only && !only.includes(benchmark.name)) continue;
    process.stderr.write(`${benchmark.name}: ${benchmark.description}\n`);
    const t = performance.now();
    try {
      const results = await benchmark.run(ctx);
      figures.push(...results);
      for (const f of results) process.stderr.write(`  = ${f.id}: ${fmt(f.value)} ${f.unit}${f.ratio === undefined ? '' : `, ratio ${fmt(f.ratio)}`} (${f.met === null ? 'no target' : f.met ? 'met' : 'NOT met'})\n`);
    } catch (error) {
      failures.push({ benchmark: benchmark.name, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.stderr.write(`  ! ${benchmark.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.stderr.write(`  (${fmt((performance.now() - t) / 1000)} s)\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
}

const table = new Table({ head: ['figure', 'value', 'baseline', 'ratio', 'target', 'met?'], style: { head: [], border: [] }, wordWrap: true, colWidths: [44, 20, 22, 8, 22, 6] });
for (const f of figures) {
  table.push([
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ? `${fmt(f.baseline.value)} ${f.baseline.unit}` : '',
    f.ratio === undefined ? '' : fmt(f.ratio),
    f.target,
    f.met === null ? '-' : f.met ? 'yes' : 'NO',
  ]);
}
process.stdout.write(`${table.toString()}\n`);

const machine = {
  node: process.version,
  v8: process.versions.v8,
  os: `${osType()} ${release()}`,
  arch: process.arch,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  loadAverageAtEnd: loadavg(),
};
const result = {
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  commit: gitCommit(),
  options: { quick: values.quick, only: only ?? null, scale },
  machine,
  figures,
  failures,
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${figures.filter((f) => f.met === true).length} of ${figures.filter((f) => f.met !== null).length} targets met; results in ${values.out}\n`);
if (failures.length > 0) {
  process.stderr.write(`${failures.length} benchmark(s) failed: ${failures.map((f) => f.benchmark).join(', ')}\n`);
  process.exitCode = 1;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
