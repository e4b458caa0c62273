import * as z from 'zod';
import { InstanceId, PositionString, Role, text } from './fields.js';

export const InstanceJoined = z.object({
  type: z.literal('InstanceJoined'),
  data: z.strictObject({ instanceId: InstanceId, role: Role, description: text(500).optional() }),
});

export const RoleChanged = z.object({
  type: z.literal('RoleChanged'),
  data: z.strictObject({ instanceId: InstanceId, from: Role, to: Role }),
});

export const InstanceLeft = z.object({
  type: z.literal('InstanceLeft'),
  data: z.strictObject({ instanceId: InstanceId, reason: text(500).optional() }),
});

/** The instance read the shared log up to `upTo` (the Tachikoma "daily sync"). */
export const InstanceSynced = z.object({
  type: z.literal('InstanceSynced'),
  data: z.strictObject({ instanceId: InstanceId, upTo: PositionString }),
});

/** The instance's inbox read cursor moved to `upTo`; reading alone never moves it. */
export const InboxRead = z.object({
  type: z.literal('InboxRead'),
  data: z.strictObject({ instanceId: InstanceId, upTo: PositionString }),
});
