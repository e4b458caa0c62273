import type { EventType, StoredEvent } from '../events/index.js';
import { own } from '../src/similarity/own.js';
import { asksPermission, stanceOf, type Stance } from '../src/signals/speech.js';
import { convergenceClusters, type ConvergenceOptions, type ConvergenceState } from './convergence.js';
import type { Projection } from './projection.js';

/**
 * Health: the philosophy's "Measuring Success" signals, each a number over a time window
 * with documented thresholds (docs/health.md). The fold keeps a compact record of every
 * event a signal reads; the query, given `now` and a window, turns them into numbers.
 * Convergence comes from the convergence projection's state, passed to the query.
 */

// ---- state ----

/** One event as the signals need it. */
export interface HealthRecord {
  position: bigint;
  eventId: string;
  type: EventType;
  /** Epoch milliseconds of metadata.at. */
  at: number;
  instanceId: string;
  /** One line for evidence. */
  summary: string;
  /** What the instance is working on (findings and claims), normalised. */
  topic?: string;
  /** Syntheses: distinct roles of the findings they integrate. */
  roles?: string[];
  /** Messages: asks a coordinator for permission. */
  permission?: boolean;
  stance?: Stance;
}

export interface HealthState {
  /** Latest role of each instance. */
  roles: Record<string, string>;
  /** Role of each finding's author, for syntheses. */
  findingRoles: Record<string, string>;
  /** Topic of each task (first tag, else title), for claims. */
  taskTopics: Record<string, string>;
  /** In log order; records older than RETENTION_MS before `latestAt` are pruned. */
  records: HealthRecord[];
  latestAt: number;
}

/** Windows reach back at most this far before the latest event: it keeps the state bounded. */
export const RETENTION_MS = 7 * 24 * 3600 * 1000;

// ---- fold ----

const COORDINATION: ReadonlySet<EventType> = new Set<EventType>([
  'TaskProposed',
  'TaskClaimed',
  'ClaimReleased',
  'TaskAbandoned',
  'InstanceSynced',
  'MessagePosted',
]);

const normaliseTopic = (s: string | undefined): string | undefined => s?.trim().toLowerCase().replace(/\s+/g, ' ') || undefined;
const clip = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s).replace(/\s+/g, ' ');

function recordOf(state: HealthState, event: StoredEvent): HealthRecord | undefined {
  const base = { position: event.position, eventId: event.metadata.eventId, type: event.type, at: Date.parse(event.metadata.at), instanceId: event.metadata.instanceId };
  switch (event.type) {
    case 'FindingRecorded': {
      const d = event.data;
      const topic = normaliseTopic(d.topic ?? d.tags[0] ?? d.questionId);
      return { ...base, summary: `finding ${d.findingId}${topic ? ` on ${topic}` : ''}: ${clip(d.summary)}`, ...(topic ? { topic } : {}) };
    }
    case 'SynthesisPublished': {
      const roles = [...new Set(event.data.integrates.map((f) => own(state.findingRoles, f)).filter((r): r is string => !!r))].sort();
      return { ...base, roles, summary: `synthesis ${event.data.synthesisId} integrating ${event.data.integrates.length} findings from ${roles.join(', ') || 'no known role'}` };
    }
    case 'MessagePosted': {
      const { to, body } = event.data;
      const toCoordinator = to === 'role:coordinator' || own(state.roles, to) === 'coordinator';
      const stance = stanceOf(body);
      return {
        ...base,
        summary: `${event.data.from} → ${to}: ${clip(body)}`,
        ...(toCoordinator && asksPermission(body) ? { permission: true } : {}),
        ...(stance ? { stance } : {}),
      };
    }
    case 'TaskClaimed': {
      const topic = own(state.taskTopics, event.data.taskId);
      return { ...base, summary: `${event.data.owner} claimed ${event.data.taskId}`, ...(topic ? { topic } : {}) };
    }
    case 'TaskProposed':
      return { ...base, summary: `${event.data.proposedBy} proposed ${event.data.taskId}: ${clip(event.data.title)}` };
    case 'ClaimReleased':
      return { ...base, summary: `${event.data.owner} released ${event.data.taskId}` };
    case 'TaskAbandoned':
      return { ...base, summary: `${event.data.by} abandoned ${event.data.taskId}` };
    case 'InstanceSynced':
      return { ...base, summary: `${event.data.instanceId} synced to ${event.data.upTo}` };
    default:
      return undefined;
  }
}

function evolve(state: HealthState, event: StoredEvent): HealthState {
  const { metadata } = event;
  if (event.type === 'InstanceJoined') state.roles[event.data.instanceId] = event.data.role;
  else if (event.type === 'RoleChanged') state.roles[event.data.instanceId] = event.data.to;
  else state.roles[metadata.instanceId] = metadata.role;
  if (event.type === 'TaskProposed') {
    const topic = normaliseTopic(event.data.tags[0] ?? event.data.title);
    if (topic) state.taskTopics[event.data.taskId] = topic;
  }
  if (event.type === 'FindingRecorded') state.findingRoles[event.data.findingId] = metadata.role;

  const record = recordOf(state, event);
  if (!record) return state;
  state.records.push(record);
  state.latestAt = Math.max(state.latestAt, record.at);
  // Amortised pruning; the query applies the same cut, so results never depend on when it ran.
  if (state.records.length % 1024 === 0) state.records = state.records.filter((r) => r.at >= state.latestAt - RETENTION_MS);
  return state;
}

export const healthProjection: Projection<HealthState> = {
  name: 'health',
  version: 1,
  initialState: () => ({ roles: {}, findingRoles: {}, taskTopics: {}, records: [], latestAt: 0 }),
  evolve,
};

// ---- query ----

export type SignalStatus = 'good' | 'watch' | 'warning';

export interface Evidence {
  position: bigint;
  eventId: string;
  summary: string;
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

export interface HealthOptions extends ConvergenceOptions {
  now: Date;
  windowMs: number;
  /** The convergence projection's state at the same point of the log. */
  convergence: ConvergenceState;
  /** How long on one topic counts as fixated. Default 4 hours. */
  fixationMs?: number;
  /** Evidence entries per signal. Default 10. */
  evidenceLimit?: number;
}

/** Default thresholds; docs/health.md says why each is where it is. */
export const HEALTH_THRESHOLDS = {
  topicDiversity: { watch: 0.5, warning: 0.2 },
  topicFixation: { watch: 1, warning: 2 },
  convergences: { watch: 1, warning: null, minFindings: 10 },
  multiRoleSyntheses: { watch: 1, warning: null, minFindings: 10 },
  coordinationPerFinding: { watch: 4, warning: 8, minEvents: 10 },
  messagesPerFinding: { watch: 3, warning: 6, minMessages: 10 },
  permissionAsking: { watch: 1, warning: 3 },
  agreementWithoutDiscussion: { watch: 0.8, warning: 0.95, minAgreements: 4 },
} as const;

function statusOf(value: number, better: 'higher' | 'lower', t: { watch: number; warning: number | null }): SignalStatus {
  if (better === 'lower') return t.warning !== null && value >= t.warning ? 'warning' : value >= t.watch ? 'watch' : 'good';
  return t.warning !== null && value < t.warning ? 'warning' : value < t.watch ? 'watch' : 'good';
}

const SEVERITY: Record<SignalStatus, number> = { good: 0, watch: 1, warning: 2 };

export function healthReport(state: HealthState, options: HealthOptions): HealthReport {
  const to = options.now.getTime();
  // The same cut as the fold's pruning, so a window longer than the retention is exact and says so.
  const from = Math.max(to - options.windowMs, state.latestAt - RETENTION_MS);
  const inWindow = state.records.filter((r) => r.at >= from && r.at <= to);
  const limit = options.evidenceLimit ?? 10;
  const evidence = (rs: HealthRecord[]): Evidence[] =>
    rs.slice(-limit).map(({ position, eventId, summary }) => ({ position, eventId, summary }));

  const signal = (
    s: Omit<HealthSignal, 'status' | 'judged' | 'evidence'> & { judged?: boolean; evidence: HealthRecord[] },
  ): HealthSignal => {
    const judged = s.judged ?? true;
    const status = judged ? statusOf(s.value, s.better, s.threshold) : 'good';
    const { name, value, unit, better, threshold, explanation } = s;
    return { name, value, unit, status, better, threshold, judged, explanation, evidence: evidence(s.evidence) };
  };
  const tooLittle = (what: string, n: number, min: number) => `too little activity to judge (${n} ${what} in the window, fewer than ${min})`;
  const T = HEALTH_THRESHOLDS;

  const findings = inWindow.filter((r) => r.type === 'FindingRecorded');
  const syntheses = inWindow.filter((r) => r.type === 'SynthesisPublished');
  const messages = inWindow.filter((r) => r.type === 'MessagePosted');
  const discoveries = findings.length + syntheses.length;
  const activity = inWindow.filter((r) => r.topic !== undefined);

  // Topics per instance, in log order.
  const byInstance = groupBy(activity, (r) => r.instanceId);

  // 1. Topic diversity: normalised entropy of each active instance's dominant topic.
  const dominant = [...byInstance.values()].map((rs) => {
    const counts = new Map<string, number>();
    for (const r of rs) counts.set(r.topic!, (counts.get(r.topic!) ?? 0) + 1);
    const top = Math.max(...counts.values());
    return [...rs].reverse().find((r) => counts.get(r.topic!) === top)!;
  });
  const topicCounts = new Map<string, number>();
  for (const r of dominant) topicCounts.set(r.topic!, (topicCounts.get(r.topic!) ?? 0) + 1);
  const entropy = [...topicCounts.values()].reduce((h, c) => h - (c / dominant.length) * Math.log2(c / dominant.length), 0);
  const diversity = dominant.length < 2 ? 1 : entropy / Math.log2(dominant.length);

  // 2. Topic fixation: instances whose current unbroken run on one topic spans fixationMs or more.
  const fixationMs = options.fixationMs ?? 4 * 3600 * 1000;
  const runs = [...byInstance.values()].flatMap((rs) => {
    const last = rs[rs.length - 1]!;
    let first = last;
    for (let i = rs.length - 2; i >= 0 && rs[i]!.topic === last.topic; i--) first = rs[i]!;
    return last.at - first.at >= fixationMs ? [{ topic: last.topic!, first, last }] : [];
  });
  const stuck = groupBy(runs, (r) => r.topic);
  const [fixTopic, fixRuns] = [...stuck].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))[0] ?? ['', []];
  const fixRecords = fixRuns.flatMap((r) => [r.first, r.last]);
  const fixHours = fixationMs / 3600_000;

  // 3. Convergences: clusters with an independent pair whose later finding falls in the window.
  const positions = new Set(findings.map((f) => f.position));
  const converged = convergenceClusters(options.convergence, options).convergences.filter((c) =>
    c.links.some((l) => l.kind === 'convergence' && positions.has(own(options.convergence.findings, l.later)!.position)),
  );
  const findingAt = new Map(findings.map((f) => [f.position, f]));
  const convergenceEvidence = converged.flatMap((c) => c.members.flatMap((m) => (m.independent && findingAt.get(m.position)) || []));

  // 4. Syntheses integrating findings of two or more roles.
  const multiRole = syntheses.filter((s) => (s.roles ?? []).length >= 2);

  // 5–6. Coordination and messages per discovery.
  const coordination = inWindow.filter((r) => COORDINATION.has(r.type));
  const perDiscovery = (n: number) => n / Math.max(1, discoveries);

  // 7. Permission asking; 8. agreement without discussion.
  const permission = messages.filter((m) => m.permission);
  const agreements = messages.filter((m) => m.stance === 'agree');
  const challenges = messages.filter((m) => m.stance === 'challenge');
  const agreementShare = agreements.length / Math.max(1, agreements.length + challenges.length);

  const signals: HealthSignal[] = [
    signal({
      name: 'topic-diversity',
      value: round(diversity),
      unit: 'normalised entropy (0 all on one topic, 1 all different)',
      better: 'higher',
      threshold: T.topicDiversity,
      judged: dominant.length >= 2,
      explanation:
        dominant.length < 2
          ? tooLittle('instances with a topic', dominant.length, 2)
          : `${dominant.length} instances, ${topicCounts.size} distinct main topics: ${[...topicCounts].map(([t, c]) => `${t} (${c})`).join(', ')}`,
      evidence: dominant.sort((a, b) => (a.position < b.position ? -1 : 1)),
    }),
    signal({
      name: 'topic-fixation',
      value: fixRuns.length,
      unit: `instances on one topic for ${fixHours} h or more`,
      better: 'lower',
      threshold: T.topicFixation,
      explanation: fixRuns.length
        ? `${fixRuns.length} instance(s) on "${fixTopic}" without a break for ${fixHours} h or more: ${fixRuns.map((r) => r.last.instanceId).join(', ')}`
        : `no instance has stayed on one topic for ${fixHours} h`,
      evidence: fixRecords,
    }),
    signal({
      name: 'convergences',
      value: converged.length,
      unit: 'independent convergences',
      better: 'higher',
      threshold: { watch: T.convergences.watch, warning: T.convergences.warning },
      judged: findings.length >= T.convergences.minFindings,
      explanation:
        findings.length < T.convergences.minFindings
          ? tooLittle('findings', findings.length, T.convergences.minFindings)
          : converged.length
            ? `${converged.length} cluster(s) of findings reached independently by ${converged.map((c) => c.roles.join('+')).join('; ')}`
            : `${findings.length} findings and no independent convergence: instances may be working with zero overlap`,
      evidence: convergenceEvidence,
    }),
    signal({
      name: 'multi-role-syntheses',
      value: multiRole.length,
      unit: 'syntheses integrating 2+ roles',
      better: 'higher',
      threshold: { watch: T.multiRoleSyntheses.watch, warning: T.multiRoleSyntheses.warning },
      judged: findings.length >= T.multiRoleSyntheses.minFindings,
      explanation:
        findings.length < T.multiRoleSyntheses.minFindings
          ? tooLittle('findings', findings.length, T.multiRoleSyntheses.minFindings)
          : `${multiRole.length} of ${syntheses.length} syntheses integrate findings from two or more roles (${findings.length} findings in the window)`,
      evidence: multiRole,
    }),
    signal({
      name: 'coordination-per-finding',
      value: round(perDiscovery(coordination.length)),
      unit: 'coordination events per finding or synthesis',
      better: 'lower',
      threshold: { watch: T.coordinationPerFinding.watch, warning: T.coordinationPerFinding.warning },
      judged: coordination.length >= T.coordinationPerFinding.minEvents,
      explanation:
        coordination.length < T.coordinationPerFinding.minEvents
          ? tooLittle('coordination events', coordination.length, T.coordinationPerFinding.minEvents)
          : `${coordination.length} proposals, claims, releases, syncs and messages for ${discoveries} findings and syntheses`,
      evidence: coordination,
    }),
    signal({
      name: 'messages-per-finding',
      value: round(perDiscovery(messages.length)),
      unit: 'messages per finding or synthesis',
      better: 'lower',
      threshold: { watch: T.messagesPerFinding.watch, warning: T.messagesPerFinding.warning },
      judged: messages.length >= T.messagesPerFinding.minMessages,
      explanation:
        messages.length < T.messagesPerFinding.minMessages
          ? tooLittle('messages', messages.length, T.messagesPerFinding.minMessages)
          : `${messages.length} messages for ${discoveries} findings and syntheses`,
      evidence: messages,
    }),
    signal({
      name: 'permission-asking',
      value: permission.length,
      unit: 'messages asking a coordinator for permission',
      better: 'lower',
      threshold: T.permissionAsking,
      explanation: permission.length
        ? `${permission.length} message(s) to a coordinator ask permission instead of deciding`
        : 'no message asks a coordinator for permission',
      evidence: permission,
    }),
    signal({
      name: 'agreement-without-discussion',
      value: round(agreementShare),
      unit: 'share of opinionated messages that only agree',
      better: 'lower',
      threshold: { watch: T.agreementWithoutDiscussion.watch, warning: T.agreementWithoutDiscussion.warning },
      judged: agreements.length >= T.agreementWithoutDiscussion.minAgreements,
      explanation:
        agreements.length < T.agreementWithoutDiscussion.minAgreements
          ? tooLittle('agreeing messages', agreements.length, T.agreementWithoutDiscussion.minAgreements)
          : `${agreements.length} messages agree and ${challenges.length} question, object or offer an alternative`,
      evidence: [...agreements, ...challenges].sort((a, b) => (a.position < b.position ? -1 : 1)),
    }),
  ];
  const worst = signals.reduce<SignalStatus>((w, s) => (SEVERITY[s.status] > SEVERITY[w] ? s.status : w), 'good');
  return { window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, status: worst, signals };
}

const round = (x: number) => Math.round(x * 100) / 100;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
