import * as z from 'zod';
import { once } from '../memo.js';

const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const WRITTEN = /^(\d{1,9})(ms|s|m|h|d)$/;
/** Bounded to a week: a longer lease is a claim nobody can take back. */
const inBounds = (ms: number): boolean => ms > 0 && ms <= 7 * UNITS.d;

/** Milliseconds of a duration as written ("90s") or given (a number of milliseconds). */
function millisecondsOf(value: string | number): number {
  if (typeof value === 'number') return value;
  const [, amount, unit] = WRITTEN.exec(value)!;
  return Number(amount) * UNITS[unit as keyof typeof UNITS];
}

/**
 * A duration as people write it ("90s", "15m", "2h") or as a number of milliseconds. Made on
 * first use, as the input schemas that hold it are (see defineOperation), then kept:
 * `.default()` makes a new one.
 */
export const duration = once(() =>
  z
    .union([
      z.string().regex(WRITTEN, { message: 'must be a duration like 500ms, 90s, 15m, 2h or 1d' }),
      z.number().int().positive(),
    ])
    .transform(millisecondsOf)
    .refine(inBounds, { message: 'must be more than 0 and at most 7 days' }),
);

/**
 * What duration() parses a valid value to, from the same parts, without making the schema (a
 * CLI call's `--lease`); undefined when it is not valid, and zod then says why. The generated
 * input validators call it (src/app/input-codegen.ts); tests/app/inputs.test.ts holds it to zod.
 */
export function durationMs(value: unknown): number | undefined {
  const given = (typeof value === 'string' && WRITTEN.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value) && value > 0);
  if (!given) return undefined;
  const ms = millisecondsOf(value as string | number);
  return inBounds(ms) ? ms : undefined;
}

export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / 1000));
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  return sign + (h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`);
}
