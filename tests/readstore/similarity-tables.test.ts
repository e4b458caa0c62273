import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { READ_STORE_SCHEMA } from '../../src/readstore/schema.js';
import { SimilarityTables } from '../../src/readstore/similarity.js';
import { addDocument, emptyIndex, type IndexLimits, DEFAULT_LIMITS } from '../../src/similarity/similarity-index.js';

/**
 * The similarity index in tables answers as the index in a fold's state, to the last bit of
 * every score: the tables tally candidates and score them by numbered ids and stems, the
 * fold by strings, and a transaction boundary (what was read forgotten, the rest read back
 * from the rows) must change nothing.
 */

const VOCABULARY = ['lease', 'retry', 'upload', 'stall', 'header', 'socket', 'cache', 'queue', 'timeout', 'token', 'migration', 'lock', 'index', 'shard', 'replica', 'quorum'];
// Small buckets and reranks, so they fill, drop their oldest ids and leave candidates out.
const LIMITS: IndexLimits = { ...DEFAULT_LIMITS, keysPerDoc: 4, bucketCap: 5, rerank: 3, maxNeighbours: 4 };

const documents = fc.array(
  fc.record({ words: fc.array(fc.constantFrom(...VOCABULARY), { minLength: 0, maxLength: 8 }), endsTransaction: fc.boolean() }),
  { minLength: 1, maxLength: 60 },
);

describe('the similarity index in tables', () => {
  it('finds the same neighbours with the same scores as the index in a fold, across transactions', () => {
    fc.assert(
      fc.property(documents, (docs) => {
        const db = new Database(':memory:');
        db.exec(READ_STORE_SCHEMA);
        const tables = new SimilarityTables(db);
        const folded = emptyIndex();
        docs.forEach(({ words, endsTransaction }, i) => {
          const text = words.join(' ');
          expect(addDocument(tables, `f-${i}`, text, undefined, LIMITS)).toEqual(addDocument(folded, `f-${i}`, text, undefined, LIMITS));
          if (endsTransaction) {
            tables.finish();
            tables.reset();
          }
        });
        db.close();
      }),
      { numRuns: 150 },
    );
  });

  it('scores documents that share stems, not only empty answers', () => {
    const db = new Database(':memory:');
    db.exec(READ_STORE_SCHEMA);
    const tables = new SimilarityTables(db);
    addDocument(tables, 'f-1', 'the lease stalls the upload queue', undefined, LIMITS);
    tables.finish();
    tables.reset();
    addDocument(tables, 'f-2', 'retry tokens time out', undefined, LIMITS);
    const [best] = addDocument(tables, 'f-3', 'the upload queue stalls on its lease', undefined, LIMITS);
    expect(best?.id).toBe('f-1');
    expect(best?.lexical).toBeCloseTo(1, 10);
    db.close();
  });
});
