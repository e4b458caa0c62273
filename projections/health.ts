import type { StoredEvent } from '../events/index.js';
import { own } from '../src/similarity/own.js';
import { recordOf, taskTopicOf } from './health/record.js';
import { RETENTION_MS, type HealthState } from './health/state.js';
import type { Projection } from './projection.js';

/**
 * Health: the philosophy's "Measuring Success" signals, each a number over a time window
 * with documented thresholds (docs/health.md). The fold keeps a compact record of every
 * event a signal reads (health/record.ts); the report (health/report.ts), given `now` and a
 * window, turns them into numbers, one module per signal (health/signals/). Convergence
 * comes from the convergence projection's state, passed to the report.
 */

export * from './health/record.js';
export * from './health/report.js';
export * from './health/state.js';

/** Pruning waits until the oldest kept record is this far past the retention: one pass per day of log time, not per 1024 events. */
const PRUNE_SLACK_MS = 24 * 3600 * 1000;

function evolve(state: HealthState, event: StoredEvent): HealthState {
  const { metadata } = event;
  // Records of what reads showed are neither discoveries nor coordination.
  if (event.type === 'ContentShown') return state;
  if (event.type === 'InstanceJoined') state.roles[event.data.instanceId] = event.data.role;
  else if (event.type === 'RoleChanged') state.roles[event.data.instanceId] = event.data.to;
  else if (state.roles[metadata.instanceId] !== metadata.role || !Object.hasOwn(state.roles, metadata.instanceId)) state.roles[metadata.instanceId] = metadata.role;
  // A task or finding recorded again under its id (only an imported log can hold one) keeps
  // what its first record said, as the task board and the findings do ('' for no topic).
  if (event.type === 'TaskProposed' && !Object.hasOwn(state.taskTopics, event.data.taskId)) {
    state.taskTopics[event.data.taskId] = taskTopicOf(event.data.tags, event.data.title) ?? '';
  }
  if (event.type === 'FindingRecorded' && !Object.hasOwn(state.findingRoles, event.data.findingId)) state.findingRoles[event.data.findingId] = metadata.role;

  const record = recordOf(
    { roleOf: (i) => own(state.roles, i), findingRole: (f) => own(state.findingRoles, f), taskTopic: (t) => own(state.taskTopics, t) || undefined },
    event,
  );
  if (!record) return state;
  const records = state.records;
  records.push(record);
  if (record.at > state.latestAt || Number.isNaN(record.at)) state.latestAt = Math.max(state.latestAt, record.at);
  // Amortised pruning; the query applies the same cut, so results never depend on when it ran.
  if (records.length % 1024 === 0 && records[0]!.at < state.latestAt - RETENTION_MS - PRUNE_SLACK_MS) {
    const cutoff = state.latestAt - RETENTION_MS;
    state.records = records.filter((r) => r.at >= cutoff);
  }
  return state;
}

export const healthProjection: Projection<HealthState> = {
  name: 'health',
  version: 4,
  initialState: () => ({ roles: {}, findingRoles: {}, taskTopics: {}, records: [], latestAt: 0 }),
  evolve,
};
