/**
 * Safe lookups in plain-object dictionaries keyed by user text. A term like "constructor"
 * must never read Object.prototype, and states must stay plain JSON (no Map), so every
 * read of such a dictionary goes through here.
 */
export const own = <V>(record: Record<string, V>, key: string): V | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

