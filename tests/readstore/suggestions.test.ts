import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { fold } from '../../projections/projection.js';
import { topicKey } from '../../projections/shared.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';
import { appOver } from '../../src/app/app.js';
import { health } from '../../src/app/signals.js';
import { status } from '../../src/app/status.js';
import { RELATED_THRESHOLD } from '../../src/signals/advise.js';
import { taskText } from '../../src/signals/compare.js';
import { coordinatorSuggestions } from '../../src/signals/suggestions.js';
import { DEFAULT_LIMITS } from '../../src/similarity/similarity-index.js';
import { cosine, memoIdfOf, termSet } from '../../src/similarity/tfidf.js';
import { terms } from '../../src/similarity/tokenize.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { appendEvents } from '../projections/fixtures.js';
import { addFinding, FILLERS, joined } from '../signals/helpers.js';

/**
 * The board's suggestions come from indexes the fold keeps (the similarity index's links, the
 * instances on each topic, the stems of active tasks, who has talked to whom), never from
 * comparing every pair at query time. On small logs, where none of the index's bounds bind
 * (at most 16 findings of at most 16 stems each), they equal the pairwise comparison over
 * the whole log, scored as the index scores: a finding against every earlier one, with the
 * word weights of the findings up to it; two claims with the weights of the active tasks.
 */
const VOCABULARY = ['lease', 'retry', 'upload', 'header', 'backoff', 'sqlite', 'writer', 'lock', 'timeout', 'queue', 'stall', 'cache', 'index', 'replay', 'parse', 'token'];
const TOPICS = ['Uploads', 'uploads ', 'SQLite', 'leases', undefined];
const PEOPLE = { e1: 'explorer', e2: 'explorer', b1: 'builder', b2: 'builder', r1: 'reflector', c1: 'coordinator' } as const;
const FLOOR = DEFAULT_LIMITS.lexicalFloor;

function randomLog(seed: number) {
  let state = seed;
  const next = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
  const pick = <T,>(items: readonly T[]) => items[next(items.length)]!;
  const words = (n: number) => Array.from({ length: n }, () => pick(VOCABULARY)).join(' ');
  const log = joined({ ...PEOPLE });
  const people = Object.keys(PEOPLE);
  let findings = 0;
  let tasks = 0;
  for (let step = 0; step < 60; step++) {
    const who = pick(people);
    const roll = next(20);
    if (roll < 8 && findings < 16) addFinding(log, `f${findings++}`, who, `Findings about ${words(2 + next(6))}.`, { topic: pick(TOPICS) });
    else if (roll < 12) log.add('TaskProposed', { taskId: `t${tasks++}`, title: `Fix the ${pick(VOCABULARY.slice(0, 4))} ${pick(VOCABULARY.slice(0, 4))}`, tags: [pick(VOCABULARY.slice(0, 3))], proposedBy: who });
    else if (roll < 17 && tasks > 0) log.add('TaskClaimed', { taskId: `t${next(tasks)}`, owner: who, leaseUntil: '2027-01-01T00:00:00.000Z' });
    else if (roll < 18) log.add('MessagePosted', { messageId: `m${step}`, from: who, to: pick([...people, 'role:builder', 'role:reflector', 'all']), body: 'hello' });
    else if (roll < 19) log.add('RoleChanged', { instanceId: who, from: PEOPLE[who as keyof typeof PEOPLE], to: pick(Object.values(PEOPLE)) });
  }
  return log;
}

/** The pairwise reference over the whole log. */
function pairwiseSuggestions(events: readonly StoredEvent[], now: Date) {
  const roles = new Map<string, string>();
  const talked: [string, string][] = [];
  const findings: { id: string; by: string; summary: string; topic?: string; position: bigint; stems: string[] }[] = [];
  for (const e of events) {
    if (e.type === 'InstanceJoined') roles.set(e.data.instanceId, e.data.role);
    else if (e.type === 'RoleChanged') roles.set(e.data.instanceId, e.data.to);
    else if (e.type === 'MessagePosted') {
      const { from, to } = e.data;
      const reached = to === 'all' ? [] : to.startsWith('role:') ? [...roles].filter(([, role]) => role === to.slice(5)).map(([id]) => id) : [to];
      for (const id of reached) if (id !== from) talked.push([from, id]);
    } else if (e.type === 'FindingRecorded' && !findings.some((f) => f.id === e.data.findingId)) {
      findings.push({ id: e.data.findingId, by: e.data.by, summary: e.data.summary, ...(e.data.topic ? { topic: e.data.topic } : {}), position: e.position, stems: termSet(terms(e.data.summary)) });
    }
  }
  const suggestionFinding = (f: (typeof findings)[number]) => ({ findingId: f.id, by: f.by, summary: f.summary, ...(f.topic === undefined ? {} : { topic: f.topic }) });
  // Every finding against every earlier one, by another instance, weighted as of the later one.
  const links = new Map<string, number>();
  findings.forEach((later, j) => {
    const df = new Map<string, number>();
    for (const f of findings.slice(0, j + 1)) for (const t of f.stems) df.set(t, (df.get(t) ?? 0) + 1);
    const weight = memoIdfOf(j + 1, (t) => df.get(t) ?? 0);
    for (const earlier of findings.slice(0, j)) {
      const score = cosine(earlier.stems, later.stems, weight);
      if (earlier.by !== later.by && score >= FLOOR) links.set(`${later.id}:${earlier.id}`, score);
    }
  });
  const related = new Map<string, { later: (typeof findings)[number]; earlier: (typeof findings)[number]; score: number }>();
  for (const later of findings) {
    for (const earlier of findings) {
      const score = links.get(`${later.id}:${earlier.id}`);
      if (score !== undefined && score >= RELATED_THRESHOLD) related.set(`${later.id}:${earlier.id}`, { later, earlier, score });
    }
  }
  // Each instance's latest finding on a topic, paired across instances.
  const latestOnTopic = new Map<string, Map<string, (typeof findings)[number]>>();
  for (const f of findings) if (f.topic !== undefined) latestOnTopic.set(topicKey(f.topic), (latestOnTopic.get(topicKey(f.topic)) ?? new Map()).set(f.by, f));
  for (const byInstance of latestOnTopic.values()) {
    const latest = [...byInstance.values()];
    for (const a of latest) for (const b of latest) {
      if (a.position <= b.position || a.by === b.by) continue;
      const key = `${a.id}:${b.id}`;
      if (!related.has(key)) related.set(key, { later: a, earlier: b, score: 0 });
    }
  }
  const ordered = [...related.values()].sort((x, y) => (x.later.position === y.later.position ? Number(y.earlier.position - x.earlier.position) : Number(y.later.position - x.later.position)));

  // Every pair of live claims, weighted by the active (open or claimed) tasks.
  const board = taskBoard(fold(tasksProjection, events), now);
  const active = board.filter((t) => t.status === 'open' || t.status === 'claimed');
  const stemsOf = (t: (typeof board)[number]) => termSet(terms(taskText({ title: t.title, description: t.description ?? undefined, tags: t.tags })));
  const taskDf = new Map<string, number>();
  for (const t of active) for (const term of stemsOf(t)) taskDf.set(term, (taskDf.get(term) ?? 0) + 1);
  const taskWeight = memoIdfOf(active.length, (t) => taskDf.get(t) ?? 0);
  const claims = board.filter((t) => t.status === 'claimed');
  const claimOf = (t: (typeof board)[number]) => ({ taskId: t.taskId, title: t.title, ...(t.description ? { description: t.description } : {}), tags: t.tags, owner: t.owner! });
  const duplicates = claims.flatMap((a, i) =>
    claims.slice(i + 1).flatMap((b) => {
      const score = cosine(stemsOf(a), stemsOf(b), taskWeight);
      return a.owner === b.owner || score === 0 ? [] : [{ a: claimOf(a), b: claimOf(b), score }];
    }),
  );
  return coordinatorSuggestions({ related: ordered.map(({ later, earlier, score }) => ({ later: suggestionFinding(later), earlier: suggestionFinding(earlier), score })), duplicates, talked });
}

describe('suggestions on the board', () => {
  it('equal the pairwise comparison over the whole log, on 40 small random logs', async () => {
    let suggested = 0;
    let kinds = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const log = randomLog(seed);
      const store = new InMemoryEventStore();
      await appendEvents(store, log.events);
      const now = new Date(Date.parse(log.events[log.events.length - 1]!.metadata.at) + 60_000);
      const app = appOver(store, { clock: () => now });
      const board = await status.run(app, { limit: 200 }, {});
      expect(board.suggestions, `seed ${seed}`).toEqual(pairwiseSuggestions(log.events, now));
      suggested += board.suggestions.length;
      kinds = new Set([...kinds, ...board.suggestions.map((s) => s.kind)]);
      await app.close();
    }
    expect(suggested, 'logs with nothing to suggest would prove nothing').toBeGreaterThan(40);
    expect([...kinds].sort()).toEqual(['collaboration', 'duplicate-claims']);
  });
});

describe("the board's notes of whole-log folds", () => {
  it('health warnings found by `health` show on the board, with the position they stand at', async () => {
    const log = joined({ e1: 'explorer', b1: 'builder', r1: 'reflector', c1: 'coordinator' });
    for (const [i, who] of ['e1', 'b1', 'r1', 'e1'].entries()) addFinding(log, `f${i}`, who, FILLERS[i]!, { topic: 'SQLite' });
    const store = new InMemoryEventStore();
    await appendEvents(store, log.events);
    const now = new Date(Date.parse(log.events[log.events.length - 1]!.metadata.at) + 60_000);
    const app = appOver(store, { clock: () => now });
    expect((await status.run(app, { limit: 10 }, {})).health).toBeNull();
    const report = await health.run(app, { window: 24 * 3_600_000 }, {});
    expect(report.signals.find((s) => s.name === 'topic-diversity')?.status).toBe('warning');
    const board = await status.run(app, { limit: 10 }, {});
    expect(board.health).toMatchObject({ asOf: log.head, status: 'warning', warnings: expect.arrayContaining([expect.objectContaining({ name: 'topic-diversity' })]) });
    await app.close();
  });
});
