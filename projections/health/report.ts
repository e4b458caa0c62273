import type { ConvergenceOptions, ConvergenceState } from '../convergence.js';
import { convergenceClusters } from '../convergence-report.js';
import { own } from '../../src/similarity/own.js';
import { summaryOf, type HealthRecord } from './record.js';
import { agreementWithoutDiscussion } from './signals/agreement-without-discussion.js';
import { convergences } from './signals/convergences.js';
import { multiRoleSyntheses } from './signals/multi-role-syntheses.js';
import { coordinationPerFinding, messagesPerFinding } from './signals/per-discovery.js';
import { permissionAsking } from './signals/permission-asking.js';
import { topicDiversity } from './signals/topic-diversity.js';
import { topicFixation } from './signals/topic-fixation.js';
import { RETENTION_MS, type HealthState } from './state.js';
import type { ConvergedCluster, HealthOptions } from './options.js';
import { groupBy, type Signal, type SignalValue } from './window.js';

/**
 * The health report: given `now` and a window, each signal (one module each, in signals/)
 * turns the window's records into a number, judged against its thresholds (thresholds.ts).
 */

export type SignalStatus = 'good' | 'watch' | 'warning';

export interface Evidence {
  position: bigint;
  eventId: string;
  summary: string;
  /** Where the text in the summary comes from, when it quotes one. */
  stream?: string;
}

export interface HealthSignal {
  name: string;
  value: number;
  unit: string;
  status: SignalStatus;
  /** Which direction is healthy; `warning: null` means the signal never goes beyond "watch". */
  better: 'higher' | 'lower';
  threshold: { watch: number; warning: number | null };
  /** False when the window holds too little activity to judge: status is then "good". */
  judged: boolean;
  explanation: string;
  /** The most recent events behind the value. */
  evidence: Evidence[];
}

export interface HealthReport {
  window: { from: string; to: string };
  /** The worst status of any signal. */
  status: SignalStatus;
  signals: HealthSignal[];
}

export { HEALTH_THRESHOLDS } from './thresholds.js';
export type { ConvergedCluster, HealthOptions } from './options.js';

function statusOf(value: number, better: 'higher' | 'lower', t: { watch: number; warning: number | null }): SignalStatus {
  if (better === 'lower') return t.warning !== null && value >= t.warning ? 'warning' : value >= t.watch ? 'watch' : 'good';
  return t.warning !== null && value < t.warning ? 'warning' : value < t.watch ? 'watch' : 'good';
}

const SEVERITY: Record<SignalStatus, number> = { good: 0, watch: 1, warning: 2 };

/** `converged` from the convergence fold's state. */
export const convergedIn =
  (state: ConvergenceState, options: ConvergenceOptions = {}) =>
  (positions: ReadonlySet<bigint>): ConvergedCluster[] =>
    convergenceClusters(state, options)
      .convergences.filter((c) => c.links.some((l) => l.kind === 'convergence' && positions.has(own(state.findings, l.later)!.position)))
      .map((c) => ({ roles: c.roles, members: c.members.filter((m) => positions.has(m.position)) }));

/** The signals, in the order a report lists them. */
const SIGNALS: readonly Signal[] = [
  topicDiversity,
  topicFixation,
  convergences,
  multiRoleSyntheses,
  coordinationPerFinding,
  messagesPerFinding,
  permissionAsking,
  agreementWithoutDiscussion,
];

export function healthReport(state: Pick<HealthState, 'records' | 'latestAt'>, options: HealthOptions): HealthReport {
  const to = options.now.getTime();
  // The same cut as the fold's pruning, so a window longer than the retention is exact and says so.
  const from = Math.max(to - options.windowMs, state.latestAt - RETENTION_MS);
  const records = state.records.filter((r) => r.at >= from && r.at <= to);
  const findings = records.filter((r) => r.type === 'FindingRecorded');
  const syntheses = records.filter((r) => r.type === 'SynthesisPublished');
  const window = {
    records,
    findings,
    syntheses,
    messages: records.filter((r) => r.type === 'MessagePosted'),
    discoveries: findings.length + syntheses.length,
    topicsByInstance: groupBy(
      records.filter((r) => r.topic !== undefined),
      (r) => r.instanceId,
    ),
    options,
  };
  const limit = options.evidenceLimit ?? 10;
  const judge = (s: SignalValue): HealthSignal => {
    const judged = s.judged ?? true;
    const { name, value, unit, better, threshold, explanation } = s;
    return { name, value, unit, status: judged ? statusOf(value, better, threshold) : 'good', better, threshold, judged, explanation, evidence: evidenceOf(s.evidence, limit) };
  };
  const signals = SIGNALS.map((signal) => judge(signal(window)));
  const worst = signals.reduce<SignalStatus>((w, s) => (SEVERITY[s.status] > SEVERITY[w] ? s.status : w), 'good');
  return { window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, status: worst, signals };
}

/** The newest `limit` records behind a value, each as its evidence line. */
const evidenceOf = (records: HealthRecord[], limit: number): Evidence[] =>
  records.slice(-limit).map((r) => {
    const evidence: Evidence = { position: r.position, eventId: r.eventId, summary: summaryOf(r) };
    if (r.stream !== undefined) evidence.stream = r.stream;
    return evidence;
  });
