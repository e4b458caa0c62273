import * as z from 'zod';
import { Id, InstanceId, Role, Timestamp } from './fields.js';

/** The data of each of these events, as a schema made on first use (see catalog.ts). */
export const invitationEvents = {
  /**
   * A one-time invitation to join a server over HTTP with one role, until it expires. The log
   * keeps only a hash of the code (the code is 32 random bytes, so the hash reveals nothing);
   * `for` restricts it to one instance id.
   */
  InvitationIssued: () =>
    z.strictObject({
      invitationId: Id(),
      role: Role(),
      for: InstanceId().optional(),
      expiresAt: Timestamp(),
      /** What the log keeps of the code: its SHA-256 digest in hex. */
      codeSha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a SHA-256 digest in hex' }),
    }),

  /** The invitation was spent: the instance that presented it joined with its role. */
  InvitationAccepted: () => z.strictObject({ invitationId: Id(), instanceId: InstanceId() }),
};
