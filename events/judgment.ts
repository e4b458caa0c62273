import * as z from 'zod';
import { Id, InstanceId, nonEmptyText } from './fields.js';

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const judgmentEvents = {
  /**
   * An instance that wrote neither finding says whether a candidate convergence really says the
   * same thing. Judgments are how agents, who read meaning well, correct the matcher; a later
   * judgment by the same instance replaces its earlier one.
   */
  ConvergenceJudged: () =>
    z.strictObject({
      earlier: Id(),
      later: Id(),
      by: InstanceId(),
      // A literal of two values rather than z.enum: the replay fast path (src/runtime/fast-parse.ts) compiles literals.
      verdict: z.literal(['same', 'different']),
      reason: nonEmptyText(1_000),
    }),
};
