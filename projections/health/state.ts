import type { HealthRecord } from './record.js';

/** The health fold's state: who has which role, what each task and finding is about, and the records of the retention window. */

export interface HealthState {
  /** Latest role of each instance. */
  roles: Record<string, string>;
  /** Role of each finding's author, for syntheses. */
  findingRoles: Record<string, string>;
  /** Topic of each task proposed (first tag, else title; '' when neither gives one), for claims. */
  taskTopics: Record<string, string>;
  /** In log order; records older than RETENTION_MS before `latestAt` are pruned. */
  records: HealthRecord[];
  latestAt: number;
}

/** Windows reach back at most this far before the latest event: it keeps the state bounded. */
export const RETENTION_MS = 7 * 24 * 3600 * 1000;
