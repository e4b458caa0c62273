import * as z from 'zod';

/**
 * A point in the log's history, as an analyst names it: a global position ("1234") or a
 * time ("2026-11-24T18:00:00Z"). Replay folds every event up to and including it. Made with
 * the input schema that holds it (see defineOperation).
 */
export const logPoint = () =>
  z
    .string()
    .max(40)
    .transform((value, ctx): { position: bigint } | { time: Date } => {
      if (/^\d{1,20}$/.test(value)) return { position: BigInt(value) };
      const time = new Date(value);
      if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(time.getTime())) return { time };
      ctx.addIssue({ code: 'custom', message: 'must be a log position (an integer) or an ISO-8601 time' });
      return z.NEVER;
    });
export type LogPoint = z.output<ReturnType<typeof logPoint>>;
