import fc from 'fast-check';

/**
 * Values no field of any event or command accepts: strings far past every limit, control
 * characters and escape sequences, every wrong type, and objects carrying prototype-pollution
 * keys as own properties (as JSON.parse makes them).
 */
export const HUGE = 'x'.repeat(100_000);

export const pollution = (): unknown[] => [
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  JSON.parse('{"prototype": {"polluted": "yes"}}'),
];

export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(HUGE, `${'a'.repeat(70)}\u0000`, 'ok\u001b[31mred', 'bell\u0007', 'del\u007f', '\u0000', '\u001b]0;title\u0007'),
    fc.string({ minLength: 11_000, maxLength: 12_000 }),
    fc.constantFrom(null, true, false, 3.5, -1, Number.NaN, Number.POSITIVE_INFINITY, {}, [null], [{}], [HUGE], ['\u0007']),
    fc.constantFrom(...pollution()),
    fc.array(fc.anything(), { minLength: 1, maxLength: 3 }).map((a) => [{ deep: a }]),
  );

/** A key an attacker may add: the pollution classics, or one no schema knows. */
export const hostileKey = (): fc.Arbitrary<string> => fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'unknownField', HUGE.slice(0, 500));

/** Sets `key` to `value` as an own property, even for "__proto__" (like JSON.parse does). */
export function withOwn(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Whether anything was added to Object.prototype (or Array.prototype) by the run. */
export function polluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.polluted !== undefined || ([] as unknown as Record<string, unknown>).polluted !== undefined || Object.keys(Object.prototype).length > 0;
}
