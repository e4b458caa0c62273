import * as z from 'zod';
import { embedding, Id, InstanceId, Tags, Topic, nonEmptyText } from './fields.js';

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const findingEvents = {
  /** A shared learning. An optional embedding is computed at write time so replay never calls a model. */
  FindingRecorded: () =>
    z.strictObject({
      findingId: Id(),
      by: InstanceId(),
      summary: nonEmptyText(4_000),
      topic: Topic().optional(),
      tags: Tags(),
      cites: z.array(Id()).max(50, { message: 'must have at most 50 entries' }),
      questionId: Id().optional(),
      embedding: embedding().optional(),
    }),
};
