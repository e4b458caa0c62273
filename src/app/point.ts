import * as z from 'zod';
import { once } from '../memo.js';

/** A point in the log's history: a global position, or a time. */
export type LogPoint = { position: bigint } | { time: Date };

const MAX_LENGTH = 40;

/** The point a string names, or undefined when it names none. */
function pointOf(value: string): LogPoint | undefined {
  if (/^\d{1,20}$/.test(value)) return { position: BigInt(value) };
  const time = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(time.getTime())) return { time };
  return undefined;
}

/**
 * A point in the log's history, as an analyst names it: a global position ("1234") or a
 * time ("2026-11-24T18:00:00Z"). Replay folds every event up to and including it. Made on
 * first use, then kept (`.optional()` makes a new one).
 */
export const logPoint = once(() =>
  z
    .string()
    .max(MAX_LENGTH)
    .transform((value, ctx): LogPoint => {
      const point = pointOf(value);
      if (point !== undefined) return point;
      ctx.addIssue({ code: 'custom', message: 'must be a log position (an integer) or an ISO-8601 time' });
      return z.NEVER;
    }),
);

/**
 * What logPoint() parses a valid value to, by the same rule, without making the schema (a CLI
 * call's `--since`); undefined when it is not valid, and zod then says why. The generated input
 * validators call it (src/app/input-codegen.ts); tests/app/inputs.test.ts holds it to zod.
 */
export function logPointOf(value: unknown): LogPoint | undefined {
  return typeof value === 'string' && value.length <= MAX_LENGTH ? pointOf(value) : undefined;
}
