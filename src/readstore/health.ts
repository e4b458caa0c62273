import type Database from 'better-sqlite3';
import { lazily } from '../runtime/lazily.js';
import type { StoredEvent } from '../../events/index.js';
import { RETENTION_MS, recordOf, taskTopicOf, type HealthRecord, type HealthState } from '../../projections/health.js';

/**
 * Health's records (projections/health.ts) as rows keyed by position and indexed by time,
 * so a report reads its window, not a week of the log. Records older than the retention
 * before the newest are deleted as the fold prunes them; the query applies the same cut.
 */
/** The newest record's time (epoch ms): the retention is counted back from it. */
const LATEST_SQL = `SELECT value FROM meta WHERE key = 'health_latest'`;

export class HealthTables {
  private readonly s;
  /** instance → latest role, as the fold keeps it (the role its events carry). */
  private readonly roles = new Map<string, string | undefined>();
  private latest: number | undefined;

  constructor(db: Database.Database) {
    const prepare = (sql: string) => db.prepare(sql);
    this.s = lazily({
      role: () => prepare(`SELECT role FROM health_roles WHERE instance = ?`).pluck(),
      setRole: () => prepare(`INSERT INTO health_roles (instance, role) VALUES (?, ?) ON CONFLICT (instance) DO UPDATE SET role = excluded.role`),
      findingRole: () => prepare(`SELECT role FROM findings WHERE kind = 'finding' AND id = ?`).pluck(),
      task: () => prepare(`SELECT tags, title FROM tasks WHERE id = ?`),
      record: () => prepare(`INSERT OR IGNORE INTO health_records (position, at_ms, record) VALUES (?, ?, ?)`),
      latest: () => prepare(LATEST_SQL).pluck(),
      setLatest: () => prepare(`INSERT INTO meta (key, value) VALUES ('health_latest', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      prune: () => prepare(`DELETE FROM health_records WHERE at_ms < ?`),
    });
  }

  reset(): void {
    this.roles.clear();
    this.latest = undefined;
  }

  /** Writes the newest time and drops what fell out of the retention. */
  finish(): void {
    if (this.latest === undefined) return;
    this.s.setLatest.run(String(this.latest));
    this.s.prune.run(this.latest - RETENTION_MS);
  }

  private roleOf(instance: string): string | undefined {
    if (!this.roles.has(instance)) this.roles.set(instance, (this.s.role.get(instance) as string | undefined) ?? undefined);
    return this.roles.get(instance);
  }

  private setRole(instance: string, role: string): void {
    if (this.roleOf(instance) === role) return;
    this.roles.set(instance, role);
    this.s.setRole.run(instance, role);
  }

  /** After the event's rows are written (a synthesis reads its findings' roles, a claim its task). */
  apply(event: StoredEvent): void {
    if (event.type === 'ContentShown') return;
    if (event.type === 'InstanceJoined') this.setRole(event.data.instanceId, event.data.role);
    else if (event.type === 'RoleChanged') this.setRole(event.data.instanceId, event.data.to);
    else this.setRole(event.metadata.instanceId, event.metadata.role);
    const record = recordOf(
      {
        roleOf: (i) => this.roleOf(i),
        findingRole: (f) => (this.s.findingRole.get(f) as string | undefined) ?? undefined,
        taskTopic: (t) => {
          const task = this.s.task.get(t) as { tags: string; title: string } | undefined;
          return task && taskTopicOf(JSON.parse(task.tags) as string[], task.title);
        },
      },
      event,
    );
    if (!record) return;
    const { position, ...rest } = record;
    this.s.record.run(position, Number.isNaN(record.at) ? null : record.at, JSON.stringify(rest));
    if (!Number.isNaN(record.at)) this.latest = Math.max(this.latest ?? Number((this.s.latest.get() as string | undefined) ?? 0), record.at);
  }
}

/** Health's state for a window: its records (from the retention cut on) and the newest time. */
export function healthWindow(db: Database.Database, from: number, to: number): Pick<HealthState, 'records' | 'latestAt'> {
  const latestAt = Number((db.prepare(LATEST_SQL).pluck().get() as string | undefined) ?? 0);
  const rows = db
    .prepare(`SELECT position, record FROM health_records WHERE at_ms >= ? AND at_ms <= ? ORDER BY position`)
    .safeIntegers(true)
    .all(Math.max(from, latestAt - RETENTION_MS), to) as { position: bigint; record: string }[];
  return { latestAt, records: rows.map((r) => ({ position: r.position, ...(JSON.parse(r.record) as Omit<HealthRecord, 'position'>) })) };
}
