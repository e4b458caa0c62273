import { describe, expect, it } from 'vitest';
import { convergenceProjection } from '../../projections/convergence.js';
import { contrastsOf } from '../../src/similarity/claim.js';
import { evaluateHeldOut } from '../../src/eval/convergence.js';
import { loadPairs, splitOf } from '../../src/eval/pairs.js';
import { syntheticFindings } from '../../src/eval/synthetic.js';

describe('the labelled pairs (eval/convergence)', () => {
  const pairs = loadPairs();

  it('hold at least 300 pairs from both sources, both labels, every kind of hard negative', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(300);
    expect(new Set(pairs.map((p) => p.id)).size).toBe(pairs.length);
    expect(pairs.filter((p) => p.id.startsWith('ag-')).length).toBe(150);
    expect(pairs.filter((p) => p.id.startsWith('sts-')).length).toBe(155);
    for (const kind of ['negation', 'antonym', 'number', 'entity', 'direction', 'topic']) expect(pairs.some((p) => p.kind === kind && !p.same), kind).toBe(true);
    for (const p of pairs) expect(p.a.length * p.b.length, p.id).toBeGreaterThan(0);
  });

  it('split by the hash of each id alone: about 60 % to tune, both labels held out', () => {
    const tune = pairs.filter((p) => p.split === 'tune').length;
    expect(tune / pairs.length).toBeGreaterThan(0.5);
    expect(tune / pairs.length).toBeLessThan(0.7);
    expect(splitOf('ag-001')).toBe(splitOf('ag-001'));
    const held = pairs.filter((p) => p.split === 'heldout');
    expect(held.some((p) => p.same) && held.some((p) => !p.same)).toBe(true);
  });
});

describe('npm run eval:convergence on the held-out pairs', () => {
  it('measures the matcher pairwise and through the real projection, which can only find fewer (candidate lookup)', () => {
    const result = evaluateHeldOut();
    expect(result.pairs.total).toBe(loadPairs().filter((p) => p.split === 'heldout').length);
    const { pairwise, throughLog } = result;
    expect(pairwise.tp + pairwise.fn).toBe(result.pairs.same);
    expect(throughLog.tp + throughLog.fn).toBe(result.pairs.same);
    expect(throughLog.tp).toBeLessThanOrEqual(pairwise.tp + 2); // IDF differs a little between the two
    // The figures docs/convergence.md reports; the targets (0.85 / 0.8) are missed, and said so there.
    expect(pairwise.precision).toBeGreaterThan(0.5);
    expect(pairwise.recall).toBeGreaterThan(0.8);
  });
});

describe('contrasts shown beside a candidate', () => {
  it('flag a negation, other figures, an antonym or another name, and stay quiet on a rewording', () => {
    expect(contrastsOf('The login endpoint has no rate limit.', 'The login endpoint is rate limited.')).toEqual(['negation']);
    expect(contrastsOf('Gzip cut bandwidth by 70 percent.', 'Gzip cut bandwidth by 7 percent.')).toEqual(['numbers']);
    expect(contrastsOf('Lowering the learning rate to 1e-4 helped.', 'Reducing the learning rate to 0.0001 helped.')).toEqual([]);
    expect(contrastsOf('Fish stocks fell by half.', 'Fish stocks fell by 50 percent.')).toEqual([]);
    expect(contrastsOf('Validation loss rises after epoch 5.', 'Validation loss falls after epoch 5.')).toEqual(['antonym']);
    expect(contrastsOf('Upgrading OpenSSL fixed the Stripe handshake.', 'Upgrading OpenSSL fixed the Adyen handshake.')).toEqual(['entity']);
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
