import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { InstanceId, Role, streamName } from '../../events/index.js';
import { handleCommand } from '../domain/handle.js';
import { invitationDecider } from '../domain/invitation.js';
import { actorOf, metadataFor } from './actor.js';
import type { App } from './app.js';
import { duration } from './duration.js';
import type { Caller } from './operation.js';

/** An invitation lasts a day unless told otherwise (at most a week, as any duration). */
export const inviteInput = () => z.strictObject({ role: Role(), for: InstanceId().optional(), expires: duration().default(24 * 3_600_000) });
export type InviteInput = z.output<ReturnType<typeof inviteInput>>;

/** `inv-<hex>.<secret>`: the id names the stream to read, the secret proves the holder got it from the issuer. */
const CODE = /^(inv-[0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

const digest = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

export interface Invitation {
  invitationId: string;
  /** Shown once: the log keeps only its hash. */
  code: string;
  role: string;
  for: string | undefined;
  expiresAt: string;
}

/** Issues a one-time invitation, written to the log as the caller (a joined instance). */
export async function invite(app: App, input: InviteInput, caller: Caller): Promise<Invitation> {
  const actor = await actorOf(app, caller);
  const invitationId = `inv-${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const now = app.clock();
  const expiresAt = new Date(now.getTime() + input.expires);
  await handleCommand({
    store: app.store,
    streamName: streamName('invitation', invitationId),
    decider: invitationDecider,
    command: { type: 'invite', invitationId, role: input.role, for: input.for, expiresAt, codeSha256: digest(secret) },
    metadata: metadataFor(app, actor),
    expectNew: true,
  });
  return { invitationId, code: `${invitationId}.${secret}`, role: input.role, for: input.for, expiresAt: expiresAt.toISOString() };
}

/** Whether a presented admission value has the shape of an invitation code (rather than the join secret). */
export const isInvitationCode = (value: string): boolean => CODE.test(value);

/**
 * Spends an invitation for an instance about to join with `role`; refused (DomainError) when
 * the code is wrong, spent, expired, or for another role or instance. Written as the joining
 * instance, which has seen nothing yet.
 */
export async function acceptInvitation(app: App, code: string, joining: { instanceId: string; role: string }): Promise<void> {
  const [, invitationId, secret] = CODE.exec(code) ?? [];
  const now = app.clock();
  await handleCommand({
    store: app.store,
    streamName: streamName('invitation', invitationId!),
    decider: invitationDecider,
    command: { type: 'accept', invitationId: invitationId!, instanceId: joining.instanceId, role: joining.role, codeSha256: digest(secret!), now },
    metadata: { instanceId: joining.instanceId, role: joining.role, seenUpTo: 0n, at: now },
  });
}
