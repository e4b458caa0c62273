import { describe, it } from 'vitest';
import { invitationDecider, type InvitationCommand, type InvitationEvent } from '../../src/domain/invitation.js';
import { givenFor } from './given.js';

const given = givenFor(invitationDecider);
const invitationId = 'inv-0123456789abcdef';
const hash = 'a'.repeat(64);
const expiresAt = '2026-12-02T12:00:00.000Z';

const invite = (fields: { role?: string; for?: string } = {}): InvitationCommand => ({
  type: 'invite',
  invitationId,
  role: fields.role ?? 'coordinator',
  for: fields.for,
  expiresAt: new Date(expiresAt),
  codeSha256: hash,
});
const accept = (fields: { instanceId?: string; role?: string; codeSha256?: string; now?: string } = {}): InvitationCommand => ({
  type: 'accept',
  invitationId,
  instanceId: fields.instanceId ?? 'dee',
  role: fields.role ?? 'coordinator',
  codeSha256: fields.codeSha256 ?? hash,
  now: new Date(fields.now ?? '2026-12-02T11:00:00.000Z'),
});

const issued = (only?: string): InvitationEvent => ({ type: 'InvitationIssued', data: { invitationId, role: 'coordinator', for: only, expiresAt, codeSha256: hash } });
const accepted = (instanceId = 'dee'): InvitationEvent => ({ type: 'InvitationAccepted', data: { invitationId, instanceId } });

describe('invite', () => {
  it('issues an invitation that keeps only the hash of its code', () => {
    given([]).when(invite({ for: 'dee' })).then([issued('dee')]);
  });

  it('refuses to issue the same invitation twice', () => {
    given([issued()]).when(invite()).thenRefuses('already_exists');
  });
});

describe('accept', () => {
  it('admits the first join that presents the code, with its role', () => {
    given([issued()]).when(accept()).then([accepted()]);
  });

  it('admits one join only: a second is refused, whoever presents it', () => {
    given([issued(), accepted()]).when(accept({ instanceId: 'eve' })).thenRefuses('invitation_spent', `invitation ${invitationId} was used already: each admits one join`);
  });

  it('refuses a wrong code exactly as an unknown invitation, so a guess learns nothing', () => {
    given([issued()]).when(accept({ codeSha256: 'b'.repeat(64) })).thenRefuses('invalid_invitation', 'no such invitation: check the code `cairn invite` printed');
    given([]).when(accept()).thenRefuses('invalid_invitation', 'no such invitation: check the code `cairn invite` printed');
  });

  it('refuses once expired, by the time the command carries', () => {
    given([issued()]).when(accept({ now: expiresAt })).thenRefuses('invitation_expired', `invitation ${invitationId} expired at ${expiresAt}`);
  });

  it('refuses another role, and another instance when it names one', () => {
    given([issued()]).when(accept({ role: 'builder' })).thenRefuses('invitation_role', `invitation ${invitationId} is for the role coordinator, not builder`);
    given([issued('dee')]).when(accept({ instanceId: 'eve' })).thenRefuses('invitation_instance', `invitation ${invitationId} is for dee, not eve`);
  });
});
