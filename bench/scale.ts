import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monthOfWork } from './support/month.js';
import { sized, type Benchmark, type Figure } from './support/figure.js';
import { fmt, median } from './support/stats.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.cjs');
const TIME = '/usr/bin/time';
/** A read that has not answered by then is reported as this long, and missed. */
const TIMEOUT_MS = 180_000;
/** An import is measured to its end, however far past its target: a cut-off figure says nothing. */
const IMPORT_TIMEOUT_MS = 900_000;
const KIB = 1024;

const EVERYDAY: string[][] = [['status'], ['tasks'], ['findings'], ['inbox', '--as', 'ada'], ['questions'], ['activity']];
const SIGNALS: string[][] = [['advise', 'the', 'upload', 'retry', 'stalls', 'when', 'the', 'server', 'is', 'slow'], ['health'], ['convergence']];
/**
 * Reads no target names, reported because each once cost the whole log: a newcomer's sync
 * (every event since its last sync: 15.6 s, 1.1 GB and 36 MB at a million events), the
 * history filtered by a type the month never holds (9.2 s, to print nothing), and a wait on
 * a task that already holds (every task folded: 7.1 s and 263 MB the first time after an
 * import, 0.47 s after; `wait` adds the task's id and state once the log is there).
 */
const OTHERS: string[][] = [['sync', '--as', 'newcomer'], ['log', '--type', 'TaskAbandoned']];

/** `wait` on the newest open or claimed task, for the state it is in: it answers at once. */
function waitOnATask(cwd: string): string[] {
  const listed = spawnSync(process.execPath, [CLI, 'tasks', '--limit', '1', '--json'], { cwd, maxBuffer: 1 << 24 });
  const task = (JSON.parse(listed.stdout.toString()) as { tasks: { taskId: string; status: string }[] }).tasks[0];
  if (!task) throw new Error('the month holds no open or claimed task to wait on');
  return ['wait', '--task', task.taskId, '--state', task.status, '--timeout', '5s'];
}

interface Run {
  ms: number;
  /** Peak resident memory, KiB (when /usr/bin/time is here). */
  rssKib: number | undefined;
  bytes: number;
  timedOut: boolean;
  /** Why it did not answer (ran out of memory, crashed), if it did not. */
  failed?: string;
}

/** Runs `node ARGS` to its end, timing it and (through /usr/bin/time) its peak memory. */
function run(args: string[], cwd: string, timeoutMs = TIMEOUT_MS): Run {
  const timed = existsSync(TIME);
  const start = performance.now();
  const result = spawnSync(timed ? TIME : process.execPath, timed ? ['-f', '%M', process.execPath, ...args] : args, { cwd, timeout: timeoutMs, maxBuffer: 1 << 30 });
  const ms = performance.now() - start;
  const timedOut = result.error !== undefined || (result.signal !== null && ms >= timeoutMs);
  const stderr = result.stderr?.toString() ?? '';
  const rss = timed ? Number(/(\d+)\s*$/.exec(stderr)?.[1]) : undefined;
  // A read that dies (out of memory, say) is a figure too: the worst one.
  const failed = timedOut ? `no answer within ${timeoutMs / 1000} s` : result.status !== 0 ? `exited ${result.status ?? result.signal}: ${/heap out of memory|Allocation failed/.test(stderr) ? 'JavaScript heap out of memory' : stderr.trim().split('\n').slice(-3).join(' ')}` : undefined;
  return { ms: failed ? Math.max(ms, timeoutMs) : ms, rssKib: rss, bytes: result.stdout?.length ?? 0, timedOut, ...(failed ? { failed } : {}) };
}

async function writeMonth(file: string, events: number): Promise<void> {
  const out = createWriteStream(file);
  // Ending now, so `health` judges a full day of the month, as it would on a live log.
  for (const event of monthOfWork({ events, endsAt: Date.now() })) if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** The time until `cairn serve` answers the board's first request (the lists, from the tables). */
async function dashboardFirstData(cwd: string): Promise<number> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { cwd, stdio: 'ignore' });
  try {
    const start = performance.now();
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/views?view=tasks,activity,inbox,questions,findings`);
        if (response.ok) {
          await response.json();
          return performance.now() - start;
        }
      } catch {
        // not listening yet
      }
      if (performance.now() - start > TIMEOUT_MS) return TIMEOUT_MS;
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    server.kill();
    await once(server, 'exit');
  }
}

/**
 * A month of work (bench/support/month.ts) at two sizes, 100,000 and 1,000,000 events
 * (--quick: 10,000 and 50,000): import, then every read warm against bare `node -e 0` run
 * just before it, its peak memory and output size, and how each read grows from the small
 * log to the large one (the exponent of a power law: 0 is flat, 1 is linear).
 */
export const scaleBenchmark: Benchmark = {
  name: 'scale',
  description: 'a month of work: import, every read warm and cold at 100k and 1M events, growth',
  async run(ctx) {
    const sizes = [sized(ctx, 100_000, 10_000), sized(ctx, 1_000_000, 50_000)];
    const rounds = sized(ctx, 5, 2, 1);
    const figures: Figure[] = [];
    for (const events of sizes) {
      const dir = join(ctx.dir, `month-${events}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'month.ndjson');
      await writeMonth(file, events);
      run([CLI, 'init'], dir);
      const imported = run([CLI, 'import', file], dir, IMPORT_TIMEOUT_MS);
      ctx.log(`scale ${events}: import ${fmt(imported.ms / 1000)} s, ${fmt((imported.rssKib ?? 0) / KIB)} MB${imported.failed ? `; ${imported.failed}` : ''}`);
      figures.push({
        id: `scale.import.${events}`,
        name: `cairn import of ${events} events (a month of work), tables included`,
        value: imported.ms / 1000,
        unit: 's',
        target: events >= 1_000_000 ? '< 60 s' : '(smaller log, for the growth)',
        met: events >= 1_000_000 ? imported.ms < 60_000 : null,
        command: 'npm run bench -- --only scale',
        details: { peakRssMb: imported.rssKib === undefined ? null : imported.rssKib / KIB },
      });
      // The first read of each kind after the import: what a newcomer waits for.
      for (const args of [['status'], ['convergence']]) {
        const cold = run([CLI, ...args], dir);
        ctx.log(`scale ${events}: first ${args[0]} after the import ${fmt(cold.ms / 1000)} s${cold.failed ? `; ${cold.failed}` : ''}`);
        figures.push({
          id: `scale.cold.${args[0]}.${events}`,
          name: `cairn ${args[0]} right after importing ${events} events (cold)`,
          value: cold.ms / 1000,
          unit: 's',
          target: '<= 60 s',
          met: cold.ms <= 60_000,
          command: 'npm run bench -- --only scale',
          details: { failed: cold.failed ?? null, peakRssMb: cold.rssKib === undefined ? null : cold.rssKib / KIB },
        });
      }
      // An analyst's first replays after the import: near the end, then back to the middle.
      for (const share of [0.9, 0.45]) {
        const at = Math.round(events * share);
        const replayed = run([CLI, 'replay', '--at', String(at)], dir);
        ctx.log(`scale ${events}: replay --at ${at} after the import ${fmt(replayed.ms / 1000)} s, ${fmt((replayed.rssKib ?? 0) / KIB)} MB${replayed.failed ? `; ${replayed.failed}` : ''}`);
        figures.push({
          id: `scale.cold.replay.${share * 100}.${events}`,
          name: `cairn replay --at ${at} (every view, ${share * 100}% into the log) right after importing ${events} events`,
          value: replayed.ms / 1000,
          unit: 's',
          target: '<= 60 s',
          met: replayed.ms <= 60_000,
          command: 'npm run bench -- --only scale',
          details: { failed: replayed.failed ?? null, peakRssMb: replayed.rssKib === undefined ? null : replayed.rssKib / KIB, bytes: replayed.bytes },
        });
      }
      run([CLI, 'join', '--as', 'newcomer', '--role', 'builder'], dir);
      const others = [...OTHERS, waitOnATask(dir)];
      for (const args of [...EVERYDAY, ...SIGNALS, ...others]) {
        const name = args[0]!;
        const bare: number[] = [];
        const times: number[] = [];
        let last: Run | undefined;
        for (let r = 0; r < rounds; r++) {
          bare.push(run(['-e', '0'], dir).ms);
          last = run([CLI, ...args], dir);
          times.push(last.ms);
          if (last.failed) break;
        }
        const value = median(times);
        const baseline = median(bare);
        ctx.log(`scale ${events}: ${name} ${fmt(value)} ms (node -e 0 ${fmt(baseline)} ms), ${fmt((last?.rssKib ?? 0) / KIB)} MB, ${last?.bytes} bytes${last?.failed ? `; ${last.failed}` : ''}`);
        const everyday = EVERYDAY.includes(args);
        const reported = others.includes(args);
        const large = events === sizes[sizes.length - 1];
        figures.push({
          id: `scale.warm.${name}.${events}`,
          name: `cairn ${name} warm at ${events} events (median of ${times.length})`,
          value,
          unit: 'ms',
          baseline: { name: 'node -e 0', value: baseline, unit: 'ms' },
          ratio: value / baseline,
          target: !large ? '(smaller log, for the growth)' : reported ? '(reported)' : everyday ? '<= 2x node -e 0' : '<= 1000 ms',
          met: !large || reported ? null : everyday ? value / baseline <= 2 : value <= 1_000,
          command: 'npm run bench -- --only scale',
          details: { samples: times, bare, failed: last?.failed ?? null },
        });
        if (large) {
          const rss = last?.rssKib === undefined ? undefined : last.rssKib / KIB;
          figures.push({
            id: `scale.memory.${name}`,
            name: `cairn ${name} at ${events} events: peak resident memory`,
            value: rss ?? NaN,
            unit: 'MB',
            target: '<= 256 MB',
            met: last?.failed ? false : rss === undefined ? null : rss <= 256,
            command: 'npm run bench -- --only scale',
          });
          figures.push({
            id: `scale.output.${name}`,
            name: `cairn ${name} at ${events} events: default output`,
            value: (last?.bytes ?? 0) / KIB,
            unit: 'KiB',
            target: '< 32 KiB',
            met: last?.failed ? false : (last?.bytes ?? 0) < 32 * KIB,
            command: 'npm run bench -- --only scale',
          });
        }
      }
      const first = await dashboardFirstData(dir);
      figures.push({
        id: `scale.dashboard.${events}`,
        name: `dashboard's first data at ${events} events (serve started cold)`,
        value: first / 1000,
        unit: 's',
        target: events === sizes[sizes.length - 1] ? '< 2 s' : '(smaller log, for the growth)',
        met: events === sizes[sizes.length - 1] ? first < 2_000 : null,
        command: 'npm run bench -- --only scale',
      });
    }
    // Growth of each bounded read from the small log to the large one, in multiples of the
    // `node -e 0` run beside it: the machine's load between the two sizes cancels out.
    const [small, large] = sizes as [number, number];
    for (const args of EVERYDAY) {
      const name = args[0]!;
      const ratioAt = (events: number) => figures.find((f) => f.id === `scale.warm.${name}.${events}`)!.ratio!;
      const exponent = Math.log(ratioAt(large) / ratioAt(small)) / Math.log(large / small);
      figures.push({
        id: `scale.growth.${name}`,
        name: `cairn ${name}: growth from ${small} to ${large} events of its time in multiples of node -e 0 (exponent)`,
        value: exponent,
        unit: '',
        target: '< 0.2',
        met: exponent < 0.2,
        command: 'npm run bench -- --only scale',
      });
    }
    return figures;
  },
};
