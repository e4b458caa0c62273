import type Database from 'better-sqlite3';
import { lazily } from '../runtime/lazily.js';
import type { IndexStore, IndexedDoc, Tally } from '../similarity/similarity-index.js';

/**
 * The similarity index of findings (src/similarity/similarity-index.ts) kept in tables, so
 * folding a new finding reads the few buckets and documents it is compared with instead of
 * loading every finding's features. Within one catch-up transaction, frequencies and buckets
 * are read once and written once at its end: a batch of findings shares its common terms.
 * Ids and stems read are numbered as met (until the next reset), so the two loops a new
 * finding runs most, tallying up to 768 bucket entries and scoring up to 48 candidates stem by
 * stem, mark numbers in arrays instead of hashing strings (folding 300,000 events of a month:
 * 0.92 of the time, five runs each, alternating).
 */
export class SimilarityTables implements IndexStore {
  private readonly s;
  private readonly docs = new Map<string, IndexedDoc | undefined>();
  private readonly dfs = new Map<string, number>();
  /** Each bucket read or filed, as numbers of `ids`. */
  private readonly buckets = new Map<string, number[] | undefined>();
  /** Per id number, the tally that last met it and its slot there. */
  private readonly met: number[] = [];
  private readonly slots: number[] = [];
  /** The ids the buckets hold, numbered. */
  private readonly ids = new Numbering([this.met, this.slots]);
  private tallies = 0;
  /** Each document read or put, as the numbers of its stems, in order. */
  private readonly docStems = new Map<string, number[]>();
  /** Per stem number, the scoring that last weighed or marked it, and its squared weight then. */
  private readonly weighed: number[] = [];
  private readonly weights: number[] = [];
  private readonly marked: number[] = [];
  private readonly stems = new Numbering([this.weighed, this.weights, this.marked]);
  private scorings = 0;
  private readonly dirtyDf = new Set<string>();
  private readonly dirtyBuckets = new Set<string>();
  private docCount: number | undefined;

  constructor(db: Database.Database) {
    const prepare = (sql: string) => db.prepare(sql);
    this.s = lazily({
      doc: () => prepare(`SELECT terms, model, q FROM sim_docs WHERE id = ?`),
      putDoc: () => prepare(`INSERT OR IGNORE INTO sim_docs (id, terms, model, q) VALUES (?, ?, ?, ?)`),
      df: () => prepare(`SELECT n FROM sim_df WHERE term = ?`).pluck(),
      setDf: () => prepare(`INSERT INTO sim_df (term, n) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET n = excluded.n`),
      bucket: () => prepare(`SELECT ids FROM sim_buckets WHERE key = ?`).pluck(),
      setBucket: () => prepare(`INSERT INTO sim_buckets (key, ids) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET ids = excluded.ids`),
      size: () => prepare(`SELECT value FROM meta WHERE key = 'similarity_docs'`).pluck(),
      setSize: () => prepare(`INSERT INTO meta (key, value) VALUES ('similarity_docs', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    });
  }

  /** Forgets what was read: another process may have caught the tables up since. */
  reset(): void {
    this.docs.clear();
    this.dfs.clear();
    this.buckets.clear();
    this.ids.clear();
    this.docStems.clear();
    this.stems.clear();
    this.dirtyDf.clear();
    this.dirtyBuckets.clear();
    this.docCount = undefined;
  }

  /** Writes the frequencies, buckets and count changed in this transaction. */
  finish(): void {
    for (const term of this.dirtyDf) this.s.setDf.run(term, this.dfs.get(term)!);
    for (const key of this.dirtyBuckets) this.s.setBucket.run(key, this.idsOf(this.buckets.get(key)!).join('\n'));
    if (this.docCount !== undefined) this.s.setSize.run(String(this.docCount));
    this.dirtyDf.clear();
    this.dirtyBuckets.clear();
  }

  doc(id: string): IndexedDoc | undefined {
    if (this.docs.has(id)) return this.docs.get(id);
    const row = this.s.doc.get(id) as { terms: string; model: string | null; q: string | null } | undefined;
    const doc = row && docOf(row);
    this.docs.set(id, doc);
    return doc;
  }

  putDoc(id: string, doc: IndexedDoc): void {
    this.docs.set(id, doc);
    this.s.putDoc.run(id, doc.terms.join(' '), doc.embedding?.model ?? null, doc.embedding?.q ?? null);
  }

  size(): number {
    return (this.docCount ??= Number((this.s.size.get() as string | undefined) ?? 0));
  }

  df(term: string): number {
    let n = this.dfs.get(term);
    if (n === undefined) this.dfs.set(term, (n = (this.s.df.get(term) as number | undefined) ?? 0));
    return n;
  }

  count(terms: readonly string[]): void {
    this.docCount = this.size() + 1;
    for (const term of terms) {
      this.dfs.set(term, this.df(term) + 1);
      this.dirtyDf.add(term);
    }
  }

  bucket(key: string): readonly string[] | undefined {
    const bucket = this.numbered(key);
    return bucket && this.idsOf(bucket);
  }

  fileUnder(key: string, id: string, cap: number): void {
    const bucket = this.numbered(key);
    if (!bucket) this.buckets.set(key, [this.ids.of(id)]);
    else {
      bucket.push(this.ids.of(id));
      if (bucket.length > cap) bucket.shift();
    }
    this.dirtyBuckets.add(key);
  }

  tally(keys: readonly string[], weights: readonly number[]): Tally {
    const tally = ++this.tallies;
    const { met, slots } = this;
    const names = this.ids.names;
    const ids: string[] = [];
    const mass: number[] = [];
    for (let k = 0; k < keys.length; k++) {
      const bucket = this.numbered(keys[k]!);
      if (!bucket) continue;
      const w = weights[k]!;
      for (const n of bucket) {
        if (met[n] !== tally) {
          met[n] = tally;
          slots[n] = ids.length;
          ids.push(names[n]!);
          mass.push(0 + w);
        } else mass[slots[n]!]! += w;
      }
    }
    return { ids, mass };
  }

  lexical(terms: readonly string[], others: readonly string[], weight: (term: string) => number): number[] {
    // tfidf.ts's cosine, with the same sums in the same order: the new document's stems are
    // marked and summed once; each other's are summed in order, the shared ones into the dot.
    const scoring = ++this.scorings;
    const { weighed, weights, marked } = this;
    const stems = this.stems.names;
    const squared = (n: number): number => {
      if (weighed[n] !== scoring) {
        weighed[n] = scoring;
        weights[n] = weight(stems[n]!) ** 2;
      }
      return weights[n]!;
    };
    let na = 0;
    for (const term of terms) {
      const n = this.stems.of(term);
      marked[n] = scoring;
      na += squared(n);
    }
    return others.map((other) => {
      let dot = 0;
      let nb = 0;
      for (const n of this.stemsOf(other)) {
        const w = squared(n);
        nb += w;
        if (marked[n] === scoring) dot += w;
      }
      return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    });
  }

  private stemsOf(id: string): number[] {
    let numbers = this.docStems.get(id);
    if (!numbers) this.docStems.set(id, (numbers = this.doc(id)!.terms.map((term) => this.stems.of(term))));
    return numbers;
  }

  /** A bucket as numbers, read once. */
  private numbered(key: string): number[] | undefined {
    if (this.buckets.has(key)) return this.buckets.get(key);
    const ids = this.s.bucket.get(key) as string | undefined;
    const bucket = ids === undefined ? undefined : ids.split('\n').map((id) => this.ids.of(id));
    this.buckets.set(key, bucket);
    return bucket;
  }

  private idsOf(bucket: readonly number[]): string[] {
    return bucket.map((n) => this.ids.names[n]!);
  }
}

/** Strings numbered as first met; each number also indexes the scratch arrays given, which its users fill. */
class Numbering {
  private readonly numbers = new Map<string, number>();
  readonly names: string[] = [];

  constructor(private readonly scratch: readonly number[][]) {}

  of(name: string): number {
    let n = this.numbers.get(name);
    if (n === undefined) {
      this.numbers.set(name, (n = this.names.length));
      this.names.push(name);
      for (const slots of this.scratch) slots.push(0);
    }
    return n;
  }

  clear(): void {
    this.numbers.clear();
    this.names.length = 0;
    for (const slots of this.scratch) slots.length = 0;
  }
}

/** Ids hold no newline (events/ids), so a bucket is its ids joined by one; stems hold no space. */
function docOf(row: { terms: string; model: string | null; q: string | null }): IndexedDoc {
  const doc: IndexedDoc = { terms: row.terms === '' ? [] : row.terms.split(' ') };
  if (row.model !== null && row.q !== null) doc.embedding = { model: row.model, q: row.q };
  return doc;
}
