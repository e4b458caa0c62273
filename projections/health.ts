import type { EventType, StoredEvent } from '../events/index.js';
import { own } from '../src/similarity/own.js';
import { asksPermission, stanceOf, type Stance } from '../src/signals/speech.js';
import { type ConvergenceOptions, type ConvergenceState } from './convergence.js';
import { convergenceClusters } from './convergence-report.js';
import type { Projection } from './projection.js';

/**
 * Health: the philosophy's "Measuring Success" signals, each a number over a time window
 * with documented thresholds (docs/health.md). The fold keeps a compact record of every
 * event a signal reads; the query, given `now` and a window, turns them into numbers.
 * Convergence comes from the convergence projection's state, passed to the query.
 */

// ---- state ----

/**
 * One event as the signals need it. The evidence line is formatted at query time
 * (`summaryOf`) from the few raw fields kept here: the fold stays cheap.
 */
export interface HealthRecord {
  position: bigint;
  eventId: string;
  type: EventType;
  /** Epoch milliseconds of metadata.at. */
  at: number;
  instanceId: string;
  /** For evidence: who acted (finding: the finding id; synthesis: the synthesis id). */
  who: string;
  /** For evidence: what on (task id, message recipient, sync position). */
  what?: string;
  /** For evidence: text cut to 100 characters (see `cut`), whitespace not yet collapsed. */
  text?: string;
  /** The stream whose text the evidence shows: a read of it is recorded as shown (src/app/exposure.ts). */
  stream?: string;
  /** Syntheses: how many findings they integrate. */
  count?: number;
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

// Topics repeat: a bounded memo of a pure function (cleared when full), so results never depend on it.
const topicMemo = new Map<string, string | undefined>();
function topicOf(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  let t = topicMemo.get(s);
  if (t === undefined && !topicMemo.has(s)) {
    t = normaliseTopic(s);
    if (topicMemo.size >= 4096) topicMemo.clear();
    topicMemo.set(s, t);
  }
  return t;
}

/** The first part of `clip`: the fold keeps this; the query collapses whitespace (`clip` = `cut` then collapse). */
const cut = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const collapse = (s: string) => s.replace(/\s+/g, ' ');

const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
let dayKey = '';
let dayMs = NaN;
/**
 * Date.parse, with a fast path for UTC times as toISOString writes them
 * ("2026-03-01T09:00:00.000Z"): the day is parsed once per distinct day (events arrive in
 * roughly time order), the time of day is read digit by digit. Anything else, or any
 * field out of range, goes to Date.parse.
 */
function parseAt(at: string): number {
  if (
    at.length === 24 &&
    at.charCodeAt(23) === 90 && // Z
    at.charCodeAt(4) === 45 && // -
    at.charCodeAt(7) === 45 &&
    at.charCodeAt(10) === 84 && // T
    at.charCodeAt(13) === 58 && // :
    at.charCodeAt(16) === 58 &&
    at.charCodeAt(19) === 46 && // .
    digit(at, 0) + digit(at, 1) + digit(at, 2) + digit(at, 3) + digit(at, 5) + digit(at, 6) + digit(at, 8) + digit(at, 9) >= 0
  ) {
    const h = digit(at, 11) * 10 + digit(at, 12);
    const m = digit(at, 14) * 10 + digit(at, 15);
    const sec = digit(at, 17) * 10 + digit(at, 18);
    const ms = digit(at, 20) * 100 + digit(at, 21) * 10 + digit(at, 22);
    if (h < 24 && m < 60 && sec < 60 && ms >= 0) {
      const day = at.slice(0, 10);
      if (day !== dayKey) {
        dayMs = Date.parse(`${day}T00:00:00.000Z`);
        dayKey = day;
      }
      if (!Number.isNaN(dayMs)) return dayMs + ((h * 60 + m) * 60 + sec) * 1000 + ms;
    }
  }
  return Date.parse(at);
}

/** What a record reads beyond its event: the fold's maps here, the tables in src/readstore/health.ts. */
export interface HealthLookups {
  /** Latest role of an instance, as its events carry it. */
  roleOf(instance: string): string | undefined;
  findingRole(findingId: string): string | undefined;
  taskTopic(taskId: string): string | undefined;
}

/** A task's topic: its first tag, else its title. */
export const taskTopicOf = (tags: readonly string[], title: string): string | undefined => topicOf(tags[0] ?? title);

/** The record a signal reads of an event, if any. */
export function recordOf(lookups: HealthLookups, event: StoredEvent): HealthRecord | undefined {
  let who: string;
  let what: string | undefined;
  let text: string | undefined;
  let topic: string | undefined;
  switch (event.type) {
    case 'FindingRecorded': {
      const d = event.data;
      who = d.findingId;
      text = cut(d.summary);
      topic = topicOf(d.topic ?? d.tags[0] ?? d.questionId);
      break;
    }
    case 'SynthesisPublished':
      who = event.data.synthesisId;
      break;
    case 'MessagePosted':
      who = event.data.from;
      what = event.data.to;
      text = cut(event.data.body);
      break;
    case 'TaskClaimed':
      who = event.data.owner;
      what = event.data.taskId;
      topic = lookups.taskTopic(event.data.taskId);
      break;
    case 'TaskProposed':
      who = event.data.proposedBy;
      what = event.data.taskId;
      text = cut(event.data.title);
      break;
    case 'ClaimReleased':
      who = event.data.owner;
      what = event.data.taskId;
      break;
    case 'TaskAbandoned':
      who = event.data.by;
      what = event.data.taskId;
      break;
    case 'InstanceSynced':
      who = event.data.instanceId;
      what = event.data.upTo;
      break;
    default:
      return undefined;
  }
  const { metadata } = event;
  const record: HealthRecord = { position: event.position, eventId: metadata.eventId, type: event.type, at: parseAt(metadata.at), instanceId: metadata.instanceId, who };
  if (what !== undefined) record.what = what;
  if (text !== undefined) {
    record.text = text;
    record.stream = event.streamName;
  }
  if (topic) record.topic = topic;
  if (event.type === 'SynthesisPublished') {
    const integrates = event.data.integrates;
    const roles: string[] = [];
    for (const f of integrates) {
      const r = lookups.findingRole(f);
      if (r && !roles.includes(r)) roles.push(r);
    }
    record.roles = roles.sort();
    record.count = integrates.length;
  } else if (event.type === 'MessagePosted') {
    const { to, body } = event.data;
    // Only messages to a coordinator can ask permission: the patterns run on those alone.
    if ((to === 'role:coordinator' || lookups.roleOf(to) === 'coordinator') && asksPermission(body)) record.permission = true;
    const stance = stanceOf(body);
    if (stance) record.stance = stance;
  }
  return record;
}

/** The evidence line of a record (what the fold used to store as `summary`). */
function summaryOf(r: HealthRecord): string {
  switch (r.type) {
    case 'FindingRecorded':
      return `finding ${r.who}${r.topic ? ` on ${r.topic}` : ''}: ${collapse(r.text!)}`;
    case 'SynthesisPublished': {
      const roles = r.roles ?? [];
      return `synthesis ${r.who} integrating ${r.count} findings from ${roles.join(', ') || 'no known role'}`;
    }
    case 'MessagePosted':
      return `${r.who} → ${r.what}: ${collapse(r.text!)}`;
    case 'TaskClaimed':
      return `${r.who} claimed ${r.what}`;
    case 'TaskProposed':
      return `${r.who} proposed ${r.what}: ${collapse(r.text!)}`;
    case 'ClaimReleased':
      return `${r.who} released ${r.what}`;
    case 'TaskAbandoned':
      return `${r.who} abandoned ${r.what}`;
    case 'InstanceSynced':
      return `${r.who} synced to ${r.what}`;
    default:
      return r.type;
  }
}

/** Pruning waits until the oldest kept record is this far past the retention: one pass per day of log time, not per 1024 events. */
const PRUNE_SLACK_MS = 24 * 3600 * 1000;

function evolve(state: HealthState, event: StoredEvent): HealthState {
  const { metadata } = event;
  // Records of what reads showed are neither discoveries nor coordination.
  if (event.type === 'ContentShown') return state;
  if (event.type === 'InstanceJoined') state.roles[event.data.instanceId] = event.data.role;
  else if (event.type === 'RoleChanged') state.roles[event.data.instanceId] = event.data.to;
  else if (state.roles[metadata.instanceId] !== metadata.role || !Object.hasOwn(state.roles, metadata.instanceId)) state.roles[metadata.instanceId] = metadata.role;
  if (event.type === 'TaskProposed') {
    const topic = taskTopicOf(event.data.tags, event.data.title);
    if (topic) state.taskTopics[event.data.taskId] = topic;
  }
  if (event.type === 'FindingRecorded') state.findingRoles[event.data.findingId] = metadata.role;

  const record = recordOf(
    { roleOf: (i) => own(state.roles, i), findingRole: (f) => own(state.findingRoles, f), taskTopic: (t) => own(state.taskTopics, t) },
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
  version: 3,
  initialState: () => ({ roles: {}, findingRoles: {}, taskTopics: {}, records: [], latestAt: 0 }),
  evolve,
};

// ---- query ----

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

export interface HealthOptions extends ConvergenceOptions {
  now: Date;
  windowMs: number;
  /**
   * The convergence clusters with an independent pair whose later finding is one of these
   * positions, most corroborated first, each with its members among them (`convergedIn`
   * asks the fold; the tables answer the same).
   */
  converged: (positions: ReadonlySet<bigint>) => ConvergedCluster[];
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

/** A cluster as health counts it: its roles, and its members in the window. */
export interface ConvergedCluster {
  roles: string[];
  members: { position: bigint; independent: boolean }[];
}

/** `converged` from the convergence fold's state. */
export const convergedIn =
  (state: ConvergenceState, options: ConvergenceOptions = {}) =>
  (positions: ReadonlySet<bigint>): ConvergedCluster[] =>
    convergenceClusters(state, options)
      .convergences.filter((c) => c.links.some((l) => l.kind === 'convergence' && positions.has(own(state.findings, l.later)!.position)))
      .map((c) => ({ roles: c.roles, members: c.members.filter((m) => positions.has(m.position)) }));

export function healthReport(state: Pick<HealthState, 'records' | 'latestAt'>, options: HealthOptions): HealthReport {
  const to = options.now.getTime();
  // The same cut as the fold's pruning, so a window longer than the retention is exact and says so.
  const from = Math.max(to - options.windowMs, state.latestAt - RETENTION_MS);
  const inWindow = state.records.filter((r) => r.at >= from && r.at <= to);
  const limit = options.evidenceLimit ?? 10;
  const evidence = (rs: HealthRecord[]): Evidence[] =>
    rs.slice(-limit).map((r) => (r.stream === undefined ? { position: r.position, eventId: r.eventId, summary: summaryOf(r) } : { position: r.position, eventId: r.eventId, summary: summaryOf(r), stream: r.stream }));

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
  const converged = options.converged(new Set(findings.map((f) => f.position)));
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
