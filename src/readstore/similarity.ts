import type Database from 'better-sqlite3';
import { lazily } from '../runtime/lazily.js';
import type { IndexStore, IndexedDoc } from '../similarity/similarity-index.js';

/**
 * The similarity index of findings (src/similarity/similarity-index.ts) kept in tables, so
 * folding a new finding reads the few buckets and documents it is compared with instead of
 * loading every finding's features. Within one catch-up transaction, frequencies and buckets
 * are read once and written once at its end: a batch of findings shares its common terms.
 */
export class SimilarityTables implements IndexStore {
  private readonly s;
  private readonly docs = new Map<string, IndexedDoc | undefined>();
  private readonly dfs = new Map<string, number>();
  private readonly buckets = new Map<string, string[] | undefined>();
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
    this.dirtyDf.clear();
    this.dirtyBuckets.clear();
    this.docCount = undefined;
  }

  /** Writes the frequencies, buckets and count changed in this transaction. */
  finish(): void {
    for (const term of this.dirtyDf) this.s.setDf.run(term, this.dfs.get(term)!);
    for (const key of this.dirtyBuckets) this.s.setBucket.run(key, this.buckets.get(key)!.join('\n'));
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
    if (this.buckets.has(key)) return this.buckets.get(key);
    const ids = this.s.bucket.get(key) as string | undefined;
    const bucket = ids === undefined ? undefined : ids.split('\n');
    this.buckets.set(key, bucket);
    return bucket;
  }

  fileUnder(key: string, id: string, cap: number): void {
    const bucket = this.bucket(key) as string[] | undefined;
    if (!bucket) this.buckets.set(key, [id]);
    else {
      bucket.push(id);
      if (bucket.length > cap) bucket.shift();
    }
    this.dirtyBuckets.add(key);
  }
}

/** Ids hold no newline (events/ids), so a bucket is its ids joined by one; stems hold no space. */
function docOf(row: { terms: string; model: string | null; q: string | null }): IndexedDoc {
  const doc: IndexedDoc = { terms: row.terms === '' ? [] : row.terms.split(' ') };
  if (row.model !== null && row.q !== null) doc.embedding = { model: row.model, q: row.q };
  return doc;
}
