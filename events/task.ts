import * as z from 'zod';
import { Id, InstanceId, Tags, Timestamp, nonEmptyText, text } from './fields.js';

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const taskEvents = {
  TaskProposed: () =>
    z.strictObject({
      taskId: Id(),
      title: nonEmptyText(200),
      description: text(10_000).optional(),
      tags: Tags(),
      proposedBy: InstanceId(),
    }),

  TaskClaimed: () => z.strictObject({ taskId: Id(), owner: InstanceId(), leaseUntil: Timestamp() }),
  ClaimRenewed: () => z.strictObject({ taskId: Id(), owner: InstanceId(), leaseUntil: Timestamp() }),
  ClaimReleased: () => z.strictObject({ taskId: Id(), owner: InstanceId(), reason: text(2_000).optional() }),
  TaskCompleted: () => z.strictObject({ taskId: Id(), by: InstanceId(), outcome: text(10_000).optional() }),
  TaskAbandoned: () => z.strictObject({ taskId: Id(), by: InstanceId(), reason: text(2_000).optional() }),
};
