import * as z from 'zod';
import type { PageRequest } from '../readstore/page.js';

/**
 * Listings are bounded by default: an agent reads an answer into a small context window, and
 * a month of work holds hundreds of thousands of findings. Each listing returns the most
 * relevant N (newest first), how many match in all, and a cursor that continues after the
 * last one shown; `all` asks for the complete set.
 */

export const DEFAULT_LIMIT = 30;
/**
 * Characters a page holds by default: texts run to thousands of characters (a message's body
 * to 10,000), so thirty of them could fill a context window alone; the page stops early and
 * its cursor continues. A limit asked for, or `all`, is given whole.
 */
export const DEFAULT_PAGE_CHARS = 16_000;
export const MAX_LIMIT = 10_000;

/** A cursor is the position of the last item shown: the next page continues after it (older ones, or newer in an unread inbox). */
export const cursor = () => z.string().regex(/^\d{1,20}$/, { message: 'must be a cursor returned as `next` by an earlier page' });

/** The paging fields of a listing's input, made with it (see defineOperation). */
export const paging = () => ({
  limit: z.number().int().min(1, { message: 'must be at least 1' }).max(MAX_LIMIT, { message: `must be at most ${MAX_LIMIT}` }).optional(),
  cursor: cursor().optional(),
});

export function pageRequest(input: { limit?: number | undefined; cursor?: string | undefined }, all = false): PageRequest {
  const request: PageRequest = { limit: input.limit ?? (all ? Infinity : DEFAULT_LIMIT), cursor: input.cursor === undefined ? undefined : BigInt(input.cursor) };
  return all || input.limit !== undefined ? request : { ...request, chars: DEFAULT_PAGE_CHARS };
}
