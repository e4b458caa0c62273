/**
 * One measured figure of `npm run bench`. Every figure that has a target is a ratio to a
 * baseline measured in the same run, or a count: raw timings alone say little on a shared,
 * noisy machine, ratios of interleaved runs say much more.
 */
export interface Figure {
  /** Stable id, e.g. "append.single". */
  id: string;
  /** What is measured, for people. */
  name: string;
  value: number;
  unit: string;
  /** The baseline measured in the same run, when the figure is compared with one. */
  baseline?: { name: string; value: number; unit: string };
  /** value/baseline or baseline/value, whichever the target is stated in. */
  ratio?: number;
  /** The target as a sentence, e.g. ">= 0.8 of raw". */
  target: string;
  /** Whether the target is met; null for figures reported without a target. */
  met: boolean | null;
  /** The command that reproduces this figure. */
  command: string;
  details?: Record<string, unknown>;
}

export interface BenchContext {
  /** --quick: small sizes for a smoke run. */
  quick: boolean;
  /** --scale F: multiplies every size (after --quick). */
  scale: number;
  /** A scratch directory removed after the run. */
  dir: string;
  log(message: string): void;
}

/**
 * A rate in events/s against the raw read-and-parse loop of the same run (the floor of any
 * replay or fold), its ratio raw time / measured time.
 */
export function againstRawLoop(f: {
  id: string;
  name: string;
  events: number;
  ms: number;
  rawMs: number;
  target: string;
  met: boolean | null;
  command: string;
  details?: Record<string, unknown>;
}): Figure {
  return {
    id: f.id,
    name: f.name,
    value: (f.events / f.ms) * 1000,
    unit: 'events/s',
    baseline: { name: 'raw read + JSON.parse loop', value: (f.events / f.rawMs) * 1000, unit: 'events/s' },
    ratio: f.rawMs / f.ms,
    target: f.target,
    met: f.met,
    command: f.command,
    details: { events: f.events, ms: f.ms, rawMs: f.rawMs, ...f.details },
  };
}

/** A size scaled for this run, never below `min`. */
export const sized = (ctx: BenchContext, full: number, quick: number, min = 1): number =>
  Math.max(min, Math.round((ctx.quick ? quick : full) * ctx.scale));

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}
