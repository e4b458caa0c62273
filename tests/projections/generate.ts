import { eventLog, type EventLog } from './fixtures.js';

/** A small seeded PRNG (mulberry32): the same seed always gives the same log. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLES = ['explorer', 'builder', 'reflector', 'coordinator'];
const TOPICS = ['Resilience', 'coordination paradox', 'tachikoma sync', 'leases', 'convergence', 'Over-coordination'];
const TAGS = ['resilience', 'sync', 'leases', 'diversity', 'synthesis', 'tooling', 'constructor'];

interface Task {
  id: string;
  owner: string | null;
  leaseUntil: number;
  done: boolean;
}

/**
 * A realistic log of `count` events: instances join, leave and change roles, propose and
 * claim tasks (leases expire and get taken over), pose questions, record findings that cite
 * each other, publish syntheses, message each other, sync and read their inboxes. Writers'
 * clocks are skewed by up to ±4 minutes, so `at` order differs from log order.
 */
export function realisticLog(seed: number, count: number, options: { salt?: number } = {}): EventLog {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const some = <T>(items: readonly T[], max: number): T[] =>
    items.length === 0 ? [] : [...new Set(Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(items)))];

  const instances = ['e1', 'b1', 'r1', 'c1', 'e2', 'b2'];
  const skew = new Map(instances.map((id) => [id, Math.round((rnd() - 0.5) * 8 * 60_000)]));
  const role = new Map<string, string>();
  const synced = new Map<string, bigint>();
  const joined = new Set<string>();
  const tasks: Task[] = [];
  const questions: { id: string; open: boolean }[] = [];
  const findings: string[] = [];
  let now = Date.parse('2026-03-01T09:00:00.000Z');
  const log = eventLog({ salt: options.salt ?? 0 });

  const emit = (by: string, add: (meta: { at: Date; seenUpTo: bigint; instanceId: string }) => void) =>
    add({ at: new Date(now + skew.get(by)!), seenUpTo: synced.get(by) ?? 0n, instanceId: by });

  while (log.events.length < count) {
    now += Math.floor(rnd() * 3 * 60_000);
    const by = pick(instances);
    if (!joined.has(by)) {
      const r = role.get(by) ?? pick(ROLES);
      role.set(by, r);
      joined.add(by);
      emit(by, (m) => log.add('InstanceJoined', { instanceId: by, role: r }, m));
      continue;
    }
    const n = log.events.length + 1;
    // Agents work on recent tasks and questions; the window also keeps a long log quick to generate.
    const recent = tasks.slice(-100);
    const live = recent.filter((t) => !t.done && t.owner !== null && t.leaseUntil > now && joined.has(t.owner));
    const free = recent.filter((t) => !t.done && (t.owner === null || t.leaseUntil <= now));
    const roll = rnd();
    if (roll < 0.1) {
      emit(by, (m) => log.add('TaskProposed', { taskId: `t-${n}`, title: `task ${n}`, tags: some(TAGS, 3), proposedBy: by, ...(rnd() < 0.5 ? { description: 'why' } : {}) }, m));
      tasks.push({ id: `t-${n}`, owner: null, leaseUntil: 0, done: false });
    } else if (roll < 0.2) {
      if (free.length === 0) continue;
      const task = pick(free);
      task.owner = by;
      task.leaseUntil = now + (5 + Math.floor(rnd() * 25)) * 60_000;
      emit(by, (m) => log.add('TaskClaimed', { taskId: task.id, owner: by, leaseUntil: new Date(task.leaseUntil).toISOString() }, m));
    } else if (roll < 0.3) {
      if (live.length === 0) continue;
      const task = pick(live);
      const owner = task.owner!;
      const end = rnd();
      if (end < 0.3) {
        task.leaseUntil = now + 20 * 60_000;
        emit(owner, (m) => log.add('ClaimRenewed', { taskId: task.id, owner, leaseUntil: new Date(task.leaseUntil).toISOString() }, m));
      } else if (end < 0.5) {
        task.owner = null;
        emit(owner, (m) => log.add('ClaimReleased', { taskId: task.id, owner, ...(rnd() < 0.5 ? { reason: 'blocked' } : {}) }, m));
      } else if (end < 0.85) {
        task.done = true;
        emit(owner, (m) => log.add('TaskCompleted', { taskId: task.id, by: owner, outcome: 'done' }, m));
      } else {
        task.done = true;
        emit(owner, (m) => log.add('TaskAbandoned', { taskId: task.id, by: owner, reason: 'dead end' }, m));
      }
    } else if (roll < 0.34) {
      questions.push({ id: `q-${n}`, open: true });
      emit(by, (m) => log.add('QuestionPosed', { questionId: `q-${n}`, text: `question ${n}?`, tags: some(TAGS, 2), askedBy: by }, m));
    } else if (roll < 0.37) {
      const open = questions.slice(-50).filter((q) => q.open);
      if (open.length === 0) continue;
      const question = pick(open);
      question.open = false;
      emit(by, (m) => log.add('QuestionClosed', { questionId: question.id, by, resolution: 'answered' }, m));
    } else if (roll < 0.55) {
      const questionId = questions.length > 0 && rnd() < 0.5 ? pick(questions).id : undefined;
      emit(by, (m) =>
        log.add('FindingRecorded', {
          findingId: `f-${n}`,
          by,
          summary: `finding ${n}`,
          ...(rnd() < 0.8 ? { topic: pick(TOPICS) } : {}),
          tags: some(TAGS, 3),
          cites: some(findings, 2),
          ...(questionId ? { questionId } : {}),
        }, m),
      );
      findings.push(`f-${n}`);
    } else if (roll < 0.6) {
      if (findings.length < 2) continue;
      emit(by, (m) => log.add('SynthesisPublished', { synthesisId: `s-${n}`, by, summary: `synthesis ${n}`, integrates: some(findings, 3).concat(findings[0]!), tags: [], ...(questions.length > 0 ? { questionId: pick(questions).id } : {}) }, m));
    } else if (roll < 0.75) {
      const to = pick(['all', `role:${pick(ROLES)}`, pick(instances)]);
      emit(by, (m) => log.add('MessagePosted', { messageId: `m-${n}`, from: by, to, body: `message ${n}`, ...(rnd() < 0.2 ? { replyTo: 'm-1' } : {}) }, m));
    } else if (roll < 0.82) {
      emit(by, (m) => log.add('InboxRead', { instanceId: by, upTo: String(log.head) }, m));
    } else if (roll < 0.9) {
      synced.set(by, log.head);
      emit(by, (m) => log.add('InstanceSynced', { instanceId: by, upTo: String(log.head) }, m));
    } else if (roll < 0.95) {
      const from = role.get(by)!;
      const to = pick(ROLES.filter((r) => r !== from));
      role.set(by, to);
      emit(by, (m) => log.add('RoleChanged', { instanceId: by, from, to }, m));
    } else if (roll < 0.97) {
      joined.delete(by);
      emit(by, (m) => log.add('InstanceLeft', { instanceId: by, reason: 'session over' }, m));
    }
  }
  return log;
}
