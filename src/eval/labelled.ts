import { z } from 'zod';
import { CURRENT_SCHEMA_VERSION, type StoredEvent } from '../../events/index.js';
import { convergenceProjection, isSimilar, type ConvergenceState } from '../../projections/convergence.js';
import { fold } from '../../projections/projection.js';
import { mix32 } from '../similarity/simhash.js';

/**
 * Measures convergence detection on labelled findings (tests/fixtures/convergence): same
 * group = the same insight in other words (a positive pair); same theme, other group =
 * related but different; anything else = unrelated. Every finding is recorded by its own
 * never-synced instance, in a seeded shuffled order, through the real projection: what is
 * measured is exactly what `cairn convergence` reports, candidate lookup included.
 */

export const LabelledFixture = z.object({
  about: z.string().optional(),
  findings: z
    .array(z.object({ id: z.string(), group: z.string(), theme: z.string(), text: z.string().min(1) }))
    .min(2),
});
export type LabelledFixture = z.infer<typeof LabelledFixture>;

export type PairLabel = 'paraphrase' | 'related' | 'unrelated';

export interface ThresholdRow {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** False positives between related-but-different findings. */
  falsePositivesRelated: number;
}

export interface Evaluation {
  pairs: Record<PairLabel, number>;
  rows: ThresholdRow[];
  state: ConvergenceState;
}

/** Fisher–Yates with an integer hash stream: the same seed, the same order, everywhere. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = mix32(seed ^ mix32(i)) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export type Vectors = Record<string, { model: string; vector: number[] }>;

export function fixtureLog(fixture: LabelledFixture, seed = 1, vectors: Vectors = {}): StoredEvent[] {
  const roles = ['explorer', 'builder', 'reflector'];
  return shuffled(fixture.findings, seed).map((f, k) => ({
    type: 'FindingRecorded',
    data: { findingId: f.id, by: `agent-${k}`, summary: f.text, tags: [], cites: [], ...(vectors[f.id] ? { embedding: vectors[f.id] } : {}) },
    metadata: {
      eventId: `00000000-0000-4000-8000-${(k + 1).toString(16).padStart(12, '0')}`,
      instanceId: `agent-${k}`,
      role: roles[k % roles.length]!,
      at: new Date(Date.UTC(2026, 0, 1, 0, k)).toISOString(),
      seenUpTo: '0',
      schemaVersion: CURRENT_SCHEMA_VERSION,
    },
    streamName: `finding-${f.id}`,
    revision: 0n,
    position: BigInt(k + 1),
  }));
}

export function labelOf(a: LabelledFixture['findings'][number], b: LabelledFixture['findings'][number]): PairLabel {
  return a.group === b.group ? 'paraphrase' : a.theme === b.theme ? 'related' : 'unrelated';
}

/**
 * Pairwise precision and recall of the links `cairn convergence` would report, per
 * threshold. With `vectors`, the threshold applies to embedding cosine instead.
 */
export function evaluate(fixture: LabelledFixture, thresholds: readonly number[], seed = 1, vectors: Vectors = {}): Evaluation {
  const state = fold(convergenceProjection, fixtureLog(fixture, seed, vectors));
  const byId = new Map(fixture.findings.map((f) => [f.id, f]));
  const pairs: Record<PairLabel, number> = { paraphrase: 0, related: 0, unrelated: 0 };
  fixture.findings.forEach((a, i) => fixture.findings.slice(i + 1).forEach((b) => pairs[labelOf(a, b)]++));

  const rows = thresholds.map((threshold): ThresholdRow => {
    let tp = 0;
    let fp = 0;
    let fpRelated = 0;
    for (const link of state.links) {
      if (!isSimilar(link, { threshold, semanticThreshold: threshold })) continue;
      const label = labelOf(byId.get(link.earlier)!, byId.get(link.later)!);
      if (label === 'paraphrase') tp++;
      else {
        fp++;
        if (label === 'related') fpRelated++;
      }
    }
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp / pairs.paraphrase;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { threshold, precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: pairs.paraphrase - tp, falsePositivesRelated: fpRelated };
  });
  return { pairs, rows, state };
}

/** The mean of each row over several log orders (IDF, hence scores, depend a little on order). */
export function evaluateOrders(fixture: LabelledFixture, thresholds: readonly number[], seeds: readonly number[], vectors: Vectors = {}): Evaluation {
  const runs = seeds.map((seed) => evaluate(fixture, thresholds, seed, vectors));
  const mean = (pick: (r: ThresholdRow) => number, i: number) => runs.reduce((s, run) => s + pick(run.rows[i]!), 0) / runs.length;
  const rows = thresholds.map((threshold, i): ThresholdRow => ({
    threshold,
    precision: mean((r) => r.precision, i),
    recall: mean((r) => r.recall, i),
    f1: mean((r) => r.f1, i),
    truePositives: mean((r) => r.truePositives, i),
    falsePositives: mean((r) => r.falsePositives, i),
    falseNegatives: mean((r) => r.falseNegatives, i),
    falsePositivesRelated: mean((r) => r.falsePositivesRelated, i),
  }));
  return { pairs: runs[0]!.pairs, rows, state: runs[0]!.state };
}
