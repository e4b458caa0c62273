import { match } from 'ts-pattern';
import { streamName, type EventOf } from '../../events/index.js';
import type { EventStore } from '../store/port.js';
import { refuse, type Decider } from './decider.js';
import type { SnapshotStore } from '../runtime/snapshots.js';
import { loadState, type Loaded } from './load.js';

type InstanceCommandOf<T extends string, Fields = object> = { type: T; instanceId: string } & Fields;

export type InstanceCommand =
  | InstanceCommandOf<'join', { role: string; description?: string }>
  | InstanceCommandOf<'changeRole', { role: string }>
  | InstanceCommandOf<'leave', { reason?: string }>
  | InstanceCommandOf<'sync', { upTo: bigint }>
  | InstanceCommandOf<'markRead', { upTo: bigint }>;

export type InstanceEvent = EventOf<'InstanceJoined' | 'RoleChanged' | 'InstanceLeft' | 'InstanceSynced' | 'InboxRead'>;

/** What every write needs to stamp its metadata: the instance's role and how far it has synced. */
export interface InstanceState {
  /** Has joined at least once. */
  joined: boolean;
  /** Left since it last joined. */
  left: boolean;
  role: string | undefined;
  /** Stamped on each event the instance writes as `seenUpTo`. */
  lastSyncedUpTo: bigint;
  inboxCursor: bigint;
}

export const instanceDecider: Decider<InstanceCommand, InstanceEvent, InstanceState> = {
  initialState: () => ({ joined: false, left: false, role: undefined, lastSyncedUpTo: 0n, inboxCursor: 0n }),

  decide: (command, state) =>
    match<InstanceCommand, InstanceEvent[]>(command)
      .with({ type: 'join' }, ({ instanceId, role, description }) => {
        if (!isPresent(state)) return [{ type: 'InstanceJoined', data: { instanceId, role, description } }];
        // Joining again is safe to repeat; with another role it is a role change.
        return roleChange(instanceId, state, role);
      })
      .with({ type: 'changeRole' }, ({ instanceId, role }) => {
        requirePresent(instanceId, state);
        return roleChange(instanceId, state, role);
      })
      .with({ type: 'leave' }, ({ instanceId, reason }) => {
        if (!state.joined) refuse('not_joined', `instance ${instanceId} has not joined`);
        return state.left ? [] : [{ type: 'InstanceLeft', data: { instanceId, reason } }];
      })
      // Cursors only move forward: going back would be pointless, so it is a no-op, not an error.
      .with({ type: 'sync' }, ({ instanceId, upTo }) => {
        requirePresent(instanceId, state);
        return upTo > state.lastSyncedUpTo ? [{ type: 'InstanceSynced', data: { instanceId, upTo: String(upTo) } }] : [];
      })
      .with({ type: 'markRead' }, ({ instanceId, upTo }) => {
        requirePresent(instanceId, state);
        return upTo > state.inboxCursor ? [{ type: 'InboxRead', data: { instanceId, upTo: String(upTo) } }] : [];
      })
      .exhaustive(),

  evolve: (state, event) =>
    match<InstanceEvent, InstanceState>(event)
      .with({ type: 'InstanceJoined' }, ({ data }) => ({ ...state, joined: true, left: false, role: data.role }))
      .with({ type: 'RoleChanged' }, ({ data }) => ({ ...state, role: data.to }))
      .with({ type: 'InstanceLeft' }, () => ({ ...state, left: true }))
      .with({ type: 'InstanceSynced' }, ({ data }) => ({ ...state, lastSyncedUpTo: max(state.lastSyncedUpTo, BigInt(data.upTo)) }))
      .with({ type: 'InboxRead' }, ({ data }) => ({ ...state, inboxCursor: max(state.inboxCursor, BigInt(data.upTo)) }))
      .exhaustive(),
};

/** The instance's state and stream revision, as of now (from its snapshot, where one is kept: the stream gains an event per sync and per inbox read). */
export const loadInstance = (store: EventStore, instanceId: string, snapshots?: SnapshotStore): Promise<Loaded<InstanceState>> =>
  loadState(store, streamName('instance', instanceId), instanceDecider, snapshots);

const isPresent = (state: InstanceState) => state.joined && !state.left;

function requirePresent(instanceId: string, state: InstanceState): void {
  if (!isPresent(state)) refuse('not_joined', `instance ${instanceId} has not joined${state.left ? ' (it left)' : ''}`);
}

function roleChange(instanceId: string, state: InstanceState, role: string): InstanceEvent[] {
  return role === state.role ? [] : [{ type: 'RoleChanged', data: { instanceId, from: state.role!, to: role } }];
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
