import type { z } from 'zod';
import { once } from '../memo.js';
import { EVENT_TYPES, EventMetadata, dataSchemaOf, defaultUpcasters, isEventType, type Envelope, type RawEvent, type UpcasterRegistry } from '../../events/index.js';

/**
 * A fast path for validating events read back from the log, compiled from the very same zod
 * schemas. Replaying a log validates every event (a damaged row must be named, never folded),
 * and zod's general machinery cost more than reading and JSON-parsing the row did. The
 * compiled validator runs the schemas' own checks (their regexes, their refine functions,
 * their limits) without that machinery, and answers only "valid, here is exactly what zod
 * would return" or "not sure": anything it does not accept goes through parseEvent, which
 * decides and names the field. So it never accepts what zod would reject, and it cannot drift
 * from the schemas: a construct it does not know makes that schema always "not sure"
 * (tests/runtime/fast-parse.test.ts holds it to zod's answers on hostile input).
 *
 * What it returns may share objects with its input (zod would copy them): events are
 * read-only once read, as projections and every reader already treat them.
 *
 * Why it is kept: zod 4 alone cannot reach the replay goal (issue 15: the core projections at
 * 0.8 of a raw read-and-parse). In one run of `npm run bench -- --quick --scale 4 --only replay`
 * (200,000 events), the core projections replayed at 0.29 of raw with zod alone, and at 0.48
 * with this. All projections ran at 0.14 with zod alone and 0.18 with this. To repeat it, swap
 * `toStored`'s line for `parseEvent(recorded, upcasters)` in dist/src/runtime/stored.js and run
 * the same command.
 */

const UNSURE = Symbol('unsure');
type Validator = (value: unknown) => unknown;

/** String formats whose whole check is their pattern (zod's $ZodStringFormat default). */
const PATTERN_FORMATS = new Set(['regex', 'uuid', 'datetime']);

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  coerce?: boolean;
  format?: string;
  pattern?: RegExp;
  values?: unknown[];
  innerType?: Schema;
  element?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
}
interface CheckDef {
  check: string;
  type?: string;
  maximum?: number;
  minimum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
  fn?: (value: unknown) => unknown;
}
type Schema = { _zod: { def: Def } };

const defOf = (schema: Schema): Def => schema._zod.def;

/** The check as a predicate, or undefined when it is not one this compiler knows exactly. */
function predicateOf(check: CheckDef): ((value: never) => boolean) | undefined {
  switch (check.check) {
    case 'max_length': {
      const max = check.maximum!;
      return (v: { length: number }) => v.length <= max;
    }
    case 'min_length': {
      const min = check.minimum!;
      return (v: { length: number }) => v.length >= min;
    }
    case 'string_format': {
      const pattern = check.pattern;
      if (!PATTERN_FORMATS.has(check.format ?? '') || !(pattern instanceof RegExp)) return undefined;
      return (v: string) => {
        pattern.lastIndex = 0;
        return pattern.test(v);
      };
    }
    case 'number_format':
      return check.format === 'safeint' ? (v: number) => Number.isSafeInteger(v) : undefined;
    case 'greater_than': {
      const { value, inclusive } = check as { value: number; inclusive: boolean };
      return inclusive ? (v: number) => v >= value : (v: number) => v > value;
    }
    case 'less_than': {
      const { value, inclusive } = check as { value: number; inclusive: boolean };
      return inclusive ? (v: number) => v <= value : (v: number) => v < value;
    }
    case 'custom': {
      // `.refine(fn)`: valid when fn returns a truthy value (an async refine is left to zod).
      const fn = check.fn;
      if (check.type !== 'custom' || typeof fn !== 'function') return undefined;
      return (v: unknown) => {
        const result = fn(v);
        return !(result instanceof Promise) && Boolean(result);
      };
    }
    default:
      return undefined;
  }
}

const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((check) => check._zod.def);

function predicatesOf(checks: readonly CheckDef[]): ((value: never) => boolean)[] | undefined {
  const out: ((value: never) => boolean)[] = [];
  for (const check of checks) {
    const predicate = predicateOf(check);
    if (!predicate) return undefined;
    out.push(predicate);
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A validator returning zod's output for `schema`, or UNSURE; undefined when the schema has unknown parts. */
function compile(schema: Schema): Validator | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      if (def.coerce) return undefined;
      // Length limits are compared inline; the other checks (patterns, refinements) run after.
      let min = 0;
      let max = Infinity;
      const rest: CheckDef[] = [];
      for (const check of checksOf(def)) {
        if (check.check === 'min_length') min = Math.max(min, check.minimum!);
        else if (check.check === 'max_length') max = Math.min(max, check.maximum!);
        else rest.push(check);
      }
      const predicates = predicatesOf(rest);
      if (!predicates) return undefined;
      if (def.format !== undefined) {
        // A format schema (z.uuid(), z.iso.datetime()) is its own first check.
        const own = predicateOf({ check: 'string_format', format: def.format, pattern: def.pattern });
        if (!own) return undefined;
        predicates.unshift(own);
      }
      return (v) => {
        if (typeof v !== 'string' || v.length < min || v.length > max) return UNSURE;
        for (let i = 0; i < predicates.length; i++) if (!predicates[i]!(v as never)) return UNSURE;
        return v;
      };
    }
    case 'number': {
      if (def.coerce) return undefined;
      const checks = predicatesOf(checksOf(def));
      if (!checks) return undefined;
      return (v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return UNSURE;
        for (const check of checks) if (!check(v as never)) return UNSURE;
        return v;
      };
    }
    case 'boolean':
      return def.checks?.length ? undefined : (v) => (typeof v === 'boolean' ? v : UNSURE);
    case 'literal': {
      const values = def.values ?? [];
      if (!values.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) return undefined;
      return (v) => (values.includes(v) ? v : UNSURE);
    }
    case 'array': {
      const element = def.element && compile(def.element);
      const checks = predicatesOf(checksOf(def));
      if (!element || !checks) return undefined;
      return (v) => {
        if (!Array.isArray(v)) return UNSURE;
        for (const check of checks) if (!check(v as never)) return UNSURE;
        const out = new Array<unknown>(v.length);
        let same = true;
        for (let i = 0; i < v.length; i++) {
          const item = element(v[i]);
          if (item === UNSURE) return UNSURE;
          if (item !== v[i]) same = false;
          out[i] = item;
        }
        return same ? v : out;
      };
    }
    case 'object': {
      if (def.checks?.length || !def.shape) return undefined;
      const catchall = def.catchall === undefined ? 'strip' : defOf(def.catchall).type === 'never' ? 'strict' : undefined;
      if (!catchall) return undefined;
      const keys = Object.keys(def.shape);
      const known = new Set(keys);
      const fields: { key: string; optional: boolean; validate: Validator }[] = [];
      for (const key of keys) {
        let field = def.shape[key]!;
        const optional = defOf(field).type === 'optional';
        if (optional) field = defOf(field).innerType!;
        const validate = compile(field);
        if (!validate) return undefined;
        fields.push({ key, optional, validate });
      }
      /** zod's answer: a new object with the shape's keys, in the shape's order. */
      const rebuild = (v: Record<string, unknown>): unknown => {
        const out: Record<string, unknown> = {};
        for (const { key, optional, validate } of fields) {
          if (!Object.hasOwn(v, key)) {
            if (optional) continue;
            return UNSURE;
          }
          const result = v[key] === undefined ? UNSURE : validate(v[key]);
          if (result === UNSURE) return UNSURE;
          out[key] = result;
        }
        return out;
      };
      /** The slow path: any key order, unknown keys stripped (or refused when strict). */
      const general = (v: Record<string, unknown>): unknown => {
        if (catchall === 'strict') for (const key in v) if (Object.hasOwn(v, key) && !known.has(key)) return UNSURE;
        return rebuild(v);
      };
      return (v) => {
        if (!isRecord(v)) return UNSURE;
        // When the input already is exactly zod's answer (as every event cairn wrote is: known
        // keys in the shape's order, values returned as they are), it is returned as it is,
        // without allocating. Its keys are then the shape's, in order, optional ones skipped:
        // one walk along both lists tells, and anything else takes the general path.
        const own = Object.keys(v);
        let j = 0;
        for (let i = 0; i < own.length; i++, j++) {
          const key = own[i]!;
          while (j < fields.length && fields[j]!.key !== key) {
            if (!fields[j]!.optional) return general(v); // out of order, or a required key missing: zod decides below
            j++;
          }
          if (j === fields.length) return general(v); // an unknown key, or one out of order
          const value = v[key];
          if (value === undefined) return UNSURE; // present as undefined (JSON has none): zod decides
          const result = fields[j]!.validate(value);
          if (result === UNSURE) return UNSURE;
          if (result !== value) return general(v); // a value zod answers with a copy: so must this, and keys not walked yet may be unknown
        }
        for (; j < fields.length; j++) if (!fields[j]!.optional) return UNSURE; // a required key missing
        return v;
      };
    }
    default:
      return undefined;
  }
}

const asSchema = (schema: z.ZodType): Schema => schema as unknown as Schema;

// Validators are compiled when first needed, each event type's on its first event: a CLI
// call parses a handful of events of a few types, a replay millions of every type.
const dataValidators = new Map<unknown, Validator | undefined>();

const metadataOf = once((): Validator | undefined => compile(asSchema(EventMetadata())));

/** The compiled validator of a type's data; undefined for an unknown type, or a schema the compiler does not know. */
function dataOf(type: unknown): Validator | undefined {
  let validate = dataValidators.get(type);
  if (validate === undefined && !dataValidators.has(type)) {
    validate = isEventType(type) ? compile(asSchema(dataSchemaOf(type))) : undefined;
    dataValidators.set(type, validate);
  }
  return validate;
}

/** Whether the compiler understood every schema (if not, those events go through zod). */
export function fastParseCompiled(): boolean {
  return metadataOf() !== undefined && EVENT_TYPES.every((type) => dataOf(type) !== undefined);
}

/**
 * Exactly what `parseEvent(raw)` returns, when the event is valid and of the current schema
 * version; undefined when it is not sure, and the caller must use parseEvent.
 */
export function fastParseEvent(raw: RawEvent, upcasters: UpcasterRegistry = defaultUpcasters): Envelope | undefined {
  const validateMetadata = metadataOf();
  if (!validateMetadata || upcasters !== defaultUpcasters) return undefined;
  const metadata = validateMetadata(raw.metadata) as Envelope['metadata'] | typeof UNSURE;
  if (metadata === UNSURE || metadata.schemaVersion !== upcasters.currentVersion) return undefined;
  const validate = dataOf(raw.type);
  const data = validate ? validate(raw.data) : UNSURE;
  return data === UNSURE ? undefined : ({ type: raw.type, data, metadata } as Envelope);
}
