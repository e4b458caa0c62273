import { CURRENT_SCHEMA_VERSION } from '../../events/index.js';
import type { ExportedEvent } from '../../src/app/export-line.js';
import { mix32 } from '../../src/similarity/simhash.js';
import { uuidFor } from './events.js';

/**
 * A month of work by ten agents, as `cairn export` writes it: tasks proposed, claimed,
 * renewed, released and completed; findings on 40 topics that cite one another; questions
 * and syntheses; messages with replies; syncs, inbox reads and recorded reads; and verdicts
 * on pairs of findings on one topic by two others (most say the same, some differ, and
 * judges change their minds), which move findings between clusters as the log is folded.
 * Deterministic for a seed, so a figure measured on it can be measured again.
 */

const AGENTS = [
  ['ada', 'explorer'], ['bo', 'builder'], ['cy', 'reflector'], ['dee', 'coordinator'], ['eli', 'explorer'],
  ['fay', 'builder'], ['gus', 'explorer'], ['hal', 'builder'], ['ivy', 'reflector'], ['jo', 'builder'],
] as const;

const TOPIC_WORDS = [
  'retry', 'upload', 'lease', 'header', 'backoff', 'server', 'client', 'stall', 'queue', 'cache', 'index', 'schema',
  'parser', 'socket', 'timeout', 'token', 'session', 'memory', 'thread', 'lock', 'checksum', 'buffer', 'stream', 'batch',
  'replica', 'shard', 'cursor', 'migration', 'config', 'logger', 'metric', 'trace', 'worker', 'budget', 'deadline',
  'payload', 'snapshot', 'journal', 'codec', 'route',
];
const VERBS = ['ignores', 'drops', 'doubles', 'delays', 'corrupts', 'skips', 'repeats', 'blocks', 'leaks', 'reorders', 'truncates', 'stalls'];
const COMMON = ['when', 'the', 'after', 'under', 'load', 'restart', 'first', 'request', 'every', 'second', 'large', 'small', 'slow', 'path', 'error', 'again'];
const DAY_MS = 86_400_000;

export interface MonthOptions {
  events: number;
  seed?: number;
  /** Spread over this many days. */
  days?: number;
  /** When the last event is written (epoch ms); default: the month of October 2026. A log that ends now gives `health` a full window. */
  endsAt?: number;
}

export function* monthOfWork({ events, seed = 11, days = 30, endsAt = Date.UTC(2026, 9, 31) }: MonthOptions): Generator<ExportedEvent> {
  let state = seed >>> 0;
  const random = () => (state = mix32(state + 0x9e37_79b9)) / 2 ** 32;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const start = endsAt - days * DAY_MS;
  const step = (days * DAY_MS) / Math.max(1, events);
  const revisions = new Map<string, number>();
  const synced = new Map<string, number>();
  const open: string[] = [];
  const owned = new Map<string, string>();
  const findings: string[] = [];
  const questions: string[] = [];
  const messages: string[] = [];
  /** The newest findings of each topic, with their authors: the pairs a judge is shown. */
  const byTopic = new Map<string, { id: string; by: string }[]>();
  /** The newest verdicts, for a judge to change its mind on. */
  const verdicts: { earlier: string; later: string; by: readonly [string, string]; verdict: 'same' | 'different' }[] = [];
  let position = 0;
  let counter = 0;

  const emit = (agent: readonly [string, string], stream: string, type: string, data: Record<string, unknown>): ExportedEvent => {
    position++;
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    const id = uuidFor(position, seed);
    const at = new Date(start + position * step).toISOString();
    return {
      id,
      type,
      streamName: stream,
      revision: String(revision),
      position: String(position),
      data,
      metadata: { eventId: id, instanceId: agent[0], role: agent[1], at, seenUpTo: String(synced.get(agent[0]) ?? 0), schemaVersion: CURRENT_SCHEMA_VERSION },
    };
  };
  const leaseAfter = (minutes: number) => new Date(start + position * step + minutes * 60_000).toISOString();
  const claim = (topic: string) => `${pick(VERBS)} ${topic} ${pick(COMMON)} ${pick(TOPIC_WORDS)} ${pick(COMMON)} ${pick(COMMON)} ${pick(TOPIC_WORDS)}`;

  /**
   * A verdict by `agent`: a tenth of the time on a pair it judged lately, the other way; else on
   * the newest finding of a topic and one before it by another author, when it wrote neither.
   */
  const judgment = (agent: readonly [string, string]): (typeof verdicts)[number] | undefined => {
    const again = verdicts.filter((v) => v.by === agent).at(-1);
    if (again && random() < 0.1) return { ...again, verdict: again.verdict === 'same' ? 'different' : 'same' };
    const onTopic = byTopic.get(pick(TOPIC_WORDS)) ?? [];
    const later = onTopic.at(-1);
    const earlier = onTopic.slice(-20, -1).filter((f) => f.by !== later?.by).at(-1 - Math.floor(random() * 3));
    if (!later || !earlier || later.by === agent[0] || earlier.by === agent[0]) return undefined;
    return { earlier: earlier.id, later: later.id, by: agent, verdict: random() < 0.7 ? 'same' : 'different' };
  };

  for (const agent of AGENTS) {
    if (position >= events) return;
    yield emit(agent, `instance-${agent[0]}`, 'InstanceJoined', { instanceId: agent[0], role: agent[1] });
  }
  while (position < events) {
    const agent = pick(AGENTS);
    const me = agent[0];
    const roll = random();
    const id = (prefix: string) => `${prefix}-${(++counter).toString(36)}`;
    if (roll < 0.05) {
      const taskId = id('t');
      open.push(taskId);
      const topic = pick(TOPIC_WORDS);
      yield emit(agent, `task-${taskId}`, 'TaskProposed', { taskId, title: `Fix the ${topic} that ${claim(topic)}`, tags: [topic], proposedBy: me });
    } else if (roll < 0.1 && open.length > 0) {
      const taskId = open.splice(Math.floor(random() * open.length), 1)[0]!;
      owned.set(taskId, me);
      yield emit(agent, `task-${taskId}`, 'TaskClaimed', { taskId, owner: me, leaseUntil: leaseAfter(30) });
    } else if (roll < 0.2 && owned.size > 0) {
      const [taskId, owner] = [...owned].at(-1 - Math.floor(random() * Math.min(owned.size, 20)))!;
      const who = AGENTS.find(([name]) => name === owner)!;
      const next = random();
      if (next < 0.6) yield emit(who, `task-${taskId}`, 'ClaimRenewed', { taskId, owner, leaseUntil: leaseAfter(30) });
      else {
        owned.delete(taskId);
        if (next < 0.9) yield emit(who, `task-${taskId}`, 'TaskCompleted', { taskId, by: owner, outcome: `done: ${claim(pick(TOPIC_WORDS))}` });
        else {
          open.push(taskId);
          yield emit(who, `task-${taskId}`, 'ClaimReleased', { taskId, owner, reason: 'blocked on review' });
        }
      }
    } else if (roll < 0.42) {
      const findingId = id('f');
      const topic = TOPIC_WORDS[Math.floor(random() * TOPIC_WORDS.length)]!;
      const cites = findings.length > 0 && random() < 0.3 ? [findings[findings.length - 1 - Math.floor(random() * Math.min(findings.length, 200))]!] : [];
      const questionId = questions.length > 0 && random() < 0.1 ? pick(questions) : undefined;
      findings.push(findingId);
      const onTopic = byTopic.get(topic) ?? [];
      onTopic.push({ id: findingId, by: me });
      if (onTopic.length > 60) onTopic.splice(0, 30);
      byTopic.set(topic, onTopic);
      yield emit(agent, `finding-${findingId}`, 'FindingRecorded', {
        findingId, by: me, summary: `The ${topic} ${claim(topic)}`, topic: `topic-${topic}`, tags: [topic, pick(TOPIC_WORDS)], cites,
        ...(questionId ? { questionId } : {}),
      });
    } else if (roll < 0.62) {
      const messageId = id('m');
      const to = random() < 0.5 ? pick(AGENTS)[0] : random() < 0.6 ? `role:${pick(AGENTS)[1]}` : 'all';
      const replyTo = messages.length > 0 && random() < 0.3 ? messages[messages.length - 1 - Math.floor(random() * Math.min(messages.length, 50))] : undefined;
      messages.push(messageId);
      if (messages.length > 1000) messages.splice(0, 500);
      yield emit(agent, `message-${messageId}`, 'MessagePosted', { messageId, from: me, to: to === me ? 'all' : to, body: `About ${claim(pick(TOPIC_WORDS))}`, ...(replyTo ? { replyTo } : {}) });
    } else if (roll < 0.72) {
      const upTo = position;
      synced.set(me, upTo);
      yield emit(agent, `instance-${me}`, 'InstanceSynced', { instanceId: me, upTo: String(upTo) });
    } else if (roll < 0.75) {
      yield emit(agent, `instance-${me}`, 'InboxRead', { instanceId: me, upTo: String(position) });
    } else if (roll < 0.955) {
      const shown = findings.slice(-5).map((f) => `finding-${f}`);
      yield emit(agent, `exposure-${me}`, 'ContentShown', { instanceId: me, via: 'findings', upTo: String(position), streams: shown, everything: false });
    } else if (roll < 0.97) {
      const judged = judgment(agent);
      if (!judged) continue;
      verdicts.push(judged);
      if (verdicts.length > 200) verdicts.splice(0, 100);
      yield emit(judged.by, `judgment-${judged.earlier}~${judged.later}`, 'ConvergenceJudged', {
        earlier: judged.earlier, later: judged.later, by: judged.by[0], verdict: judged.verdict, reason: judged.verdict === 'same' ? 'the same cause, in other words' : 'a different cause',
      });
    } else if (roll < 0.98) {
      const questionId = id('q');
      questions.push(questionId);
      yield emit(agent, `question-${questionId}`, 'QuestionPosed', { questionId, text: `Why does the ${claim(pick(TOPIC_WORDS))}?`, tags: [], askedBy: me });
    } else if (roll < 0.985 && questions.length > 3) {
      const questionId = questions.splice(Math.floor(random() * questions.length), 1)[0]!;
      yield emit(agent, `question-${questionId}`, 'QuestionClosed', { questionId, by: me, resolution: 'answered by the syntheses' });
    } else if (findings.length > 3) {
      const synthesisId = id('s');
      const integrates = [...new Set(findings.slice(-30).filter(() => random() < 0.1))].slice(0, 5);
      if (integrates.length < 2) continue;
      yield emit(agent, `synthesis-${synthesisId}`, 'SynthesisPublished', { synthesisId, by: me, summary: `Together: ${claim(pick(TOPIC_WORDS))}`, integrates, tags: [] });
    }
  }
}
