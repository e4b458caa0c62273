/**
 * A tool result an agent can take whole. Clients put a result into the model's context (Claude
 * Code the structured JSON, others the text blocks) and cut or refuse one far larger than a
 * page, while a month of work holds findings, messages and task outcomes of thousands of
 * characters each. Listings already stop at a page (src/app/page.ts); answers that gather
 * several kinds (the board, clusters, a replay) keep their shape here and have their longest
 * texts shortened, only as far as the answer needs, saying so in `shortened`.
 */

/** What a client may be handed, in UTF-8 bytes: the JSON alone, or the CLI's text and the JSON together. */
export const RESULT_BYTES = 32 * 1024;

/** Texts are never cut below this: ids, positions, times and names are shorter. */
const SHORTEST = 80;

export interface Shortened {
  /** Every text longer than this many characters was cut to it, ending in "…". */
  maxChars: number;
  /** How to read them whole. */
  note: string;
}

const NOTE = 'long texts were cut so the answer fits a context window: ask for fewer items (limit), or read the item in its own listing (findings, inbox, tasks, questions)';

const bytes = (json: unknown): number => Buffer.byteLength(JSON.stringify(json));

/** `plain` (JSON values only), with texts cut to the longest length that keeps it within `budget` bytes. */
export function fitResult<T extends Record<string, unknown>>(plain: T, budget = RESULT_BYTES): T & { shortened?: Shortened } {
  if (bytes(plain) <= budget) return plain;
  // The longest cut that fits: the answer grows with the cut, so halve the range between them.
  let fits = SHORTEST;
  for (let low = SHORTEST + 1, high = longestText(plain) - 1; low <= high; ) {
    const mid = (low + high) >> 1;
    if (bytes(shortened(plain, mid)) <= budget) {
      fits = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return shortened(plain, fits);
}

const shortened = <T extends Record<string, unknown>>(plain: T, maxChars: number): T & { shortened: Shortened } => ({
  ...(cut(plain, maxChars) as T),
  shortened: { maxChars, note: NOTE },
});

function longestText(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return 0;
  let max = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) max = Math.max(max, longestText(v));
  return max;
}

/** Without half of a character the cut split (a high surrogate at the end). */
const whole = (head: string): string => (/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head);

/** A copy with every string longer than `max` characters cut to `max`, the last one "…". */
function cut(value: unknown, max: number): unknown {
  if (typeof value === 'string') return value.length > max ? `${whole(value.slice(0, max - 1))}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cut(v, max));
  // No prototype: keys agents chose (a topic named "__proto__") stay keys.
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) copy[k] = cut(v, max);
  return copy;
}
