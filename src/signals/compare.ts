import { addToCorpus, cosine, emptyCorpus, memoIdf, termSet, type Corpus } from '../similarity/tfidf.js';
import { terms } from '../similarity/tokenize.js';

/**
 * Lexical similarity for the signals that compare a handful of texts (advise, propose,
 * suggestions). IDF comes from `corpus` when the caller has one (the convergence state's
 * `index.corpus`: the whole log's findings), else from the texts being compared.
 */
export function comparator(texts: readonly string[], corpus?: Corpus): (a: string, b: string) => number {
  const cache = new Map<string, string[]>();
  const termsOf = (text: string) => {
    let t = cache.get(text);
    if (!t) cache.set(text, (t = termSet(terms(text))));
    return t;
  };
  let idfCorpus = corpus;
  if (!idfCorpus) {
    idfCorpus = emptyCorpus();
    for (const text of new Set(texts)) addToCorpus(idfCorpus, termsOf(text));
  }
  const weight = memoIdf(idfCorpus);
  return (a, b) => cosine(termsOf(a), termsOf(b), weight);
}

/** The text a task is compared by. */
export const taskText = (t: { title: string; description?: string | undefined; tags?: readonly string[] | undefined }): string =>
  [t.title, t.description ?? '', ...(t.tags ?? [])].join(' ');
