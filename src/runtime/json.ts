/**
 * JSON that keeps bigints: log positions are bigints and must never be squeezed into a
 * double. A bigint is written as {"$bigint":"123"} and read back as 123n.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

export function decodeJson<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => bigintOf(v) ?? v) as T;
}

/** The bigint an object parsed from {"$bigint":"123"} stands for, or undefined for anything else. */
export function bigintOf(v: unknown): bigint | undefined {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const big = (v as { $bigint?: unknown }).$bigint;
    if (keys.length === 1 && typeof big === 'string' && /^-?\d+$/.test(big)) return BigInt(big);
  }
  return undefined;
}

/** For output meant for people and other programs: bigints become decimal strings. */
export function toPlainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}
