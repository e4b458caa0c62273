import * as z from 'zod';
import { Id, InstanceId, Tags, nonEmptyText, text } from './fields.js';

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const questionEvents = {
  /** A research question several roles work on (the Reflector's "distributed research engine"). */
  QuestionPosed: () => z.strictObject({ questionId: Id(), text: nonEmptyText(2_000), tags: Tags(), askedBy: InstanceId() }),
  QuestionClosed: () => z.strictObject({ questionId: Id(), by: InstanceId(), resolution: text(10_000).optional() }),
};
