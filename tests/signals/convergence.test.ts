import { describe, expect, it } from 'vitest';
import { fold } from '../../projections/projection.js';
import { convergenceOptionsFromEnv, convergenceProjection, type ConvergenceState } from '../../projections/convergence.js';
import { clustersOf, convergenceClusters, matchesFor } from '../../projections/convergence-report.js';
import { decodeJson, encodeJson } from '../../src/runtime/json.js';
import { addFinding, BUSY_A, BUSY_B, BUSY_C, joined, withFillers } from './helpers.js';

const roles = { e1: 'explorer', b1: 'builder', r1: 'reflector', e2: 'explorer' };
const run = (events: Parameters<typeof fold>[1]) => fold(convergenceProjection, events);

describe('convergence: independence is read off the log', () => {
  it('two instances that had not synced past each other converge', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'b', 'b1', BUSY_B, { seenUpTo: log.head - 1n }); // synced to just before "a"
    const { convergences, echoes } = convergenceClusters(run(log.events));
    expect(echoes).toEqual([]);
    expect(convergences).toHaveLength(1);
    const [cluster] = convergences;
    expect(cluster!.members.map((m) => m.findingId)).toEqual(['a', 'b']);
    expect(cluster!.roles).toEqual(['builder', 'explorer']);
    expect(cluster!.links[0]!.kind).toBe('convergence');
    expect(cluster!.links[0]!.reason).toMatch(/^independent: when b1 recorded b \(position \d+\), no read, sync, cite or message had brought it e1's a \(position \d+\)/);
    expect(cluster!.links[0]!.shared).toEqual(expect.arrayContaining(['sqlite', 'lock']));
  });

  it('a finding by an author who had synced past the earlier one is an echo', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'b', 'b1', BUSY_B, { seenUpTo: log.head }); // has seen "a"
    const { convergences, echoes } = convergenceClusters(run(log.events));
    expect(convergences).toEqual([]);
    expect(echoes).toHaveLength(1);
    expect(echoes[0]!.links[0]!.reason).toMatch(/^echo: b1 had synced to position \d+ \(at \d+\), before recording b$/);
  });

  it('a direct cite makes an echo even without syncing', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'b', 'b1', BUSY_B, { cites: ['a'] });
    const [echo] = convergenceClusters(run(log.events)).echoes;
    expect(echo!.links[0]!.reason).toMatch(/^echo: b1 cited finding a \(at \d+\), before recording b$/);
  });

  it('a transitive cite (through another finding, or a synthesis) makes an echo', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'mid', 'r1', 'Pair programming spreads knowledge of the codebase between instances.', { cites: ['a'] });
    log.add('SynthesisPublished', { synthesisId: 'syn', by: 'r1', summary: 'Knowledge spreads.', integrates: ['mid'], tags: [] });
    addFinding(log, 'b', 'b1', BUSY_B, { cites: ['syn'] });
    const state = run(log.events);
    const link = convergenceClusters(state).echoes[0]!.links.find((l) => l.later === 'b')!;
    expect(link.reason).toMatch(/^echo: b1 cited synthesis syn \(at \d+\), and r1 had cited finding a \(at \d+\), before recording b$/);
  });

  it('an instance never converges with itself', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'b', 'e1', BUSY_B);
    const state = run(log.events);
    expect(state.links.filter((l) => [l.earlier, l.later].includes('a'))).toEqual([]);
    expect(convergenceClusters(state)).toMatchObject({ convergences: [], echoes: [], rejected: [] });
  });

  it('clusters whose independent members span more roles rank first', () => {
    const log = withFillers(joined(roles));
    // Two explorers converge on one thing, the most recent cluster.
    addFinding(log, 'x1', 'e1', 'Lease renewals every thirty seconds flood the log with ClaimRenewed heartbeat events.');
    addFinding(log, 'x2', 'e2', 'ClaimRenewed heartbeat events flood the log: lease renewals every thirty seconds are too frequent.');
    // An explorer, a builder and a reflector converge on another, earlier in the log.
    const first = log.head + 1n;
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'b', 'b1', BUSY_B, { seenUpTo: first - 1n });
    addFinding(log, 'c', 'r1', BUSY_C, { seenUpTo: first - 1n });
    const { convergences } = convergenceClusters(run(log.events));
    expect(convergences.map((c) => c.roles)).toEqual([['builder', 'explorer', 'reflector'], ['explorer']]);
    expect(convergences[1]!.instances).toEqual(['e1', 'e2']);
  });

  it('a cluster does not chain: a finding joins the first earlier finding it says the same as that joined no other', () => {
    const node = (findingId: string, position: bigint, instanceId: string) => ({ findingId, position, instanceId, role: roles[instanceId as keyof typeof roles], seenUpTo: 0n, at: '2026-12-01T00:00:00.000Z', summary: findingId });
    const nodes = { a: node('a', 1n, 'e1'), b: node('b', 2n, 'b1'), c: node('c', 3n, 'r1'), d: node('d', 4n, 'e2') };
    const facts = {
      finding: (id: string) => nodes[id as keyof typeof nodes],
      sharedStems: () => [],
      judgment: () => ({ status: 'unjudged' as const, judges: [] }),
      pathTo: () => undefined,
      anonymousReadBefore: () => undefined,
    };
    const link = (earlier: string, later: string) => ({ earlier, later, lexical: 0.9, echo: false });
    const clusters = (links: ReturnType<typeof link>[]) => clustersOf(links, facts).convergences.map((c) => c.members.map((m) => m.findingId)).sort();
    // b says what a says, c what b says but not what a says: c is in no cluster (b had joined a),
    // where single linkage put all three in one. d is closest to b, which joined a; it joins a.
    expect(clusters([link('a', 'b'), link('b', 'c'), link('b', 'd'), link('a', 'd')])).toEqual([['a', 'b', 'd']]);
    // c joined nobody, so it can lead: d, which says what c says, joins it, apart from a and b.
    expect(clusters([link('a', 'b'), link('b', 'c'), link('c', 'd')])).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('matchesFor tells the author of a new finding what it converges with, convergences first', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'b', 'r1', BUSY_C, { seenUpTo: log.head });
    addFinding(log, 'c', 'b1', BUSY_B, { seenUpTo: log.head - 1n }); // saw "a", not "b"
    const matches = matchesFor(run(log.events), 'c');
    expect(matches.map((m) => [m.other.findingId, m.kind])).toEqual([
      ['b', 'convergence'],
      ['a', 'echo'],
    ]);
    expect(matches[0]!.other.role).toBe('reflector');
    expect(matchesFor(run(log.events), 'unknown')).toEqual([]);
  });

  it('the threshold is applied at query time', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'b', 'b1', BUSY_B);
    const state = run(log.events);
    const score = state.links.find((l) => l.earlier === 'a' && l.later === 'b')!.lexical;
    expect(Math.max(...state.links.filter((l) => l.later !== 'b').map((l) => l.lexical))).toBeLessThan(score);
    expect(convergenceClusters(state, { threshold: score }).convergences).toHaveLength(1);
    expect(convergenceClusters(state, { threshold: score + 0.01 }).convergences).toHaveLength(0);
  });

  it('embeddings of the same model decide when both findings carry one', () => {
    const log = withFillers(joined(roles));
    const v = (x: number) => ({ model: 'm1', vector: [1, x, 0, 0.5] });
    addFinding(log, 'a', 'e1', 'Readers never wait for the writer in this journaling mode.', { embedding: v(0.1) });
    addFinding(log, 'b', 'b1', 'With a write-ahead log, reading does not block on appends.', { embedding: v(0.12) });
    addFinding(log, 'c', 'r1', 'Unrelated thought about ecology.', { embedding: { model: 'm2', vector: [1, 0.1, 0, 0.5] } });
    const state = run(log.events);
    const [cluster] = convergenceClusters(state).convergences;
    expect(cluster!.members.map((m) => m.findingId)).toEqual(['a', 'b']);
    expect(cluster!.links[0]).toMatchObject({ measure: 'semantic' });
    expect(cluster!.links[0]!.score).toBeGreaterThan(0.99);
    expect(convergenceClusters(state, { semanticThreshold: 1.01 }).convergences).toEqual([]);
  });

  it('reads thresholds from the environment, ignoring bad values', () => {
    expect(convergenceOptionsFromEnv({ CAIRN_CONVERGENCE_THRESHOLD: '0.4', CAIRN_SEMANTIC_THRESHOLD: '0.85' })).toEqual({ threshold: 0.4, semanticThreshold: 0.85 });
    expect(convergenceOptionsFromEnv({ CAIRN_CONVERGENCE_THRESHOLD: 'high', CAIRN_SEMANTIC_THRESHOLD: '2' })).toEqual({});
  });
});

describe('convergence: determinism and replay', () => {
  function busyLog() {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'e1', BUSY_A);
    addFinding(log, 'b', 'b1', BUSY_B, { seenUpTo: 3n });
    addFinding(log, 'c', 'r1', BUSY_C, { cites: ['b'] });
    addFinding(log, 'constructor', 'e2', BUSY_A.replace('second', 'third'), { seenUpTo: 1n });
    return log;
  }

  it('the same log gives identical state and clusters, every time', () => {
    const a = run(busyLog().events);
    const b = run(busyLog().events);
    expect(encodeJson(a)).toBe(encodeJson(b));
    expect(convergenceClusters(a)).toEqual(convergenceClusters(b));
    expect(convergenceClusters(a).convergences.length).toBeGreaterThan(0);
  });

  it('a state checkpointed mid-log (encode/decode) and folded on gives identical clusters', () => {
    const events = busyLog().events;
    const cut = events.length - 3;
    let state = decodeJson<ConvergenceState>(encodeJson(run(events.slice(0, cut))));
    for (const e of events.slice(cut)) state = convergenceProjection.evolve(state, e);
    const straight = run(events);
    expect(encodeJson(state)).toBe(encodeJson(straight));
    expect(convergenceClusters(state)).toEqual(convergenceClusters(straight));
    expect(convergenceClusters(decodeJson<ConvergenceState>(encodeJson(straight)))).toEqual(convergenceClusters(straight));
  });

  it('ignores a finding id it has already seen', () => {
    const log = busyLog();
    const events = [...log.events, log.events[log.events.length - 1]!];
    expect(encodeJson(run(events))).toBe(encodeJson(run(log.events)));
  });
});
