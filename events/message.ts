import * as z from 'zod';
import { Id, InstanceId, Recipient, nonEmptyText } from './fields.js';

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const messageEvents = {
  /** The async message board: to one instance, a whole role ("role:builder") or everyone ("all"). */
  MessagePosted: () =>
    z.strictObject({
      messageId: Id(),
      from: InstanceId(),
      to: Recipient(),
      body: nonEmptyText(10_000),
      replyTo: Id().optional(),
    }),
};
