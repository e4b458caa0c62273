import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEATURE_NAMES, claimProbability, type ClaimFeatures, type ClaimModel } from '../similarity/claim.js';
import { pairFeatures } from './matcher.js';
import { loadPairs, scoresOf, type LabelledPair } from './pairs.js';

/**
 * npm run train:matcher
 *
 * Fits the claim matcher's logistic model on the tune part of eval/convergence only (the
 * held-out part is never read here), chooses the L2 penalty by 5-fold cross-validation on
 * tune, and the threshold with the best F1 on tune. Writes src/similarity/claim-model.ts.
 * (Reaching precision 0.85 on tune cost most of the recall: 0.33 at the first try.)
 */

type Row = { x: number[]; y: number };

function fit(rows: readonly Row[], l2: number, epochs = 3000, rate = 0.5): { w: number[]; b: number } {
  const d = rows[0]!.x.length;
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (const { x, y } of rows) {
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
      const err = 1 / (1 + Math.exp(-z)) - y;
      for (let j = 0; j < d; j++) gw[j]! += err * x[j]!;
      gb += err;
    }
    for (let j = 0; j < d; j++) w[j]! -= rate * (gw[j]! / rows.length + l2 * w[j]!);
    b -= (rate * gb) / rows.length;
  }
  return { w, b };
}

const vector = (f: ClaimFeatures) => FEATURE_NAMES.map((n) => f[n]);
const modelOf = ({ w, b }: { w: number[]; b: number }, threshold: number): ClaimModel => ({
  weights: Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, Number(w[j]!.toFixed(4))])) as ClaimModel['weights'],
  bias: Number(b.toFixed(4)),
  threshold,
});

/** The threshold with the best F1 on these pairs. */
function chooseThreshold(pairs: readonly LabelledPair[], p: (pair: LabelledPair) => number): number {
  let best = { t: 0.5, f1: -1 };
  for (let t = 0.05; t < 0.96; t += 0.01) {
    const f1 = scoresOf(pairs, (pair) => p(pair) >= t).f1;
    if (f1 > best.f1) best = { t: Number(t.toFixed(2)), f1 };
  }
  return best.t;
}

function main(): void {
  const all = loadPairs();
  const features = pairFeatures(all);
  const tune = all.filter((p) => p.split === 'tune');
  const rowOf = (p: LabelledPair): Row => ({ x: vector(features.get(p.id)!), y: p.same ? 1 : 0 });

  // 5-fold cross-validation on tune for the penalty: mean F1 at each fold's own best threshold.
  const folds = [0, 1, 2, 3, 4].map((k) => tune.filter((_, i) => i % 5 === k));
  let best = { l2: 0, f1: -1 };
  for (const l2 of [0, 0.001, 0.01, 0.03, 0.1]) {
    let f1 = 0;
    for (let k = 0; k < 5; k++) {
      const train = folds.filter((_, j) => j !== k).flat();
      const m = modelOf(fit(train.map(rowOf), l2), 0.5);
      const prob = (p: LabelledPair) => claimProbability(features.get(p.id)!, m);
      const t = chooseThreshold(train, prob);
      f1 += scoresOf(folds[k]!, (p) => prob(p) >= t).f1 / 5;
    }
    console.log(`l2 ${l2}: cross-validated F1 on tune ${f1.toFixed(3)}`);
    if (f1 > best.f1) best = { l2, f1 };
  }
  const fitted = fit(tune.map(rowOf), best.l2);
  const provisional = modelOf(fitted, 0.5);
  const threshold = chooseThreshold(tune, (p) => claimProbability(features.get(p.id)!, provisional));
  const model = modelOf(fitted, threshold);
  const s = scoresOf(tune, (p) => claimProbability(features.get(p.id)!, model) >= threshold);
  console.log(`chosen: l2 ${best.l2}, threshold ${threshold}; on tune: precision ${s.precision.toFixed(2)} recall ${s.recall.toFixed(2)} F1 ${s.f1.toFixed(2)}`);

  const out = fileURLToPath(new URL('../../../src/similarity/claim-model.ts', import.meta.url));
  writeFileSync(
    out,
    `import type { ClaimModel } from './claim.js';

/** Written by \`npm run train:matcher\` (src/eval/train-matcher.ts) from the tune part of eval/convergence only. */
export const CLAIM_MODEL: ClaimModel = ${JSON.stringify(model, null, 2).replace(/"(\w+)":/g, '$1:')};
`,
  );
  console.log(`wrote ${out}`);
}

main();
