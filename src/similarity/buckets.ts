import { own } from './own.js';

/**
 * Bounded buckets: key → the ids most recently filed under it, at most `cap` of them.
 * Looking up a document's keys costs at most keys × cap, whatever the corpus size, which
 * is what keeps the cost of each new finding flat. What the cap drops is what matters
 * least: old entries of crowded keys (common terms, dense embedding regions); rare keys
 * keep every entry.
 */
export type Buckets = Record<string, string[]>;

export function fileUnder(buckets: Buckets, key: string, id: string, cap: number): void {
  const bucket = own(buckets, key);
  if (!bucket) {
    buckets[key] = [id];
    return;
  }
  bucket.push(id);
  if (bucket.length > cap) bucket.shift();
}
