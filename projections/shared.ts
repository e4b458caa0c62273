/** Helpers every projection shares. */

/**
 * A dictionary keyed by ids, roles or topics that agents wrote. It has no prototype, so a
 * task called "constructor" or a topic "__proto__" is an ordinary key, not Object.prototype's.
 * States read back from JSON keep this true (src/runtime/state.ts).
 */
export type Dict<T> = Record<string, T>;

export const dict = <T>(): Dict<T> => Object.create(null) as Dict<T>;

export function bump(counts: Dict<number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Whether `id` is new to `seen`; notes it if so. A fold keeps the first of two records under one id, as the tables do. */
export function firstTime(seen: Dict<true>, id: string): boolean {
  if (seen[id]) return false;
  seen[id] = true;
  return true;
}

/** Topics and tags are counted case- and space-insensitively: "Resilience " is "resilience". */
export const topicKey = (topic: string): string => topic.trim().toLowerCase();

// Replay compares times for every event: two UTC times as toISOString writes them
// ("2026-03-01T09:00:00.000Z", 24 characters) order as strings, without parsing.
const isUtcIso = (t: string): boolean => t.length === 24 && t.charCodeAt(23) === 90;

/**
 * Whether ISO time `a` is before `b`. Compared as instants, not strings: writers may use
 * different offsets ("+02:00" and "Z").
 */
export const isBefore = (a: string, b: string): boolean => (isUtcIso(a) && isUtcIso(b) ? a < b : Date.parse(a) < Date.parse(b));

/** The later of two ISO times, compared as instants. */
export const laterAt = (a: string | null, b: string): string => (a === null || isBefore(a, b) ? b : a);

/** Sorts by a bigint key in place; positions are unique, so the order is total. */
export function sortBy<T>(items: T[], key: (item: T) => bigint): T[] {
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
