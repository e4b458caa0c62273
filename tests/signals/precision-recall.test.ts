import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD, convergenceProjection } from '../../projections/convergence.js';
import { LabelledFixture, evaluateOrders, labelOf } from '../../src/eval/labelled.js';
import { syntheticFindings } from '../../src/eval/synthetic.js';

const fixture = LabelledFixture.parse(JSON.parse(readFileSync(new URL('../fixtures/convergence/paraphrases.json', import.meta.url), 'utf8')));
const SEEDS = [1, 2, 3, 4, 5];

describe('convergence detection on labelled paraphrases (npm run eval:convergence prints the same numbers)', () => {
  it('has the labelled pairs the report claims', () => {
    const { pairs } = evaluateOrders(fixture, [DEFAULT_THRESHOLD], [1]);
    expect(pairs).toEqual({ paraphrase: 41, related: 94, unrelated: 1881 });
    expect(labelOf(fixture.findings[0]!, fixture.findings[1]!)).toBe('paraphrase');
  });

  it('favours precision at the default threshold: precision ≥ 0.9, recall as reported (low: lexical similarity misses rewording)', () => {
    const [row] = evaluateOrders(fixture, [DEFAULT_THRESHOLD], SEEDS).rows;
    expect(row!.precision).toBeGreaterThanOrEqual(0.9);
    expect(row!.recall).toBeGreaterThanOrEqual(0.04);
  });

  it('trades precision for recall as the threshold drops', () => {
    const rows = evaluateOrders(fixture, [0.15, 0.2, DEFAULT_THRESHOLD], SEEDS).rows;
    expect(rows[0]!.recall).toBeGreaterThanOrEqual(0.25);
    expect(rows[0]!.recall).toBeGreaterThan(rows[2]!.recall);
    expect(rows[0]!.precision).toBeLessThan(rows[2]!.precision);
  });
});

describe('cost per new finding stays flat as the log grows', () => {
  // Timings belong to `npm run bench -- --only convergence` (p99 per finding at 1k/10k/100k);
  // here we pin what makes the cost flat: every candidate bucket stays bounded, so a new
  // finding is compared with a bounded number of earlier ones however long the log is.
  it('keeps every candidate bucket at 48 findings or fewer over 30,000 findings', () => {
    let state = convergenceProjection.initialState();
    for (const event of syntheticFindings(30_000)) state = convergenceProjection.evolve(state, event);
    const sizes = Object.values(state.index.buckets).map((b) => b.length);
    expect(Object.keys(state.findings)).toHaveLength(30_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(48);
  });
});
