import { match } from 'ts-pattern';
import { streamName, type EventOf } from '../../events/index.js';
import type { EventStore } from '../store/port.js';
import { refuse, type Decider } from './decider.js';
import { loadState, type Loaded } from './load.js';

export type InvitationCommand =
  | { type: 'invite'; invitationId: string; role: string; for?: string; expiresAt: Date; codeSha256: string }
  | { type: 'accept'; invitationId: string; instanceId: string; role: string; codeSha256: string; now: Date };

export type InvitationEvent = EventOf<'InvitationIssued' | 'InvitationAccepted'>;

export type InvitationState =
  | { status: 'none' }
  | { status: 'open' | 'spent'; role: string; for: string | undefined; expiresAt: number; codeSha256: string };

/**
 * A one-time admission to a server over HTTP. Spending it is a write to its own stream at the
 * revision read, so of two joins racing with one code exactly one is admitted. A wrong code
 * is refused exactly like an unknown invitation: a guess learns nothing.
 */
export const invitationDecider: Decider<InvitationCommand, InvitationEvent, InvitationState> = {
  initialState: () => ({ status: 'none' }),

  decide: (command, state) =>
    match<InvitationCommand, InvitationEvent[]>(command)
      .with({ type: 'invite' }, ({ invitationId, role, for: only, expiresAt, codeSha256 }) => {
        if (state.status !== 'none') refuse('already_exists', `invitation ${invitationId} already exists`);
        return [{ type: 'InvitationIssued', data: { invitationId, role, for: only, expiresAt: expiresAt.toISOString(), codeSha256 } }];
      })
      .with({ type: 'accept' }, ({ invitationId, instanceId, role, codeSha256, now }) => {
        if (state.status === 'none' || state.codeSha256 !== codeSha256) refuse('invalid_invitation', 'no such invitation: check the code `cairn invite` printed');
        if (state.status === 'spent') refuse('invitation_spent', `invitation ${invitationId} was used already: each admits one join`);
        if (now.getTime() >= state.expiresAt) refuse('invitation_expired', `invitation ${invitationId} expired at ${new Date(state.expiresAt).toISOString()}`);
        if (state.role !== role) refuse('invitation_role', `invitation ${invitationId} is for the role ${state.role}, not ${role}`);
        if (state.for !== undefined && state.for !== instanceId) refuse('invitation_instance', `invitation ${invitationId} is for ${state.for}, not ${instanceId}`);
        return [{ type: 'InvitationAccepted', data: { invitationId, instanceId } }];
      })
      .exhaustive(),

  evolve: (state, event) =>
    match<InvitationEvent, InvitationState>(event)
      .with({ type: 'InvitationIssued' }, ({ data }) => ({
        status: 'open',
        role: data.role,
        for: data.for,
        expiresAt: Date.parse(data.expiresAt),
        codeSha256: data.codeSha256,
      }))
      .with({ type: 'InvitationAccepted' }, () => (state.status === 'none' ? state : { ...state, status: 'spent' }))
      .exhaustive(),
};

export const loadInvitation = (store: EventStore, invitationId: string): Promise<Loaded<InvitationState>> =>
  loadState(store, streamName('invitation', invitationId), invitationDecider);
