/** A page of a listing: what the caller asked for, and what it got (src/app/page.ts has the inputs). */

export interface PageRequest {
  /** Infinity: every match (`all` without a limit). */
  limit: number;
  /** The last item shown: the page continues after it. */
  cursor: bigint | undefined;
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

/** The SQL LIMIT for a request (SQLite takes -1 for none). */
export const sqlLimit = (request: PageRequest): number => (request.limit === Infinity ? -1 : request.limit);

