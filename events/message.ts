import * as z from 'zod';
import { Id, InstanceId, Recipient, nonEmptyText } from './fields.js';

/** The async message board: to one instance, a whole role ("role:builder") or everyone ("all"). */
export const MessagePosted = z.object({
  type: z.literal('MessagePosted'),
  data: z.strictObject({
    messageId: Id,
    from: InstanceId,
    to: Recipient,
    body: nonEmptyText(10_000),
    replyTo: Id.optional(),
  }),
});
