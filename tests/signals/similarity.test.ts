import { describe, expect, it } from 'vitest';
import { fileUnder, type Buckets } from '../../src/similarity/buckets.js';
import { DEFAULT_LIMITS, addDocument, emptyIndex } from '../../src/similarity/similarity-index.js';
import { SIMHASH_BANDS, simhashBands } from '../../src/similarity/simhash.js';
import { addToCorpus, cosine, emptyCorpus, memoIdf, termSet } from '../../src/similarity/tfidf.js';
import { termCounts, terms } from '../../src/similarity/tokenize.js';
import { cosineQ, dequantize, quantize } from '../../src/similarity/vector.js';
import { BUSY_A, BUSY_B, FILLERS } from './helpers.js';

describe('tokenize', () => {
  it('lower-cases, drops stop words, stems, and folds possessives and spelling variants', () => {
    expect(terms("The agent's instances should converge; they're converging, convergence!")).toEqual(['agent', 'instanc', 'converg', 'converg', 'converg']);
    expect(terms('synchronisation behaviour')).toEqual(terms('synchronization behavior'));
    expect(terms('ＦＵＬＬ width and naïve café 100k')).toEqual(['full', 'width', 'naïv', 'café', '100k']);
  });

  it('never reads prototype keys for terms like "constructor"', () => {
    expect(termCounts('constructor constructor agent')).toEqual({ agent: 1, constructor: 2 });
    const corpus = emptyCorpus();
    expect(cosine(['constructor'], ['constructor'], memoIdf(corpus))).toBeCloseTo(1);
  });
});

describe('IDF-weighted cosine', () => {
  it('is 1 for identical texts, 0 for disjoint ones, and lets rare shared terms outweigh common ones', () => {
    const corpus = emptyCorpus();
    const docs = ['agent task lease', 'agent task sqlite', 'agent task wal', 'agent busy sqlite'].map((t) => termSet(terms(t)));
    for (const d of docs) addToCorpus(corpus, d);
    expect(cosine(docs[0]!, docs[0]!, memoIdf(corpus))).toBeCloseTo(1);
    expect(cosine(termSet(['x']), termSet(['y']), memoIdf(corpus))).toBe(0);
    // docs 1 and 3 share "agent" and the rarer "sqlite"; docs 0 and 2 share "agent" and "task".
    expect(cosine(docs[1]!, docs[3]!, memoIdf(corpus))).toBeGreaterThan(cosine(docs[0]!, docs[2]!, memoIdf(corpus)));
  });
});

describe('bounded buckets and the index', () => {
  it('a bucket keeps only the most recent ids', () => {
    const b: Buckets = {};
    for (let i = 0; i < 5; i++) fileUnder(b, 'k', `d${i}`, 3);
    expect(b.k).toEqual(['d2', 'd3', 'd4']);
  });

  it('finds the earlier near-duplicate among unrelated documents, and only earlier ones', () => {
    const index = emptyIndex();
    FILLERS.forEach((t, i) => addDocument(index, `f${i}`, t));
    addDocument(index, 'a', BUSY_A);
    const [best] = addDocument(index, 'b', BUSY_B);
    expect(best!.id).toBe('a');
    expect(best!.lexical).toBeGreaterThan(0.3);
    expect(addDocument(index, 'b', BUSY_B)).toEqual([]); // same id again: a no-op
  });

  it('keeps the best candidates exactly as a full sort would (many candidates, ties by id)', () => {
    const index = emptyIndex();
    const limits = { ...DEFAULT_LIMITS, rerank: 5, maxNeighbours: 5, lexicalFloor: 0 };
    for (let i = 0; i < 40; i++) addDocument(index, `d${String(i).padStart(2, '0')}`, `shared common words plus ${i % 4 === 0 ? 'rare marker' : `other${i}`}`, undefined, limits);
    const got = addDocument(index, 'q', 'shared common words plus rare marker', undefined, limits);
    expect(got.map((n) => n.id)).toEqual(['d00', 'd04', 'd08', 'd12', 'd16']);
  });
});

describe('embedding vectors', () => {
  it('quantise to int8 keeping cosine within 0.01', () => {
    const a = [0.3, -0.2, 0.9, 0.1, 0.05];
    const b = [0.25, -0.1, 0.8, 0.3, -0.2];
    const exact = a.reduce((s, x, i) => s + x * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);
    expect(cosineQ(dequantize(quantize(a)), dequantize(quantize(b)))).toBeCloseTo(exact, 2);
    expect(cosineQ(dequantize(quantize([1, 2])), dequantize(quantize([1, 2, 3])))).toBe(0);
  });

  it('SimHash bands are deterministic and near vectors share most of them', () => {
    const v = Array.from({ length: 64 }, (_, i) => Math.sin(i + 1));
    const near = v.map((x, i) => x + (i % 7 === 0 ? 0.05 : 0));
    const far = v.map((x, i) => (i % 2 ? -x : x));
    const bands = (x: number[]) => simhashBands(dequantize(quantize(x)));
    expect(bands(v)).toEqual(bands([...v]));
    expect(bands(v)).toHaveLength(SIMHASH_BANDS);
    const sharedWith = (x: number[]) => bands(v).filter((k, i) => k === bands(x)[i]).length;
    expect(sharedWith(near)).toBeGreaterThan(sharedWith(far));
  });
});
