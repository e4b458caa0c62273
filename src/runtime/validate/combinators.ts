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

/**
 * The pattern is made on its first use: making one at load costs its parse (over 0.1 ms for a
 * Unicode property class), and a CLI call uses a few of the patterns the generated modules hold.
 */
export function matches(source: string, flags: string): Check<string> {
  let pattern: RegExp | undefined;
  return (v) => {
    pattern ??= new RegExp(source, flags);
    pattern.lastIndex = 0;
    return pattern.test(v);
  };
}

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

/** Any value: zod must decide (a part of a schema the generator does not know, such as a transform). */
export const unsure: Validator = () => undefined;

/**
 * A key of an object schema: its name, whether it may be left out, its value's validator, and
 * the value zod gives when it is left out (`.default()`), if any.
 */
export type Field = readonly [key: string, optional: boolean, validate: Validator, fallback?: Json];

/** A JSON value, as a default is written into generated code. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether zod fills the field in when it is left out. */
const hasDefault = (field: Field): field is readonly [string, boolean, Validator, Json] => field.length > 3;

/** An object schema: unknown keys stripped, as zod's z.object does, or refused when `strict`. */
export function object(fields: readonly Field[], strict: boolean): Validator {
  const known = new Set(fields.map(([key]) => key));
  /** zod's answer: a new object with the shape's keys, in the shape's order. */
  const rebuild = (v: Record<string, unknown>): unknown => {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const [key, optional, validate] = field;
      if (!Object.hasOwn(v, key)) {
        // A copy of an array or object default: what one caller does to it must not reach the next.
        if (hasDefault(field)) out[key] = typeof field[3] === 'object' && field[3] !== null ? structuredClone(field[3]) : field[3];
        else if (!optional) return undefined;
        continue;
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
        // Out of order, a required key missing, or one zod fills with its default: decided below.
        if (!fields[j]![1] || hasDefault(fields[j]!)) return general(v);
        j++;
      }
      if (j === fields.length) return general(v); // an unknown key, or one out of order
      const value = v[key];
      if (value === undefined) return undefined; // present as undefined (JSON has none): zod decides
      const result = fields[j]![2](value);
      if (result === undefined) return undefined;
      if (result !== value) return general(v); // a value zod answers with a copy: so must this, and keys not walked yet may be unknown
    }
    for (; j < fields.length; j++) {
      if (hasDefault(fields[j]!)) return general(v); // zod's answer has the default
      if (!fields[j]![1]) return undefined; // a required key missing
    }
    return v;
  };
}
