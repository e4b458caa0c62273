import v8 from 'node:v8';
import vm from 'node:vm';

/** Small statistics for timings. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** Milliseconds since an arbitrary origin, high resolution. */
export const now = (): number => performance.now();

/** Runs `body` and returns how long it took, in ms. */
export async function timed(body: () => unknown): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

export function timedSync(body: () => unknown): number {
  const start = performance.now();
  body();
  return performance.now() - start;
}

/** Formats a number with a sensible number of digits. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * A full garbage collection, so that one measurement does not pay for the garbage another
 * left behind (the JSON-file baseline leaves megabytes per post). `--expose-gc` set at run
 * time, to keep `node dist/bench/run.js` free of flags.
 */
export const collectGarbage: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/** Lets pending I/O callbacks run and collects garbage between measured phases. */
export async function settle(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
}
