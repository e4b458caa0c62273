/** A page of a listing: what the caller asked for, and what it got (src/app/page.ts has the inputs). */

export interface PageRequest {
  /** Infinity: every match (`all` without a limit). */
  limit: number;
  /** The last item shown: the page continues after it. */
  cursor: bigint | undefined;
  /**
   * Characters the page's items may hold in all (none: no bound): a page stops early
   * rather than exceed it, and its cursor continues from the last item it holds. At least
   * one item is always returned.
   */
  chars?: number;
}

export interface PageInfo {
  /** Items in this answer. */
  returned: number;
  /** Items matching the query in all, this page included. */
  total: number;
  /** Items after this page, for `cursor` to continue. */
  remaining: number;
  /** Pass as `cursor` (`--cursor`) for the next page; null on the last one. */
  next: string | null;
}

/** The page info for items shown (their `positions` in order), how many match in all and how many come after them. */
export function pageInfo(positions: readonly bigint[], total: number, remaining: number): PageInfo {
  return { returned: positions.length, total, remaining, next: remaining > 0 && positions.length > 0 ? String(positions[positions.length - 1]) : null };
}

/** The first rows, at least one, whose `sizeOf` stays within `chars` in all. */
export function withinChars<T>(rows: readonly T[], chars: number | undefined, sizeOf: (row: T) => number): T[] {
  if (chars === undefined) return rows as T[];
  let used = 0;
  for (let i = 0; i < rows.length; i++) {
    used += sizeOf(rows[i]!);
    if (used > chars && i > 0) return rows.slice(0, i);
  }
  return rows as T[];
}

/** The SQL LIMIT for a request (SQLite takes -1 for none). */
export const sqlLimit = (request: PageRequest): number => (request.limit === Infinity ? -1 : request.limit);

