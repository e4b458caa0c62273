import type { ClaimModel } from './claim.js';

/** Written by `npm run train:matcher` (src/eval/train-matcher.ts) from the tune part of eval/convergence only. */
export const CLAIM_MODEL: ClaimModel = {
  weights: {
    lexical: -0.3788,
    soft: 2.1186,
    negation: -0.8285,
    numbers: -2.0232,
    antonym: -2.4255,
    entity: -4.8672,
    unmatched: 1.6879
  },
  bias: -1.3637,
  threshold: 0.43
};
