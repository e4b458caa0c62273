import * as z from 'zod';
import { Id, InstanceId, Tags, Timestamp, nonEmptyText, text } from './fields.js';

export const TaskProposed = z.object({
  type: z.literal('TaskProposed'),
  data: z.strictObject({
    taskId: Id,
    title: nonEmptyText(200),
    description: text(10_000).optional(),
    tags: Tags,
    proposedBy: InstanceId,
  }),
});

export const TaskClaimed = z.object({
  type: z.literal('TaskClaimed'),
  data: z.strictObject({ taskId: Id, owner: InstanceId, leaseUntil: Timestamp }),
});

export const ClaimRenewed = z.object({
  type: z.literal('ClaimRenewed'),
  data: z.strictObject({ taskId: Id, owner: InstanceId, leaseUntil: Timestamp }),
});

export const ClaimReleased = z.object({
  type: z.literal('ClaimReleased'),
  data: z.strictObject({ taskId: Id, owner: InstanceId, reason: text(2_000).optional() }),
});

export const TaskCompleted = z.object({
  type: z.literal('TaskCompleted'),
  data: z.strictObject({ taskId: Id, by: InstanceId, outcome: text(10_000).optional() }),
});

export const TaskAbandoned = z.object({
  type: z.literal('TaskAbandoned'),
  data: z.strictObject({ taskId: Id, by: InstanceId, reason: text(2_000).optional() }),
});
