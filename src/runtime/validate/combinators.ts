/**
 * The pieces the generated event validators are made of (events.generated.ts, written by
 * codegen.ts from the zod schemas). Each validator answers with exactly what zod's parse
 * would return, or undefined when it is not sure; then the caller asks zod, which decides and
 * names the field. A value of a JSON event is never undefined, so undefined can mean "not sure".
 *
 * What a validator returns may share objects with its input (zod would copy them): events are
 * read-only once read, as projections and every reader already treat them.
 */

/** zod's answer for the value, or undefined when not sure. */
export type Validator = (value: unknown) => unknown;

/** One of a schema's checks: a length, a pattern, a bound, or a named refinement (events/predicates.ts). */
export type Check<T> = (value: T) => boolean;

export const minLength =
  (min: number): Check<{ length: number }> =>
  (v) =>
    v.length >= min;

export const maxLength =
  (max: number): Check<{ length: number }> =>
  (v) =>
    v.length <= max;

export const matches =
  (pattern: RegExp): Check<string> =>
  (v) => {
    pattern.lastIndex = 0;
    return pattern.test(v);
  };

export const safeInteger: Check<number> = (v) => Number.isSafeInteger(v);

export const greaterThan = (bound: number, inclusive: boolean): Check<number> => (inclusive ? (v) => v >= bound : (v) => v > bound);

export const lessThan = (bound: number, inclusive: boolean): Check<number> => (inclusive ? (v) => v <= bound : (v) => v < bound);

/** Length limits are compared inline; the other checks (patterns, refinements) run after, in the schema's order. */
export function string(min: number, max: number, checks: readonly Check<string>[]): Validator {
  return (v) => {
    if (typeof v !== 'string' || v.length < min || v.length > max) return undefined;
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(v)) return undefined;
    return v;
  };
}

export function number(checks: readonly Check<number>[]): Validator {
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(v)) return undefined;
    return v;
  };
}

export const boolean: Validator = (v) => (typeof v === 'boolean' ? v : undefined);

export function literal(values: readonly (string | number | boolean | null)[]): Validator {
  return (v) => (values.includes(v as never) ? v : undefined);
}

export function array(element: Validator, checks: readonly Check<unknown[]>[]): Validator {
  return (v) => {
    if (!Array.isArray(v)) return undefined;
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(v)) return undefined;
    const out = new Array<unknown>(v.length);
    let same = true;
    for (let i = 0; i < v.length; i++) {
      const item = element(v[i]);
      if (item === undefined) return undefined;
      if (item !== v[i]) same = false;
      out[i] = item;
    }
    return same ? v : out;
  };
}

/** A key of an object schema: its name, whether it may be left out, and its value's validator. */
export type Field = readonly [key: string, optional: boolean, validate: Validator];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object schema: unknown keys stripped, as zod's z.object does, or refused when `strict`. */
export function object(fields: readonly Field[], strict: boolean): Validator {
  const known = new Set(fields.map(([key]) => key));
  /** zod's answer: a new object with the shape's keys, in the shape's order. */
  const rebuild = (v: Record<string, unknown>): unknown => {
    const out: Record<string, unknown> = {};
    for (const [key, optional, validate] of fields) {
      if (!Object.hasOwn(v, key)) {
        if (optional) continue;
        return undefined;
      }
      const result = v[key] === undefined ? undefined : validate(v[key]);
      if (result === undefined) return undefined;
      out[key] = result;
    }
    return out;
  };
  /** The slow path: any key order, unknown keys stripped (or refused when strict). */
  const general = (v: Record<string, unknown>): unknown => {
    if (strict) for (const key in v) if (Object.hasOwn(v, key) && !known.has(key)) return undefined;
    return rebuild(v);
  };
  return (v) => {
    if (!isRecord(v)) return undefined;
    // When the input already is exactly zod's answer (as every event cairn wrote is: known
    // keys in the shape's order, values returned as they are), it is returned as it is,
    // without allocating. Its keys are then the shape's, in order, optional ones skipped:
    // one walk along both lists tells, and anything else takes the general path.
    const own = Object.keys(v);
    let j = 0;
    for (let i = 0; i < own.length; i++, j++) {
      const key = own[i]!;
      while (j < fields.length && fields[j]![0] !== key) {
        if (!fields[j]![1]) return general(v); // out of order, or a required key missing: decided below
        j++;
      }
      if (j === fields.length) return general(v); // an unknown key, or one out of order
      const value = v[key];
      if (value === undefined) return undefined; // present as undefined (JSON has none): zod decides
      const result = fields[j]![2](value);
      if (result === undefined) return undefined;
      if (result !== value) return general(v); // a value zod answers with a copy: so must this, and keys not walked yet may be unknown
    }
    for (; j < fields.length; j++) if (!fields[j]![1]) return undefined; // a required key missing
    return v;
  };
}
