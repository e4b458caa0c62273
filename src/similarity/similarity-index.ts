import { boundedMemo } from '../memo.js';
import { fileUnder, type Buckets } from './buckets.js';
import { own } from './own.js';
import { simhashBands } from './simhash.js';
import { addToCorpus, cosine, documentFrequency, emptyCorpus, memoIdfOf, sharedTerms, termSet, type Corpus } from './tfidf.js';
import { terms } from './tokenize.js';
import { cosineQ, dequantize, quantize } from './vector.js';

/**
 * An incremental nearest-neighbour index. Its state is plain JSON, so it can live inside a
 * projection state and survive checkpoints, or rows (src/readstore/similarity.ts): both are
 * an `IndexStore`, and the same `addDocument` scores against either. Each document is compared only with the
 * candidates its keys retrieve from bounded buckets (its rarest terms, and SimHash bands of
 * its embedding), never with the whole corpus. Scores are computed once, when the later
 * document arrives, with the IDF of the log up to that point: the answer an author gets
 * right after recording is the answer the log gives forever.
 */

export interface Embedding {
  model: string;
  vector: readonly number[];
}

export interface IndexedDoc {
  /** Sorted distinct stems. */
  terms: string[];
  /** Quantised embedding (see vector.ts), when the event carried one. */
  embedding?: { model: string; q: string };
}

export interface SimilarityIndex {
  corpus: Corpus;
  docs: Record<string, IndexedDoc>;
  buckets: Buckets;
}

/** An earlier document close to the one just added. */
export interface Neighbour {
  id: string;
  /** IDF-weighted cosine of stems, 0..1. */
  lexical: number;
  /** Cosine of embeddings, present when both documents carry vectors of the same model. */
  semantic?: number;
}

export interface IndexLimits {
  /** How many of a document's rarest terms are looked up. */
  keysPerDoc: number;
  /** How many ids a bucket keeps (the most recent). */
  bucketCap: number;
  /** How many of the retrieved candidates are scored exactly, per measure. */
  rerank: number;
  /** How many neighbours are kept per document. */
  maxNeighbours: number;
  /** Neighbours below both floors are dropped; query thresholds below a floor act as the floor. */
  lexicalFloor: number;
  semanticFloor: number;
}

export const DEFAULT_LIMITS: IndexLimits = {
  keysPerDoc: 16,
  bucketCap: 48,
  rerank: 24,
  maxNeighbours: 16,
  lexicalFloor: 0.15,
  semanticFloor: 0.6,
};

export const emptyIndex = (): SimilarityIndex => ({ corpus: emptyCorpus(), docs: {}, buckets: {} });

/** What `addDocument` reads and writes: the documents, their frequencies, the buckets. */
export interface IndexStore {
  doc(id: string): IndexedDoc | undefined;
  putDoc(id: string, doc: IndexedDoc): void;
  /** How many documents have been counted. */
  size(): number;
  df(term: string): number;
  /** Counts one document of distinct terms. */
  count(terms: readonly string[]): void;
  bucket(key: string): readonly string[] | undefined;
  fileUnder(key: string, id: string, cap: number): void;
  /**
   * The ids filed under `keys`, each once, in the order first met, with the sum of the
   * `weights` of the keys that hold it (added in key order). `tallyBuckets` does it for any
   * store; the tables' store counts without hashing an id (similarity.ts).
   */
  tally(keys: readonly string[], weights: readonly number[]): Tally;
  /** `cosine` of `terms` (sorted, distinct) with each of the documents `others`, weighted by `weight`, in order. */
  lexical(terms: readonly string[], others: readonly string[], weight: (term: string) => number): number[];
}

/** Candidates tallied by shared keys: ids and their sums, parallel. */
export interface Tally {
  ids: string[];
  mass: number[];
}

/** The tally of any store, by its buckets: one map lookup per entry. */
function tallyBuckets(bucketOf: IndexStore['bucket'], keys: readonly string[], weights: readonly number[]): Tally {
  const slots = new Map<string, number>();
  const ids: string[] = [];
  const mass: number[] = [];
  for (let k = 0; k < keys.length; k++) {
    const bucket = bucketOf(keys[k]!);
    if (!bucket) continue;
    const w = weights[k]!;
    for (const other of bucket) {
      const slot = slots.get(other);
      if (slot === undefined) {
        slots.set(other, ids.length);
        ids.push(other);
        mass.push(0 + w);
      } else mass[slot]! += w;
    }
  }
  return { ids, mass };
}

/** A fold's index, as plain JSON in its state. */
export function jsonIndexStore(index: SimilarityIndex): IndexStore {
  const bucket = (key: string) => own(index.buckets, key);
  return {
    doc: (id) => own(index.docs, id),
    putDoc: (id, doc) => void (index.docs[id] = doc),
    size: () => index.corpus.docs,
    df: (term) => documentFrequency(index.corpus, term),
    count: (terms) => addToCorpus(index.corpus, terms),
    bucket,
    fileUnder: (key, id, cap) => fileUnder(index.buckets, key, id, cap),
    tally: (keys, weights) => tallyBuckets(bucket, keys, weights),
    lexical: (terms, others, weight) => others.map((other) => cosine(terms, own(index.docs, other)!.terms, weight)),
  };
}

/** The score that decides: the embedding when both have one of the same model, else the stems. */
export const decisiveScore = (n: { lexical: number; semantic?: number }): number => n.semantic ?? n.lexical;

// term → its bucket key "t:<term>", memoised so the same key string, already hashed, is
// reused instead of built twice per term of every document.
const termKey = boundedMemo((term) => `t:${term}`, 50_000);

/** The `k` best keys of a tally (ties by id); the lexical hot path calls `bestOf` directly. */
const best = (tally: Map<string, number>, k: number): string[] => bestOf([...tally.keys()], [...tally.values()], k);

/** The `k` best of a tally kept as parallel arrays in insertion order (ties by id), selected in place. */
function bestOf(keys: readonly string[], values: readonly number[], k: number): string[] {
  if (keys.length <= k) return keys.slice();
  const ids: string[] = [];
  const scores: number[] = [];
  for (let e = 0; e < keys.length; e++) {
    const id = keys[e]!;
    const score = values[e]!;
    let i = ids.length;
    if (i === k && (score < scores[k - 1]! || (score === scores[k - 1]! && id > ids[k - 1]!))) continue;
    if (i === k) i--;
    while (i > 0 && (scores[i - 1]! < score || (scores[i - 1] === score && ids[i - 1]! > id))) {
      ids[i] = ids[i - 1]!;
      scores[i] = scores[i - 1]!;
      i--;
    }
    ids[i] = id;
    scores[i] = score;
  }
  return ids;
}

/**
 * Adds a document and returns its neighbours among the documents added before it, best
 * first. Mutates `index` (it belongs to the fold that owns it). Adding an id twice is a no-op.
 *
 * Cost is bounded whatever the corpus size: at most keysPerDoc × bucketCap ids are tallied
 * (by shared IDF mass, or by SimHash bands shared), and only the `rerank` best of each tally
 * are scored exactly.
 */
export function addDocument(
  index: SimilarityIndex | IndexStore,
  id: string,
  text: string,
  embedding?: Embedding,
  limits: IndexLimits = DEFAULT_LIMITS,
): Neighbour[] {
  const store = 'corpus' in index ? jsonIndexStore(index) : index;
  if (store.doc(id)) return [];
  const docTerms = termSet(terms(text));
  // Rarest first, ties by term (terms are distinct, so the order is total): frequencies read once, not per comparison.
  const df = new Map<string, number>();
  for (const t of docTerms) df.set(t, store.df(t));
  const rarest = [...docTerms].sort((a, b) => df.get(a)! - df.get(b)! || (a < b ? -1 : 1)).slice(0, limits.keysPerDoc);
  store.count(docTerms);
  const weight = memoIdfOf(store.size(), (t) => store.df(t));
  const doc: IndexedDoc = { terms: docTerms };
  const model = embedding?.model;
  const q = embedding ? dequantize((doc.embedding = { model: embedding.model, q: quantize(embedding.vector) }).q) : undefined;
  const bandKeys = q ? simhashBands(q).map((band) => `e:${model}:${band}`) : [];

  // Tally candidates: shared IDF mass of the looked-up terms, and shared SimHash bands.
  const { ids: tallied, mass } = store.tally(rarest.map(termKey), rarest.map((t) => weight(t) ** 2));
  const bandTally = new Map<string, number>();
  for (const key of bandKeys) for (const other of store.bucket(key) ?? []) bandTally.set(other, (bandTally.get(other) ?? 0) + 1);

  const neighbours: Neighbour[] = [];
  const chosen = [...new Set([...bestOf(tallied, mass, limits.rerank), ...best(bandTally, limits.rerank)])];
  const lexical = store.lexical(doc.terms, chosen, weight);
  chosen.forEach((other, i) => {
    const n: Neighbour = { id: other, lexical: lexical[i]! };
    const o = q && store.doc(other)!;
    if (o && o.embedding && o.embedding.model === model) n.semantic = cosineQ(q, dequantize(o.embedding.q));
    if (n.lexical >= limits.lexicalFloor || (n.semantic ?? 0) >= limits.semanticFloor) neighbours.push(n);
  });

  store.putDoc(id, doc);
  for (const t of doc.terms) store.fileUnder(termKey(t), id, limits.bucketCap);
  for (const key of bandKeys) store.fileUnder(key, id, limits.bucketCap);
  return neighbours
    .sort((a, b) => decisiveScore(b) - decisiveScore(a) || (a.id < b.id ? -1 : 1))
    .slice(0, limits.maxNeighbours);
}

/** Stems two indexed documents share: the "why" shown next to a lexical score. */
export function sharedStems(index: SimilarityIndex, a: string, b: string): string[] {
  return sharedTerms(own(index.docs, a)?.terms ?? [], own(index.docs, b)?.terms ?? []);
}
