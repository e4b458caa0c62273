import * as z from 'zod';
import { Id, InstanceId, Tags, nonEmptyText, text } from './fields.js';

/** A research question several roles work on (the Reflector's "distributed research engine"). */
export const QuestionPosed = z.object({
  type: z.literal('QuestionPosed'),
  data: z.strictObject({ questionId: Id, text: nonEmptyText(2_000), tags: Tags, askedBy: InstanceId }),
});

export const QuestionClosed = z.object({
  type: z.literal('QuestionClosed'),
  data: z.strictObject({ questionId: Id, by: InstanceId, resolution: text(10_000).optional() }),
});
