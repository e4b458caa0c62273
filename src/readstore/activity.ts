import type Database from 'better-sqlite3';
import { lazily } from '../runtime/lazily.js';
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
  private state: { instances: RecordsReadOnUse<InstanceRecord>; roles: RecordsReadOnUse<RoleRecord> } | undefined;
  private readonly book: TaskBook;

  constructor(db: Database.Database) {
    this.s = lazily({
      instance: () => db.prepare(`SELECT record FROM activity_instances WHERE id = ?`).pluck(),
      role: () => db.prepare(`SELECT record FROM activity_roles WHERE role = ?`).pluck(),
      setInstance: () => db.prepare(`INSERT INTO activity_instances (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record`),
      setRole: () => db.prepare(`INSERT INTO activity_roles (role, record) VALUES (?, ?) ON CONFLICT (role) DO UPDATE SET record = excluded.record`),
      tags: () => db.prepare(`SELECT tags FROM tasks WHERE id = ?`).pluck(),
      owner: () => db.prepare(`SELECT owner FROM tasks WHERE id = ?`).pluck(),
    });
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

  /** Writes the records this transaction touched. */
  finish(): void {
    if (!this.state) return;
    for (const id of this.state.instances.touched) this.s.setInstance.run(id, encodeJson(this.state.instances.records[id]));
    for (const role of this.state.roles.touched) this.s.setRole.run(role, encodeJson(this.state.roles.records[role]));
    this.state.instances.touched.clear();
    this.state.roles.touched.clear();
  }

  apply(event: StoredEvent): void {
    this.state ??= {
      instances: recordsReadOnUse((id) => this.s.instance.get(id) as string | undefined, instanceRecord),
      roles: recordsReadOnUse((role) => this.s.role.get(role) as string | undefined, roleRecord),
    };
    evolveActivity({ instances: this.state.instances.records, roles: this.state.roles.records }, this.book, event);
  }
}

interface RecordsReadOnUse<T> {
  /** By key, read from its row on first use; looked at or set, it is written back at the end of the transaction. */
  records: Record<string, T>;
  touched: Set<string>;
}

/**
 * An instance's or role's record is read when an event first touches it, not every record at
 * every transaction: a command that folds one event reads one or two. The fold reads and
 * writes records only by key (projections/activity.ts), and changes what it reads in place,
 * so whatever it looked at is written back.
 */
function recordsReadOnUse<T>(read: (key: string) => string | undefined, decode: (json: string) => T): RecordsReadOnUse<T> {
  const cache = new Map<string, T | undefined>();
  const touched = new Set<string>();
  const records = new Proxy(dict<T>(), {
    get(_target, key) {
      if (typeof key !== 'string') return undefined;
      if (!cache.has(key)) {
        const json = read(key);
        cache.set(key, json === undefined ? undefined : decode(json));
      }
      const record = cache.get(key);
      if (record !== undefined) touched.add(key);
      return record;
    },
    set(_target, key, value: T) {
      if (typeof key !== 'string') return false;
      cache.set(key, value);
      touched.add(key);
      return true;
    },
  });
  return { records, touched };
}

const instanceRecord = (json: string): InstanceRecord => {
  const record = decodeJson<InstanceRecord>(json);
  return { ...record, events: counts(record.events), claims: counts(record.claims), topics: counts(record.topics) };
};

const roleRecord = (json: string): RoleRecord => {
  const record = decodeJson<RoleRecord>(json);
  return { ...record, events: counts(record.events), topics: counts(record.topics) };
};

function activityState(s: { instances: Database.Statement; roles: Database.Statement }): Pick<ActivityState, 'instances' | 'roles'> {
  const instances = dict<InstanceRecord>();
  for (const json of s.instances.all() as string[]) {
    const record = instanceRecord(json);
    instances[record.instanceId] = record;
  }
  const roles = dict<RoleRecord>();
  for (const json of s.roles.all() as string[]) {
    const record = roleRecord(json);
    roles[record.role] = record;
  }
  return { instances, roles };
}

/** Keys are topics and task ids anyone chose ("constructor" included): no prototype to collide with. */
const counts = <T>(parsed: Record<string, T>) => Object.assign(dict<T>(), parsed);

/** Every instance's and role's record, for `instanceActivity` and `roleActivity`. */
export const activityOf = (db: Database.Database): Pick<ActivityState, 'instances' | 'roles'> =>
  activityState({ instances: db.prepare(`SELECT record FROM activity_instances`).pluck(), roles: db.prepare(`SELECT record FROM activity_roles`).pluck() });
