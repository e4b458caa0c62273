import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD } from '../../projections/convergence.js';
import { bestThreshold } from '../../projections/convergence-calibration.js';

/** The definition, one count per distinct score: what the sweep must give, at any number of judged pairs. */
function bestByDefinition(judged: readonly { score: number; same: boolean }[]): number {
  let best = { t: DEFAULT_THRESHOLD, f1: -1 };
  for (const t of [...new Set(judged.map((j) => j.score))].sort((a, b) => b - a)) {
    const tp = judged.filter((j) => j.same && j.score >= t).length;
    const fp = judged.filter((j) => !j.same && j.score >= t).length;
    const fn = judged.filter((j) => j.same && j.score < t).length;
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1) best = { t, f1 };
  }
  return Math.floor(best.t * 1000) / 1000;
}

describe("the threshold the log's judges suggest", () => {
  it('is the score with the best F1 against their verdicts, the highest on a tie, whatever the scores and verdicts', () => {
    // Scores drawn from few values as well as many, so ties at one score are common.
    const score = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.25, 0.5, 0.5, 0.75, 1));
    fc.assert(
      fc.property(fc.array(fc.record({ score, same: fc.boolean() }), { maxLength: 200 }), (judged) => {
        expect(bestThreshold(judged)).toBe(bestByDefinition(judged));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves the pairs judged the same above it and the ones judged different below, when a score separates them', () => {
    const judged = [
      { score: 0.9, same: true },
      { score: 0.62, same: true },
      { score: 0.6, same: false },
      { score: 0.3, same: false },
    ];
    expect(bestThreshold(judged)).toBe(0.62);
  });
});
