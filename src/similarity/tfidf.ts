import { own } from './own.js';

/**
 * IDF-weighted cosine over distinct stems. Chosen on the labelled fixtures
 * (tests/fixtures/convergence): term counts add nothing for one- or two-sentence findings,
 * and IDF is what stops "agent", "task" and "log" from making every finding look alike.
 */

/** Document frequencies of every term seen so far: all that IDF needs. */
export interface Corpus {
  docs: number;
  df: Record<string, number>;
}

export const emptyCorpus = (): Corpus => ({ docs: 0, df: {} });

export const documentFrequency = (corpus: Corpus, term: string): number => own(corpus.df, term) ?? 0;

/** Counts one document; `terms` must be distinct. Mutates `corpus` (it lives in a fold's own state). */
export function addToCorpus(corpus: Corpus, terms: readonly string[]): void {
  corpus.docs += 1;
  for (const term of terms) corpus.df[term] = documentFrequency(corpus, term) + 1;
}

/** Sorted distinct terms: the shape `cosine` expects. */
export const termSet = (terms: Iterable<string>): string[] => [...new Set(terms)].sort();

/** IDF with a per-call cache: one document's scoring looks the same terms up many times. */
export const memoIdf = (corpus: Corpus): ((term: string) => number) => memoIdfOf(corpus.docs, (term) => documentFrequency(corpus, term));

/** The same for a corpus kept elsewhere (tables), from its size and its document frequencies. Smoothed: never zero, so a corpus of one document still compares. */
export function memoIdfOf(docs: number, df: (term: string) => number): (term: string) => number {
  const cache = new Map<string, number>();
  return (term) => {
    let w = cache.get(term);
    if (w === undefined) cache.set(term, (w = Math.log((docs + 1) / (df(term) + 1)) + 1));
    return w;
  };
}

/** Cosine of two sorted distinct term lists, each term weighted by `weight` (an IDF, see memoIdf). */
export function cosine(a: readonly string[], b: readonly string[], weight: (term: string) => number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let j = 0;
  for (const term of a) {
    const w = weight(term) ** 2;
    na += w;
    while (j < b.length && b[j]! < term) nb += weight(b[j++]!) ** 2;
    if (j < b.length && b[j] === term) {
      dot += w;
      nb += w;
      j++;
    }
  }
  while (j < b.length) nb += weight(b[j++]!) ** 2;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Shared terms of two sorted lists: the "why" shown next to a score. */
export function sharedTerms(a: readonly string[], b: readonly string[]): string[] {
  const inB = new Set(b);
  return a.filter((t) => inB.has(t));
}
