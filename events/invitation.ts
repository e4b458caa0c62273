import * as z from 'zod';
import { Id, InstanceId, Role, Timestamp } from './fields.js';

/** A SHA-256 digest in hex: what the log keeps of an invitation's code. */
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a SHA-256 digest in hex' });

/**
 * A one-time invitation to join a server over HTTP with one role, until it expires. The log
 * keeps only a hash of the code (the code is 32 random bytes, so the hash reveals nothing);
 * `for` restricts it to one instance id.
 */
export const InvitationIssued = z.object({
  type: z.literal('InvitationIssued'),
  data: z.strictObject({
    invitationId: Id,
    role: Role,
    for: InstanceId.optional(),
    expiresAt: Timestamp,
    codeSha256: Sha256Hex,
  }),
});

/** The invitation was spent: the instance that presented it joined with its role. */
export const InvitationAccepted = z.object({
  type: z.literal('InvitationAccepted'),
  data: z.strictObject({ invitationId: Id, instanceId: InstanceId }),
});
