import type Database from 'better-sqlite3';
import type { StoredEvent } from '../../events/index.js';
import { evolveActivity, type ActivityState, type InstanceRecord, type RoleRecord, type TaskBook } from '../../projections/activity.js';
import { dict } from '../../projections/shared.js';
import { decodeJson, encodeJson } from '../runtime/json.js';

/**
 * Activity (projections/activity.ts) in tables: a row per instance and per role, each its
 * record as JSON (a team has tens of them, not thousands), with tasks read off the task
 * rows instead of a map of every task ever proposed. Runs before the event's own rows are
 * written: a claim asks who held the task until now.
 */
export class ActivityTables {
  private readonly s;
  private state: Pick<ActivityState, 'instances' | 'roles'> | undefined;
  private readonly book: TaskBook;

  constructor(db: Database.Database) {
    this.s = {
      instances: db.prepare(`SELECT record FROM activity_instances`).pluck(),
      roles: db.prepare(`SELECT record FROM activity_roles`).pluck(),
      setInstance: db.prepare(`INSERT INTO activity_instances (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record`),
      setRole: db.prepare(`INSERT INTO activity_roles (role, record) VALUES (?, ?) ON CONFLICT (role) DO UPDATE SET record = excluded.record`),
      tags: db.prepare(`SELECT tags FROM tasks WHERE id = ?`).pluck(),
      owner: db.prepare(`SELECT owner FROM tasks WHERE id = ?`).pluck(),
    };
    this.book = {
      tags: (taskId) => {
        const tags = this.s.tags.get(taskId) as string | undefined;
        return tags === undefined ? undefined : (JSON.parse(tags) as string[]);
      },
      holder: (taskId) => (this.s.owner.get(taskId) as string | null | undefined) ?? undefined,
      // The task rows are written by the table writer itself.
      proposed: () => {},
      hold: () => {},
    };
  }

  reset(): void {
    this.state = undefined;
  }

  /** Writes the records of this transaction: every one, since a batch touches most of them. */
  finish(): void {
    if (!this.state) return;
    for (const [id, record] of Object.entries(this.state.instances)) this.s.setInstance.run(id, encodeJson(record));
    for (const [role, record] of Object.entries(this.state.roles)) this.s.setRole.run(role, encodeJson(record));
  }

  apply(event: StoredEvent): void {
    evolveActivity((this.state ??= activityState(this.s)), this.book, event);
  }
}

function activityState(s: { instances: Database.Statement; roles: Database.Statement }): Pick<ActivityState, 'instances' | 'roles'> {
  const instances = dict<InstanceRecord>();
  for (const json of s.instances.all() as string[]) {
    const record = decodeJson<InstanceRecord>(json);
    instances[record.instanceId] = { ...record, events: counts(record.events), claims: counts(record.claims), topics: counts(record.topics) };
  }
  const roles = dict<RoleRecord>();
  for (const json of s.roles.all() as string[]) {
    const record = decodeJson<RoleRecord>(json);
    roles[record.role] = { ...record, events: counts(record.events), topics: counts(record.topics) };
  }
  return { instances, roles };
}

/** Keys are topics and task ids anyone chose ("constructor" included): no prototype to collide with. */
const counts = <T>(parsed: Record<string, T>) => Object.assign(dict<T>(), parsed);

/** Every instance's and role's record, for `instanceActivity` and `roleActivity`. */
export const activityOf = (db: Database.Database): Pick<ActivityState, 'instances' | 'roles'> =>
  activityState({ instances: db.prepare(`SELECT record FROM activity_instances`).pluck(), roles: db.prepare(`SELECT record FROM activity_roles`).pluck() });
