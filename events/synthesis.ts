import * as z from 'zod';
import { Id, InstanceId, Tags, nonEmptyText } from './fields.js';

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const synthesisEvents = {
  /** The Reflector's integration of several findings into one statement. */
  SynthesisPublished: () =>
    z.strictObject({
      synthesisId: Id(),
      by: InstanceId(),
      summary: nonEmptyText(10_000),
      integrates: z.array(Id()).min(1, { message: 'must name at least one finding' }).max(200),
      questionId: Id().optional(),
      tags: Tags(),
    }),
};
