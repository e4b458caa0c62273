import type { StoredEvent } from '../events/index.js';
import type { Projection } from './projection.js';
import { dict, sortBy, type Dict } from './shared.js';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'abandoned';

/**
 * A task as the log records it. `status` is the recorded status: a claim stays `claimed`
 * here after its lease ran out, because knowing that needs a `now` (see taskBoard).
 */
export interface TaskRecord {
  taskId: string;
  title: string;
  description: string | null;
  tags: string[];
  proposedBy: string;
  proposedAt: string;
  proposedPosition: bigint;
  status: TaskStatus;
  owner: string | null;
  leaseUntil: string | null;
  claimedAt: string | null;
  /** The most recent owner; kept after a release, an expiry or the end of the task. */
  lastOwner: string | null;
  completedBy: string | null;
  outcome: string | null;
  abandonedBy: string | null;
  abandonReason: string | null;
  /** How many times the task was claimed (renewals not counted). */
  claims: number;
  /** Position and time of the last event that changed the task. */
  position: bigint;
  updatedAt: string;
}

export interface TasksState {
  tasks: Dict<TaskRecord>;
}

/** A task as it stands at `now`: an expired claim is effectively open again. */
export interface TaskView extends TaskRecord {
  /** The recorded claim's lease has run out (at `now` >= leaseUntil): status is `open`, owner null. */
  stale: boolean;
  /** For a recorded claim, ms until its lease runs out (<= 0 once stale); otherwise null. */
  leaseRemainingMs: number | null;
}

export const tasksProjection: Projection<TasksState> = {
  name: 'tasks',
  version: 1,
  initialState: () => ({ tasks: dict() }),
  evolve(state, event) {
    if (event.type === 'TaskProposed') {
      const d = event.data;
      state.tasks[d.taskId] ??= {
        taskId: d.taskId,
        title: d.title,
        description: d.description ?? null,
        tags: d.tags,
        proposedBy: d.proposedBy,
        proposedAt: event.metadata.at,
        proposedPosition: event.position,
        status: 'open',
        owner: null,
        leaseUntil: null,
        claimedAt: null,
        lastOwner: null,
        completedBy: null,
        outcome: null,
        abandonedBy: null,
        abandonReason: null,
        claims: 0,
        position: event.position,
        updatedAt: event.metadata.at,
      };
      return state;
    }
    if (!('taskId' in event.data)) return state;
    // Deciders keep a task's stream in order, so a task event before its proposal cannot happen.
    const task = state.tasks[event.data.taskId];
    if (task) applyTo(task, event);
    return state;
  },
};

/** Each event states a fact about the claim; the decider already checked it was allowed. */
function applyTo(task: TaskRecord, event: StoredEvent): void {
  switch (event.type) {
    case 'TaskClaimed':
      task.status = 'claimed';
      task.owner = task.lastOwner = event.data.owner;
      task.leaseUntil = event.data.leaseUntil;
      task.claimedAt = event.metadata.at;
      task.claims += 1;
      break;
    case 'ClaimRenewed':
      task.status = 'claimed';
      task.owner = task.lastOwner = event.data.owner;
      task.leaseUntil = event.data.leaseUntil;
      break;
    case 'ClaimReleased':
      endClaim(task, 'open');
      break;
    case 'TaskCompleted':
      endClaim(task, 'completed');
      task.completedBy = event.data.by;
      task.outcome = event.data.outcome ?? null;
      break;
    case 'TaskAbandoned':
      endClaim(task, 'abandoned');
      task.abandonedBy = event.data.by;
      task.abandonReason = event.data.reason ?? null;
      break;
    default:
      return;
  }
  task.position = event.position;
  task.updatedAt = event.metadata.at;
}

function endClaim(task: TaskRecord, status: TaskStatus): void {
  task.status = status;
  task.owner = task.leaseUntil = task.claimedAt = null;
}

/** One task at `now`. */
export function taskView(task: TaskRecord, now: Date): TaskView {
  if (task.status !== 'claimed' || task.leaseUntil === null) return { ...task, stale: false, leaseRemainingMs: null };
  const remaining = Date.parse(task.leaseUntil) - now.getTime();
  if (remaining > 0) return { ...task, stale: false, leaseRemainingMs: remaining };
  return { ...task, status: 'open', owner: null, stale: true, leaseRemainingMs: remaining };
}

/** Every task with its effective status at `now`, in the order they were proposed. */
export function taskBoard(state: TasksState, now: Date): TaskView[] {
  return sortBy(
    Object.values(state.tasks).map((task) => taskView(task, now)),
    (t) => t.proposedPosition,
  );
}

/** Claims whose lease has run out without a release: anyone may take these tasks. */
export const staleLeases = (state: TasksState, now: Date): TaskView[] => taskBoard(state, now).filter((t) => t.stale);

/** Tasks anyone may claim at `now`, including those with a stale claim. */
export const openTasks = (state: TasksState, now: Date): TaskView[] => taskBoard(state, now).filter((t) => t.status === 'open');

/** Tasks `instanceId` holds a live claim on at `now`. */
export const claimsHeldBy = (state: TasksState, instanceId: string, now: Date): TaskView[] =>
  taskBoard(state, now).filter((t) => t.status === 'claimed' && t.owner === instanceId);
