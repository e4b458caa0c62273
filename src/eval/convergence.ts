import { parseArgs } from 'node:util';
import { CURRENT_SCHEMA_VERSION, type StoredEvent } from '../../events/index.js';
import { DEFAULT_THRESHOLD, convergenceProjection, isSimilar, linkKey } from '../../projections/convergence.js';
import { fold } from '../../projections/projection.js';
import { claimProbability } from '../similarity/claim.js';
import { CLAIM_MODEL } from '../similarity/claim-model.js';
import { pairFeatures } from './matcher.js';
import { loadPairs, scoresOf, type LabelledPair, type Scores } from './pairs.js';
import { syntheticFindings } from './synthetic.js';

/**
 * npm run eval:convergence [-- --bench 100000]
 *
 * Precision, recall and F1 of the default offline matcher (IDF-weighted stem cosine at the
 * default threshold) on the held-out part of eval/convergence, two ways:
 *  - pairwise: each labelled pair scored on its own;
 *  - through the log: every held-out text recorded as a finding by its own never-synced
 *    instance, folded by the real convergence projection, and a pair counted as found when
 *    `cairn convergence` would report it (candidate lookup included).
 * Beside it, on the same pairs, what was tried and not made the default: the claim model
 * (src/similarity/claim-model.ts) and the lexical cosine with a veto on any contrast.
 * --bench N times the projection on a synthetic log of N findings instead.
 */

const f2 = (x: number) => x.toFixed(2);
const line = (name: string, s: Scores) => `${name.padEnd(34)} precision ${f2(s.precision)}  recall ${f2(s.recall)}  F1 ${f2(s.f1)}  (TP ${s.tp}, FP ${s.fp}, FN ${s.fn})`;

/** The held-out texts as a log: a, then b, of each pair, each by an instance of its own. */
function logOf(pairs: readonly LabelledPair[]): StoredEvent[] {
  const roles = ['explorer', 'builder', 'reflector'];
  return pairs.flatMap((p) => [p.a, p.b].map((summary, side) => ({ summary, findingId: `${p.id}.${side === 0 ? 'a' : 'b'}` }))).map(({ summary, findingId }, k) => ({
    type: 'FindingRecorded',
    data: { findingId, by: `agent-${k}`, summary, tags: [], cites: [] },
    metadata: {
      eventId: `00000000-0000-4000-8000-${(k + 1).toString(16).padStart(12, '0')}`,
      instanceId: `agent-${k}`,
      role: roles[k % roles.length]!,
      at: new Date(Date.UTC(2026, 0, 1, 0, k)).toISOString(),
      seenUpTo: '0',
      schemaVersion: CURRENT_SCHEMA_VERSION,
    },
    streamName: `finding-${findingId}`,
    revision: 0n,
    position: BigInt(k + 1),
  }));
}

export interface ConvergenceEval {
  pairs: { total: number; same: number };
  pairwise: Scores;
  throughLog: Scores;
  /** Tried, not the default. */
  claimModel: Scores;
  contrastVeto: Scores;
  byKind: Record<string, { pairs: number; correct: number }>;
}

export function evaluateHeldOut(all: readonly LabelledPair[] = loadPairs()): ConvergenceEval {
  const features = pairFeatures(all);
  const heldOut = all.filter((p) => p.split === 'heldout');
  const same = (p: LabelledPair) => features.get(p.id)!.lexical >= DEFAULT_THRESHOLD;
  const pairwise = scoresOf(heldOut, same);
  const claimModel = scoresOf(heldOut, (p) => claimProbability(features.get(p.id)!, CLAIM_MODEL) >= CLAIM_MODEL.threshold);
  const contrastVeto = scoresOf(heldOut, (p) => {
    const f = features.get(p.id)!;
    return same(p) && !(f.negation || f.numbers || f.antonym || f.entity);
  });

  const state = fold(convergenceProjection, logOf(heldOut));
  const reported = new Set(state.links.filter((l) => isSimilar(l)).map((l) => linkKey(l.earlier, l.later)));
  const throughLog = scoresOf(heldOut, (p) => reported.has(linkKey(`${p.id}.a`, `${p.id}.b`)));

  const byKind: ConvergenceEval['byKind'] = {};
  for (const p of heldOut) {
    const k = (byKind[p.kind] ??= { pairs: 0, correct: 0 });
    k.pairs++;
    if (same(p) === p.same) k.correct++;
  }
  return { pairs: { total: heldOut.length, same: heldOut.filter((p) => p.same).length }, pairwise, throughLog, claimModel, contrastVeto, byKind };
}

function bench(count: number): void {
  const events = syntheticFindings(count);
  let state = convergenceProjection.initialState();
  const ms: number[] = [];
  const started = Date.now();
  for (const event of events) {
    const t = process.hrtime.bigint();
    state = convergenceProjection.evolve(state, event);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const tail = ms.slice(-Math.min(10_000, Math.ceil(count / 2))).sort((a, b) => a - b);
  const q = (p: number) => tail[Math.floor(p * (tail.length - 1))]!.toFixed(3);
  console.log(`${count} synthetic findings folded in ${((Date.now() - started) / 1000).toFixed(1)} s, ${state.links.length} links kept`);
  console.log(`cost per new finding over the last ${tail.length}: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms (target p99 < 5 ms)`);
}

function main(): void {
  const { values } = parseArgs({ options: { bench: { type: 'string' } } });
  if (values.bench) return bench(Number(values.bench));
  const result = evaluateHeldOut();
  console.log(`convergence eval: eval/convergence, held-out part: ${result.pairs.total} pairs, ${result.pairs.same} saying the same thing`);
  console.log(`default offline matcher: IDF-weighted stem cosine >= ${DEFAULT_THRESHOLD}\n`);
  console.log(line('pairwise', result.pairwise));
  console.log(line('through the log (`cairn convergence`)', result.throughLog));
  console.log('\ntried on the tune pairs, not the default (worse here):');
  console.log(line('claim model', result.claimModel));
  console.log(line('cosine, vetoed by any contrast', result.contrastVeto));
  console.log('\nshare of held-out pairs the matcher gets right, by kind:');
  for (const [kind, k] of Object.entries(result.byKind).sort()) console.log(`  ${kind.padEnd(20)} ${k.correct}/${k.pairs}`);
  console.log('\ntarget: precision >= 0.85 and recall >= 0.8 at the default threshold');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/dist\//, '/dist/'))) main();
