import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { convergenceProjection, type ConvergenceState } from '../../projections/convergence.js';
import { matcherCalibration } from '../../projections/convergence-calibration.js';
import { boundedReport, convergenceClusters, matchesFor, unjudgedCandidates } from '../../projections/convergence-report.js';
import { convergedIn, healthProjection, healthReport } from '../../projections/health.js';
import { fold } from '../../projections/projection.js';
import { calibration, convergedInTables, convergenceReport, matchesOf, unjudgedLinks } from '../../src/readstore/convergence-queries.js';
import { healthWindow } from '../../src/readstore/health.js';
import { eventLog } from '../projections/fixtures.js';
import { random, realisticLog } from '../projections/generate.js';
import { plain, tablesOver } from './fold-tables.js';

/**
 * Convergence and health in tables equal the folds: after findings that say much the same
 * thing (some after reading each other), and judges confirming and rejecting candidates (a
 * rejection can split a cluster, a confirmation can join one below the threshold), folded in
 * any catch-up batches, every report, match list, reminder, calibration and health report
 * from the tables equals the one from a full replay.
 */

const WORDS = ['lease', 'retry', 'upload', 'stall', 'header', 'socket', 'cache', 'queue', 'timeout', 'token'];
const VERBS = ['drops', 'doubles', 'delays', 'skips', 'blocks'];

function convergingLog(seed: number): StoredEvent[] {
  const log = realisticLog(seed, 120);
  const rnd = random(seed + 7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const instances = [...new Set(log.events.filter((e) => e.type === 'InstanceJoined').map((e) => e.metadata.instanceId))];
  const findings: string[] = [];
  const addFindings = (n: number, tag: string) => {
    for (let i = 0; i < n; i++) {
      const who = pick(instances);
      const roll = rnd();
      if (roll < 0.25 && findings.length > 0) {
        log.add('ContentShown', { instanceId: who, via: 'findings', upTo: String(log.events.length), streams: [`finding-${pick(findings)}`], everything: false });
      } else if (roll < 0.3) {
        log.add('ContentShown', { via: 'log', upTo: String(log.events.length), streams: findings.length > 0 ? [`finding-${pick(findings)}`] : [], everything: rnd() < 0.5 }, { instanceId: 'anonymous', role: 'anonymous' });
      } else if (roll < 0.4) {
        log.add('InstanceSynced', { instanceId: who, upTo: String(log.events.length) });
      } else {
        const id = `c${tag}-${i}`;
        const w = pick(WORDS);
        const cites = findings.length > 0 && rnd() < 0.2 ? [pick(findings)] : [];
        log.add('FindingRecorded', { findingId: id, by: who, summary: `the ${w} ${pick(VERBS)} the ${pick(WORDS)} when ${w} ${pick(WORDS)}`, topic: w, tags: [], cites }, { seenUpTo: rnd() < 0.2 ? log.head : 0n });
        findings.push(id);
      }
    }
  };
  addFindings(90, 'a');
  // Judges on real candidates: confirm, reject, change their minds.
  const state = fold(convergenceProjection, log.events);
  for (let i = 0; i < 25 && state.links.length > 0; i++) {
    const link = pick(state.links);
    const judge = pick(instances.filter((x) => x !== state.findings[link.earlier]!.instanceId && x !== state.findings[link.later]!.instanceId));
    if (!judge) continue;
    log.add('ConvergenceJudged', { earlier: link.earlier, later: link.later, by: judge, verdict: rnd() < 0.5 ? 'same' : 'different', reason: 'read both' }, { instanceId: judge });
  }
  // Verdicts the judge command never writes but an imported log may hold: on pairs whose later
  // finding comes after them (they decide the link from the moment it is scored), and on pairs
  // named the other way round.
  for (let i = 0; i < 30; i++) {
    log.add('ConvergenceJudged', { earlier: pick(findings), later: `cb-${Math.floor(rnd() * 40)}`, by: pick(instances), verdict: rnd() < 0.5 ? 'same' : 'different', reason: 'ahead of time' });
  }
  for (let i = 0; i < 5 && state.links.length > 0; i++) {
    const link = pick(state.links);
    log.add('ConvergenceJudged', { earlier: link.later, later: link.earlier, by: pick(instances), verdict: rnd() < 0.5 ? 'same' : 'different', reason: 'the other way round' });
  }
  // A finding that cites itself, and a synthesis of findings recorded later or never.
  log.add('FindingRecorded', { findingId: 'c-self', by: pick(instances), summary: `the ${pick(WORDS)} skips the ${pick(WORDS)} itself`, tags: [], cites: ['c-self'] });
  log.add('SynthesisPublished', { synthesisId: 's-ahead', by: pick(instances), summary: 'ahead of its findings', integrates: [`cb-${Math.floor(rnd() * 40)}`, 'never-recorded'], tags: [] });
  // A finding whose event carries no identity, though its data names an author.
  log.add('FindingRecorded', { findingId: 'c-anonymous', by: pick(instances), summary: `the ${pick(WORDS)} drops the ${pick(WORDS)} unsigned`, tags: [], cites: [] }, { instanceId: 'anonymous', role: 'anonymous' });
  // And findings that reuse an id, or cite one recorded later or never.
  for (let i = 0; i < 3; i++) {
    log.add('FindingRecorded', { findingId: pick(findings), by: pick(instances), summary: `the ${pick(WORDS)} drops the ${pick(WORDS)} again`, tags: [], cites: [`cb-${Math.floor(rnd() * 40)}`, 'never-recorded'] });
  }
  addFindings(40, 'b');
  return log.events;
}


function expectSameConvergence(db: Database.Database, state: ConvergenceState): void {
  for (const options of [{}, { threshold: 0.5 }, { threshold: 0.2 }]) {
    for (const limit of [2, Infinity]) {
      expect(plain(convergenceReport(db, limit, options))).toEqual(plain(boundedReport(convergenceClusters(state, options), limit)));
    }
  }
  for (const id of Object.keys(state.findings).slice(0, 40)) expect(plain(matchesOf(db, id))).toEqual(plain(matchesFor(state, id)));
  expect(plain(unjudgedLinks(db, 5))).toEqual(plain(unjudgedCandidates(state, 5)));
  expect(calibration(db, { threshold: 0.4 })).toEqual(matcherCalibration(state, { threshold: 0.4 }));
}

describe('convergence and health in tables equal a full replay of the folds', () => {
  it('reports, matches, reminders and calibration, whatever the catch-up batches, caches kept between them or not', () => {
    let splits = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 5 }), fc.boolean(), (seed, cuts, keepCaches) => {
        const events = convergingLog(seed);
        const db = tablesOver(events, cuts, { keepCaches });
        const state = fold(convergenceProjection, events);
        expectSameConvergence(db, state);
        if (convergenceClusters(state).rejected.length > 0) splits++;
      }),
      { numRuns: 25 },
    );
    // The logs did exercise rejections (which take links out of clusters).
    expect(splits).toBeGreaterThan(0);
  });

  it('health over a window, with its convergence signal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 4 }), fc.integer({ min: 1, max: 48 }), fc.boolean(), (seed, cuts, hours, keepCaches) => {
        const events = convergingLog(seed);
        const db = tablesOver(events, cuts, { keepCaches });
        const now = new Date(Date.parse(events.at(-1)!.metadata.at) + 60_000);
        const windowMs = hours * 3_600_000;
        const options = { now, windowMs, evidenceLimit: 50 };
        const fromFold = healthReport(fold(healthProjection, events), { ...options, converged: convergedIn(fold(convergenceProjection, events)) });
        const fromTables = healthReport(healthWindow(db, now.getTime() - windowMs, now.getTime()), { ...options, converged: convergedInTables(db) });
        expect(plain(fromTables)).toEqual(plain(fromFold));
        expect(fromFold.signals.find((s) => s.name === 'convergences')!.evidence.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 20 },
    );
  });

  it('holds a verdict recorded before its later finding, in a catch-up of many findings as in one of few', () => {
    // Given a verdict, then many pairs of findings (a big catch-up then reads every judged id
    // once instead of asking per finding), then a judge rejecting a pair whose later finding
    // is not recorded yet, and that finding
    const log = eventLog().add('InstanceJoined', { instanceId: 'ada', role: 'explorer' }).add('InstanceJoined', { instanceId: 'bo', role: 'builder' });
    log.add('ConvergenceJudged', { earlier: 'f-x', later: 'f-y', by: 'cy', verdict: 'same', reason: 'an early verdict' }, { instanceId: 'cy' });
    for (let i = 0; i < 100; i++) {
      const pair = Math.floor(i / 2);
      log.add('FindingRecorded', { findingId: `f-${i}`, by: i % 2 === 0 ? 'ada' : 'bo', summary: `word${pair} alpha${pair} beta${pair} gamma${pair}`, tags: [], cites: [] });
    }
    log.add('FindingRecorded', { findingId: 'f-lease', by: 'ada', summary: 'The lease renewal drops the retry header under load.', tags: [], cites: [] });
    log.add('ConvergenceJudged', { earlier: 'f-lease', later: 'f-lease-2', by: 'cy', verdict: 'different', reason: 'judged ahead' }, { instanceId: 'cy' });
    log.add('FindingRecorded', { findingId: 'f-lease-2', by: 'bo', summary: 'The lease renewal drops the retry header under load.', tags: [], cites: [] });
    const events = log.events;
    const state = fold(convergenceProjection, events);
    expect(convergenceClusters(state).rejected.map((l) => [l.earlier, l.later])).toEqual([['f-lease', 'f-lease-2']]);
    // When the tables fold it in one transaction, and in one per event
    for (const cuts of [[], events.map((_, i) => i + 1)]) {
      for (const keepCaches of [false, true]) {
        // Then the tables reject the pair, as the fold does
        expectSameConvergence(tablesOver(events, cuts, { keepCaches }), state);
      }
    }
  });

  it('shows what tells a pair apart beside it, read when shown rather than kept with every link', () => {
    // Given two instances that, unaware of each other, write the same words but opposite claims
    const events = eventLog()
      .add('InstanceJoined', { instanceId: 'ada', role: 'explorer' })
      .add('InstanceJoined', { instanceId: 'bo', role: 'builder' })
      .add('FindingRecorded', { findingId: 'f-rises', by: 'ada', summary: 'Validation loss rises after epoch 5 on the held-out split.', tags: [], cites: [] })
      .add('FindingRecorded', { findingId: 'f-falls', by: 'bo', summary: 'Validation loss falls after epoch 5 on the held-out split.', tags: [], cites: [] }).events;
    // When the pair is read from the tables and from the fold
    const db = tablesOver(events, []);
    const state = fold(convergenceProjection, events);
    // Then both show the antonym beside the candidate, and agree on everything else
    const [fromTables] = matchesOf(db, 'f-falls');
    expect(fromTables?.other.findingId).toBe('f-rises');
    expect(fromTables?.contrasts).toEqual(['antonym']);
    expect(plain(matchesOf(db, 'f-falls'))).toEqual(plain(matchesFor(state, 'f-falls')));
    const links = convergenceReport(db, 10).convergences.flatMap((c) => c.links);
    expect(links.map((l) => l.contrasts)).toEqual([['antonym']]);
    // And the complete reports, which group every candidate and show a page of them
    const loose = convergenceReport(db, 10, { threshold: 0.2 });
    expect(loose.convergences.flatMap((c) => c.links).map((l) => l.contrasts)).toEqual([['antonym']]);
    expect(plain(loose)).toEqual(plain(boundedReport(convergenceClusters(state, { threshold: 0.2 }), 10)));
    expect(boundedReport(convergenceClusters(state), 10).convergences.flatMap((c) => c.links).map((l) => l.contrasts)).toEqual([['antonym']]);
  });
});
