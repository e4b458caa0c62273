import * as z from 'zod';
import { InstanceId, PositionString, Role, text } from './fields.js';

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const instanceEvents = {
  InstanceJoined: () => z.strictObject({ instanceId: InstanceId(), role: Role(), description: text(500).optional() }),
  RoleChanged: () => z.strictObject({ instanceId: InstanceId(), from: Role(), to: Role() }),
  InstanceLeft: () => z.strictObject({ instanceId: InstanceId(), reason: text(500).optional() }),

  /** The instance read the shared log up to `upTo` (the Tachikoma "daily sync"). */
  InstanceSynced: () => z.strictObject({ instanceId: InstanceId(), upTo: PositionString() }),

  /** The instance's inbox read cursor moved to `upTo`; reading alone never moves it. */
  InboxRead: () => z.strictObject({ instanceId: InstanceId(), upTo: PositionString() }),
};
