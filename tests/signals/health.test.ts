import { describe, expect, it } from 'vitest';
import { convergenceProjection } from '../../projections/convergence.js';
import { convergedIn, healthProjection, healthReport, type HealthSignal, type HealthState } from '../../projections/health.js';
import { fold } from '../../projections/projection.js';
import { decodeJson, encodeJson } from '../../src/runtime/json.js';
import type { EventLog } from '../projections/fixtures.js';
import { addFinding, BUSY_A, BUSY_B, FILLERS, joined } from './helpers.js';

const DAY = 24 * 3600 * 1000;
const team = () => joined({ e1: 'explorer', b1: 'builder', r1: 'reflector', c1: 'coordinator' });

function report(log: EventLog, extra: { windowMs?: number; now?: Date } = {}) {
  const last = log.events[log.events.length - 1]!;
  return healthReport(fold(healthProjection, log.events), {
    now: extra.now ?? new Date(Date.parse(last.metadata.at) + 60_000),
    windowMs: extra.windowMs ?? DAY,
    converged: convergedIn(fold(convergenceProjection, log.events)),
  });
}
const signal = (log: EventLog, name: string): HealthSignal => report(log).signals.find((s) => s.name === name)!;
const message = (log: EventLog, from: string, to: string, body: string) =>
  log.add('MessagePosted', { messageId: `m${log.head + 1n}`, from, to, body });

/** Healthy work: different topics, one independent convergence, a multi-role synthesis, light coordination, some debate. */
function healthy(): EventLog {
  const log = team();
  log.add('TaskProposed', { taskId: 't1', title: 'Measure SQLite contention', tags: ['sqlite'], proposedBy: 'b1' });
  log.add('TaskClaimed', { taskId: 't1', owner: 'b1', leaseUntil: '2026-01-02T00:00:00.000Z' });
  log.add('TaskProposed', { taskId: 't2', title: 'Survey resilience patterns', tags: ['resilience'], proposedBy: 'e1' });
  log.add('TaskClaimed', { taskId: 't2', owner: 'e1', leaseUntil: '2026-01-02T00:00:00.000Z' });
  const beforeA = log.head;
  addFinding(log, 'a', 'b1', BUSY_A, { topic: 'sqlite' });
  addFinding(log, 'b', 'e1', BUSY_B, { topic: 'storage', seenUpTo: beforeA }); // independent of "a"
  FILLERS.forEach((text, i) => addFinding(log, `e${i}`, ['e1', 'b1', 'r1'][i % 3]!, text, { topic: ['storage', 'sqlite', 'meaning'][i % 3] }));
  addFinding(log, 'r-1', 'r1', 'Triangulation from two roles makes a finding robust.', { topic: 'meaning' });
  addFinding(log, 'r-2', 'r1', 'Roles disagree usefully when they start from different evidence.', { topic: 'meaning' });
  addFinding(log, 'r-3', 'r1', 'Synthesis happens naturally when findings are shared.', { topic: 'meaning' });
  log.add('SynthesisPublished', { synthesisId: 's1', by: 'r1', summary: 'Storage contention seen from two angles.', integrates: ['a', 'b'], tags: [] });
  log.add('InstanceSynced', { instanceId: 'e1', upTo: String(log.head) });
  log.add('InstanceSynced', { instanceId: 'b1', upTo: String(log.head) });
  message(log, 'e1', 'b1', 'Your busy timeout result matches mine, but I saw it with readers too.');
  message(log, 'b1', 'e1', 'Agreed, good point.');
  message(log, 'r1', 'all', 'Why do both of you see it only under load?');
  log.add('TaskCompleted', { taskId: 't1', by: 'b1' });
  return log;
}

describe('health: a healthy log raises nothing', () => {
  it('every signal is good', () => {
    const r = report(healthy());
    expect(r.signals.filter((s) => s.status !== 'good').map((s) => [s.name, s.status, s.explanation])).toEqual([]);
    expect(r.status).toBe('good');
    expect(r.signals.map((s) => s.name)).toEqual([
      'topic-diversity',
      'topic-fixation',
      'convergences',
      'multi-role-syntheses',
      'coordination-per-finding',
      'messages-per-finding',
      'permission-asking',
      'agreement-without-discussion',
    ]);
  });

  it('judges what it has enough data for, and says so', () => {
    const r = report(healthy());
    const by = (n: string) => r.signals.find((s) => s.name === n)!;
    expect(by('topic-diversity')).toMatchObject({ judged: true, value: 1 });
    expect(by('convergences')).toMatchObject({ judged: true, value: 1 });
    expect(by('multi-role-syntheses')).toMatchObject({ judged: true, value: 1 });
    expect(by('agreement-without-discussion')).toMatchObject({ judged: false });
    // One agreeing message: the count agrees with its noun.
    expect(by('agreement-without-discussion').explanation).toMatch(/^too little activity to judge \(1 agreeing message in the window, fewer than \d+\)$/);
  });
});

describe('health: each planted warning fires', () => {
  it('all instances on one topic → topic-diversity warning', () => {
    const log = team();
    for (const [i, who] of ['e1', 'b1', 'r1', 'e1'].entries()) addFinding(log, `f${i}`, who, FILLERS[i]!, { topic: 'SQLite' });
    const s = signal(log, 'topic-diversity');
    expect(s).toMatchObject({ status: 'warning', value: 0 });
    expect(s.explanation).toMatch(/1 distinct main topics: sqlite \(3\)/);
    expect(s.evidence).toHaveLength(3);
  });

  it('two instances on the same topic for five hours → topic-fixation warning', () => {
    const log = team();
    for (let h = 0; h <= 5; h++) {
      const at = new Date(Date.UTC(2026, 0, 1, 1 + h)).toISOString();
      addFinding(log, `e-${h}`, 'e1', `${FILLERS[h % 5]} (e ${h})`, { topic: 'leases', meta: { at } });
      addFinding(log, `b-${h}`, 'b1', `${FILLERS[(h + 1) % 5]} (b ${h})`, { topic: 'leases', meta: { at } });
    }
    const s = signal(log, 'topic-fixation');
    expect(s).toMatchObject({ status: 'warning', value: 2 });
    expect(s.explanation).toMatch(/2 instance\(s\) on "leases"/);
  });

  it('one instance on one topic for long is only worth watching', () => {
    const log = team();
    for (let h = 0; h <= 5; h++) addFinding(log, `e-${h}`, 'e1', `${FILLERS[h % 5]} ${h}`, { topic: 'leases', meta: { at: new Date(Date.UTC(2026, 0, 1, h)) } });
    expect(signal(log, 'topic-fixation')).toMatchObject({ status: 'watch', value: 1 });
  });

  it('many findings, no independent convergence and no synthesis → watch both', () => {
    const log = team();
    for (let i = 0; i < 12; i++) addFinding(log, `f${i}`, ['e1', 'b1', 'r1'][i % 3]!, `${FILLERS[i % 5]} variant ${i}`, { topic: `t${i % 3}`, seenUpTo: log.head });
    expect(signal(log, 'convergences')).toMatchObject({ status: 'watch', value: 0, judged: true });
    expect(signal(log, 'multi-role-syntheses')).toMatchObject({ status: 'watch', value: 0, judged: true });
  });

  it('a synthesis of one role only does not count as integrating perspectives', () => {
    const log = team();
    for (let i = 0; i < 10; i++) addFinding(log, `f${i}`, 'e1', `${FILLERS[i % 5]} ${i}`, { topic: 'x' });
    log.add('SynthesisPublished', { synthesisId: 's', by: 'r1', summary: 'All explorer.', integrates: ['f1', 'f2'], tags: [] });
    expect(signal(log, 'multi-role-syntheses')).toMatchObject({ status: 'watch', value: 0 });
  });

  it('claims, proposals and syncs far outnumbering findings → coordination-per-finding warning', () => {
    const log = team();
    addFinding(log, 'f1', 'e1', FILLERS[0]!);
    for (let i = 0; i < 5; i++) {
      log.add('TaskProposed', { taskId: `t${i}`, title: `Process step ${i}`, tags: [], proposedBy: 'c1' });
      log.add('TaskClaimed', { taskId: `t${i}`, owner: 'b1', leaseUntil: '2026-01-02T00:00:00.000Z' });
      log.add('InstanceSynced', { instanceId: 'b1', upTo: String(log.head) });
    }
    const s = signal(log, 'coordination-per-finding');
    expect(s).toMatchObject({ status: 'warning', value: 15, judged: true });
    expect(s.evidence).toHaveLength(10);
    expect(s.evidence.at(-1)!.summary).toMatch(/^b1 synced to/);
  });

  it('high message volume, low discovery → messages-per-finding warning', () => {
    const log = team();
    addFinding(log, 'f1', 'e1', FILLERS[0]!);
    addFinding(log, 'f2', 'b1', FILLERS[1]!);
    for (let i = 0; i < 14; i++) message(log, i % 2 ? 'e1' : 'b1', 'all', `Status update number ${i} on the process.`);
    expect(signal(log, 'messages-per-finding')).toMatchObject({ status: 'warning', value: 7 });
  });

  it('asking the coordinator for permission → permission-asking warning; asking a peer does not count', () => {
    const log = team();
    message(log, 'e1', 'c1', 'Should I take task t1?');
    message(log, 'b1', 'role:coordinator', 'Is it ok if I refactor the store?');
    message(log, 'r1', 'c1', 'Hi, can I start the synthesis now?');
    message(log, 'r1', 'b1', 'Can I reuse your benchmark script?');
    const s = signal(log, 'permission-asking');
    expect(s).toMatchObject({ status: 'warning', value: 3 });
    expect(s.evidence.map((e) => e.summary)).toEqual([
      'e1 → c1: Should I take task t1?',
      'b1 → role:coordinator: Is it ok if I refactor the store?',
      'r1 → c1: Hi, can I start the synthesis now?',
    ]);
  });

  it('only assent, never a counter-argument → agreement-without-discussion warning', () => {
    const log = team();
    for (const [i, body] of ['+1', 'Sounds good.', 'Agreed!', 'Makes sense to me.', 'LGTM'].entries()) message(log, ['e1', 'b1', 'r1'][i % 3]!, 'all', body);
    expect(signal(log, 'agreement-without-discussion')).toMatchObject({ status: 'warning', value: 1, judged: true });
    message(log, 'r1', 'all', 'I disagree: we never tested it under load.');
    message(log, 'e1', 'all', 'However the lease data says otherwise.');
    expect(signal(log, 'agreement-without-discussion')).toMatchObject({ status: 'good', value: 0.71 });
  });
});

describe('health: windows and replay', () => {
  it('only events inside the window count', () => {
    const log = team();
    message(log, 'e1', 'c1', 'Should I take task t1?');
    const later = new Date(Date.parse(log.events.at(-1)!.metadata.at) + 2 * DAY);
    expect(report(log, { now: later }).signals.find((s) => s.name === 'permission-asking')).toMatchObject({ value: 0, status: 'good' });
    expect(report(log, { now: later, windowMs: 3 * DAY }).signals.find((s) => s.name === 'permission-asking')).toMatchObject({ value: 1 });
  });

  it('survives a checkpoint: encode/decode of the state gives the same report', () => {
    const log = healthy();
    const state = fold(healthProjection, log.events);
    const options = { now: new Date('2026-01-02T00:00:00Z'), windowMs: DAY, converged: convergedIn(fold(convergenceProjection, log.events)) };
    expect(healthReport(decodeJson<HealthState>(encodeJson(state)), options)).toEqual(healthReport(state, options));
  });
});
