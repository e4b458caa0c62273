import { z } from 'zod';

/**
 * Listings are bounded by default: an agent reads an answer into a small context window, and
 * a month of work holds hundreds of thousands of findings. Each listing returns the most
 * relevant N (newest first), how many match in all, and a cursor that continues after the
 * last one shown; `all` asks for the complete set.
 */

export const DEFAULT_LIMIT = 30;
export const MAX_LIMIT = 10_000;

/** A cursor is the position of the last item shown: the next page continues after it (older ones, or newer in an unread inbox). */
export const Cursor = z.string().regex(/^\d{1,20}$/, { message: 'must be a cursor returned as `next` by an earlier page' });

export const Paging = {
  limit: z.number().int().min(1, { message: 'must be at least 1' }).max(MAX_LIMIT, { message: `must be at most ${MAX_LIMIT}` }).optional(),
  cursor: Cursor.optional(),
};

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

export function pageRequest(input: { limit?: number | undefined; cursor?: string | undefined }, all = false): PageRequest {
  return { limit: input.limit ?? (all ? Infinity : DEFAULT_LIMIT), cursor: input.cursor === undefined ? undefined : BigInt(input.cursor) };
}

/** The page info for items shown (their `positions` in order), how many match in all and how many come after them. */
export function pageInfo(positions: readonly bigint[], total: number, remaining: number): PageInfo {
  return { returned: positions.length, total, remaining, next: remaining > 0 && positions.length > 0 ? String(positions[positions.length - 1]) : null };
}

/** The SQL LIMIT for a request (SQLite takes -1 for none). */
export const sqlLimit = (request: PageRequest): number => (request.limit === Infinity ? -1 : request.limit);

