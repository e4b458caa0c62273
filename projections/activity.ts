import { ANONYMOUS, type StoredEvent } from '../events/index.js';
import type { Projection } from './projection.js';
import { bump, dict, isBefore, laterAt, topicKey, type Dict } from './shared.js';

/** What one instance has done, as the log records it. */
export interface InstanceRecord {
  instanceId: string;
  /** Its current role: from InstanceJoined / RoleChanged, else the role its first event carried. */
  role: string;
  joinedAt: string | null;
  left: boolean;
  leftAt: string | null;
  /** The latest `at` among the events it wrote. */
  lastSeen: string | null;
  lastSyncedUpTo: bigint | null;
  /** Events it wrote, per event type. */
  events: Dict<number>;
  /** Claims it holds as recorded: task id -> leaseUntil. Whether each is still live needs a `now`. */
  claims: Dict<string>;
  /** Topics it worked on: its findings' topic and tags, and the tags of tasks it claimed. */
  topics: Dict<number>;
}

/** Totals per role, attributed to the role each event was written under (metadata.role). */
export interface RoleRecord {
  role: string;
  events: Dict<number>;
  topics: Dict<number>;
  lastSeen: string | null;
}

export interface ActivityState {
  instances: Dict<InstanceRecord>;
  roles: Dict<RoleRecord>;
  /** Bookkeeping: tags of every task (to credit claimers) and the current holder of each claim. */
  taskTags: Dict<string[]>;
  holders: Dict<string>;
}

export interface InstanceView extends Omit<InstanceRecord, 'claims'> {
  /** Task ids it holds a live claim on at `now`. */
  claims: string[];
}

export interface RoleView extends RoleRecord {
  /** Instances currently in this role that have not left. */
  instances: string[];
  /** Live claims at `now` held by instances whose current role this is (left or not: a lease outlives its holder). */
  claims: string[];
}

/**
 * What activity needs to know of tasks: each one's tags (to credit claimers) and who holds
 * it. The fold keeps both in its state; the tables read them off the task rows.
 */
export interface TaskBook {
  tags(taskId: string): readonly string[] | undefined;
  proposed(taskId: string, tags: string[]): void;
  holder(taskId: string): string | undefined;
  hold(taskId: string, owner: string | undefined): void;
}

const stateBook = (state: ActivityState): TaskBook => ({
  tags: (taskId) => state.taskTags[taskId],
  proposed: (taskId, tags) => void (state.taskTags[taskId] ??= tags),
  holder: (taskId) => state.holders[taskId],
  hold: (taskId, owner) => {
    if (owner === undefined) delete state.holders[taskId];
    else state.holders[taskId] = owner;
  },
});

export const activityProjection: Projection<ActivityState> = {
  name: 'activity',
  version: 4,
  initialState: () => ({ instances: dict(), roles: dict(), taskTags: dict(), holders: dict() }),
  evolve: (state, event) => {
    evolveActivity(state, stateBook(state), event);
    return state;
  },
};

/** The fold over instances and roles, with tasks kept in `book`. */
export function evolveActivity(state: Pick<ActivityState, 'instances' | 'roles'>, book: TaskBook, event: StoredEvent): void {
  const { instanceId, role, at } = event.metadata;
  // Reads without an identity are nobody's activity.
  if (instanceId === ANONYMOUS) return;
  const author = instanceOf(state, instanceId, role);
  bump(author.events, event.type);
  author.lastSeen = laterAt(author.lastSeen, at);
  const roleRecord = (state.roles[role] ??= { role, events: dict(), topics: dict(), lastSeen: null });
  bump(roleRecord.events, event.type);
  roleRecord.lastSeen = laterAt(roleRecord.lastSeen, at);
  applyTo(state, book, event, roleRecord);
}

function instanceOf(state: Pick<ActivityState, 'instances'>, instanceId: string, role: string): InstanceRecord {
  return (state.instances[instanceId] ??= {
    instanceId,
    role,
    joinedAt: null,
    left: false,
    leftAt: null,
    lastSeen: null,
    lastSyncedUpTo: null,
    events: dict(),
    claims: dict(),
    topics: dict(),
  });
}

function applyTo(state: Pick<ActivityState, 'instances' | 'roles'>, book: TaskBook, event: StoredEvent, role: RoleRecord): void {
  const { at } = event.metadata;
  const credit = (instance: InstanceRecord, topic: string) => {
    bump(instance.topics, topicKey(topic));
    bump(role.topics, topicKey(topic));
  };
  switch (event.type) {
    case 'InstanceJoined': {
      const instance = instanceOf(state, event.data.instanceId, event.data.role);
      instance.role = event.data.role;
      instance.joinedAt = at;
      instance.left = false;
      instance.leftAt = null;
      return;
    }
    case 'RoleChanged':
      instanceOf(state, event.data.instanceId, event.data.to).role = event.data.to;
      return;
    case 'InstanceLeft': {
      const instance = instanceOf(state, event.data.instanceId, event.metadata.role);
      instance.left = true;
      instance.leftAt = at;
      return;
    }
    case 'InstanceSynced': {
      const instance = instanceOf(state, event.data.instanceId, event.metadata.role);
      const upTo = BigInt(event.data.upTo);
      if (instance.lastSyncedUpTo === null || upTo > instance.lastSyncedUpTo) instance.lastSyncedUpTo = upTo;
      return;
    }
    case 'TaskProposed':
      book.proposed(event.data.taskId, event.data.tags);
      return;
    case 'TaskClaimed':
    case 'ClaimRenewed': {
      const { taskId, owner, leaseUntil } = event.data;
      // As the task board: a claim on a task never proposed (only an imported log can hold one) is no claim.
      const tags = book.tags(taskId);
      if (tags === undefined) return;
      if (book.holder(taskId) !== owner) release(state, book, taskId);
      const holder = instanceOf(state, owner, event.metadata.role);
      dropLapsed(holder, new Date(Date.parse(at) - LAPSED_KEPT_MS).toISOString());
      holder.claims[taskId] = leaseUntil;
      book.hold(taskId, owner);
      if (event.type === 'TaskClaimed') for (const tag of tags) credit(holder, tag);
      return;
    }
    case 'ClaimReleased':
    case 'TaskCompleted':
    case 'TaskAbandoned':
      release(state, book, event.data.taskId);
      return;
    case 'FindingRecorded': {
      const finder = instanceOf(state, event.data.by, event.metadata.role);
      if (event.data.topic !== undefined) credit(finder, event.data.topic);
      for (const tag of event.data.tags) credit(finder, tag);
      return;
    }
  }
}

/**
 * How long a claim whose lease ran out without a release stays in its holder's record. Such
 * claims are shown to nobody (a view shows the claims live at its `now`), yet a month of
 * work leaves each instance a thousand of them, read by every `activity`. A view's `now` is
 * the reader's present or a replayed point, at or after the events folded for it give or take
 * the skew between agents' clocks (minutes, not a day), so a lease that ended a day before a
 * folded event is over for every view.
 */
const LAPSED_KEPT_MS = 86_400_000;

/** Drops the holder's claims whose lease ended before `before` (an ISO time): on each new claim of its own, so each event costs nothing. */
function dropLapsed(instance: InstanceRecord, before: string): void {
  for (const taskId of Object.keys(instance.claims)) if (isBefore(instance.claims[taskId]!, before)) delete instance.claims[taskId];
}

function release(state: Pick<ActivityState, 'instances'>, book: TaskBook, taskId: string): void {
  const holder = book.holder(taskId);
  if (holder === undefined) return;
  const instance = state.instances[holder];
  if (instance) delete instance.claims[taskId];
  book.hold(taskId, undefined);
}

const liveClaims = (instance: InstanceRecord, now: number): string[] =>
  Object.keys(instance.claims)
    .filter((taskId) => Date.parse(instance.claims[taskId]!) > now)
    .sort();

/** Every instance at `now`, by id. The dictionaries are the state's own: read, don't mutate. */
export function instanceActivity(state: Pick<ActivityState, 'instances'>, now: Date): InstanceView[] {
  return Object.values(state.instances)
    .map((instance) => ({ ...instance, claims: liveClaims(instance, now.getTime()) }))
    .sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
}

/**
 * Every role at `now`, by name. Event and topic totals follow the role each event was
 * written under (what the role did), while `instances` and `claims` follow current roles
 * (who is in the role now).
 */
export function roleActivity(state: Pick<ActivityState, 'instances' | 'roles'>, now: Date): RoleView[] {
  const views = dict<RoleView>();
  const viewOf = (role: string) =>
    (views[role] ??= { ...(state.roles[role] ?? { role, events: dict(), topics: dict(), lastSeen: null }), instances: [], claims: [] });
  for (const role of Object.keys(state.roles)) viewOf(role);
  for (const instance of instanceActivity(state, now)) {
    const view = viewOf(instance.role);
    if (!instance.left) view.instances.push(instance.instanceId);
    view.claims.push(...instance.claims);
  }
  const roles = Object.values(views).sort((a, b) => (a.role < b.role ? -1 : 1));
  for (const view of roles) view.claims.sort();
  return roles;
}
