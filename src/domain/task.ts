import { P, match } from 'ts-pattern';
import type { EventOf } from '../../events/index.js';
import { ValidationError } from '../errors.js';
import { refuse, type Actor, type Decider } from './decider.js';

/** How long a claim holds when the claimer does not say: long enough to work, short enough to recover from a crash. */
export const DEFAULT_LEASE_MS = 15 * 60_000;
/** A longer lease would be a claim nobody can take back. */
export const MAX_LEASE_MS = 7 * 24 * 60 * 60_000;

type TaskCommandOf<T extends string, Fields = object> = { type: T; taskId: string; now: Date; actor: Actor } & Fields;

export type TaskCommand =
  | TaskCommandOf<'propose', { title: string; description?: string; tags: string[] }>
  | TaskCommandOf<'claim', { leaseMs?: number }>
  | TaskCommandOf<'renew', { leaseMs?: number }>
  | TaskCommandOf<'release', { reason?: string }>
  | TaskCommandOf<'complete', { outcome?: string }>
  | TaskCommandOf<'abandon', { reason?: string }>;

export type TaskEvent = EventOf<'TaskProposed' | 'TaskClaimed' | 'ClaimRenewed' | 'ClaimReleased' | 'TaskCompleted' | 'TaskAbandoned'>;

export type TaskStatus = 'unknown' | 'open' | 'claimed' | 'completed' | 'abandoned';

/**
 * Just what the rules need. `claimed` is the recorded status: whether the lease is still
 * live depends on `now` (see isLeaseLive). The owner stays the owner after its lease runs
 * out, until someone else claims or it lets go.
 */
export interface TaskState {
  status: TaskStatus;
  title?: string;
  tags: string[];
  proposedBy?: string;
  owner?: string;
  leaseUntil?: Date;
}

export const isLeaseLive = (state: TaskState, now: Date): boolean =>
  state.status === 'claimed' && state.leaseUntil !== undefined && state.leaseUntil.getTime() > now.getTime();

export const taskDecider: Decider<TaskCommand, TaskEvent, TaskState> = {
  initialState: () => ({ status: 'unknown', tags: [] }),

  decide: (command, state) =>
    match<TaskCommand, TaskEvent[]>(command)
      .with({ type: 'propose' }, (c) => {
        if (state.status !== 'unknown') refuse('already_exists', `task ${c.taskId} already exists`);
        const { taskId, title, description, tags } = c;
        return [{ type: 'TaskProposed', data: { taskId, title, description, tags, proposedBy: c.actor.instanceId } }];
      })
      .with({ type: 'claim' }, (c) => {
        requireActive(c.taskId, state);
        const me = c.actor.instanceId;
        // Claiming what you already hold just extends the lease.
        if (state.status === 'claimed' && state.owner === me) return [renewal(c)];
        if (isLeaseLive(state, c.now)) refuse('already_claimed', `claimed by ${state.owner} until ${state.leaseUntil!.toISOString()}`);
        return [{ type: 'TaskClaimed', data: { taskId: c.taskId, owner: me, leaseUntil: leaseEnd(c) } }];
      })
      .with({ type: 'renew' }, (c) => {
        requireOwner(c, state, 'renew');
        return [renewal(c)];
      })
      .with({ type: 'release' }, (c) => {
        requireOwner(c, state, 'release');
        return [{ type: 'ClaimReleased', data: { taskId: c.taskId, owner: c.actor.instanceId, reason: c.reason } }];
      })
      .with({ type: 'complete' }, (c) => {
        requireActive(c.taskId, state);
        // The coordinator marks proposals complete when they are delivered, whoever did the work.
        if (!isOwner(c.actor, state) && !isCoordinator(c.actor)) {
          refuse('not_owner', `task ${c.taskId} is ${holder(state)}: only its owner or a coordinator may complete it`);
        }
        return [{ type: 'TaskCompleted', data: { taskId: c.taskId, by: c.actor.instanceId, outcome: c.outcome } }];
      })
      .with({ type: 'abandon' }, (c) => {
        requireActive(c.taskId, state);
        if (!isOwner(c.actor, state) && state.proposedBy !== c.actor.instanceId && !isCoordinator(c.actor)) {
          refuse(
            'not_owner',
            `task ${c.taskId} is ${holder(state)}: only its owner, its proposer (${state.proposedBy}) or a coordinator may abandon it`,
          );
        }
        return [{ type: 'TaskAbandoned', data: { taskId: c.taskId, by: c.actor.instanceId, reason: c.reason } }];
      })
      .exhaustive(),

  evolve: (state, event) =>
    match<TaskEvent, TaskState>(event)
      .with({ type: 'TaskProposed' }, ({ data }) => ({ status: 'open', title: data.title, tags: data.tags, proposedBy: data.proposedBy }))
      .with({ type: P.union('TaskClaimed', 'ClaimRenewed') }, ({ data }) => ({
        ...state,
        status: 'claimed',
        owner: data.owner,
        leaseUntil: new Date(data.leaseUntil),
      }))
      .with({ type: 'ClaimReleased' }, () => withoutClaim(state, 'open'))
      .with({ type: 'TaskCompleted' }, () => withoutClaim(state, 'completed'))
      .with({ type: 'TaskAbandoned' }, () => withoutClaim(state, 'abandoned'))
      .exhaustive(),
};

function withoutClaim(state: TaskState, status: TaskStatus): TaskState {
  const { owner: _owner, leaseUntil: _leaseUntil, ...rest } = state;
  return { ...rest, status };
}

const isOwner = (actor: Actor, state: TaskState) => state.status === 'claimed' && state.owner === actor.instanceId;
const isCoordinator = (actor: Actor) => actor.role === 'coordinator';
const holder = (state: TaskState) => (state.status === 'claimed' ? `claimed by ${state.owner}` : 'not claimed');

/** Every command but propose needs a task that exists and has not ended. */
function requireActive(taskId: string, state: TaskState): void {
  if (state.status === 'unknown') refuse('unknown_task', `unknown task ${taskId}`);
  if (state.status === 'completed' || state.status === 'abandoned') refuse('task_closed', `task ${taskId} is already ${state.status}`);
}

/** Renew and release belong to the owner, even after its lease ran out, as long as nobody claimed since. */
function requireOwner(c: { taskId: string; actor: Actor }, state: TaskState, verb: string): void {
  requireActive(c.taskId, state);
  if (!isOwner(c.actor, state)) refuse('not_owner', `cannot ${verb} task ${c.taskId}: it is ${holder(state)}`);
}

function renewal(c: { taskId: string; actor: Actor; now: Date; leaseMs?: number }): TaskEvent {
  return { type: 'ClaimRenewed', data: { taskId: c.taskId, owner: c.actor.instanceId, leaseUntil: leaseEnd(c) } };
}

function leaseEnd({ now, leaseMs = DEFAULT_LEASE_MS }: { now: Date; leaseMs?: number }): string {
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0 || leaseMs > MAX_LEASE_MS) {
    throw new ValidationError([{ field: 'leaseMs', reason: `must be a whole number of milliseconds between 1 and ${MAX_LEASE_MS} (7 days)` }]);
  }
  return new Date(now.getTime() + leaseMs).toISOString();
}
