import { addToCorpus, cosine, emptyCorpus, memoIdf, termSet, type Corpus } from '../similarity/tfidf.js';
import { claimFeatures, claimSide, type ClaimFeatures } from '../similarity/claim.js';
import { terms } from '../similarity/tokenize.js';
import type { LabelledPair } from './pairs.js';

/**
 * The features of every labelled pair, with IDF from all the pairs' texts (no labels: what
 * a log of those findings would give).
 */
export function pairFeatures(pairs: readonly LabelledPair[]): Map<string, ClaimFeatures> {
  const corpus: Corpus = emptyCorpus();
  for (const p of pairs) for (const text of [p.a, p.b]) addToCorpus(corpus, termSet(terms(text)));
  const weight = memoIdf(corpus);
  const out = new Map<string, ClaimFeatures>();
  for (const p of pairs) {
    const [a, b] = [claimSide(p.a), claimSide(p.b)];
    out.set(p.id, claimFeatures(a, b, cosine(a.stems, b.stems, weight), weight));
  }
  return out;
}
