import type { z } from 'zod';
import { EVENT_TYPES, EventMetadata, dataSchemaOf } from '../../../events/index.js';
import * as predicates from '../../../events/predicates.js';

/**
 * Writes events.generated.ts: a validator for each event's data and for the metadata, made of
 * combinators.ts, from the very same zod schemas. A process that reads or appends events then
 * builds no zod schema (building them, and compiling validators from them at run time, was the
 * biggest part of what a one-event `status` or a `log` spent on its own work), and replay runs
 * plain functions. tests/runtime/validate.test.ts holds the file equal to what this gives, so it
 * cannot drift from the schemas; `npx vitest run tests/runtime/validate.test.ts -u` rewrites it.
 *
 * A schema part this does not know (a transform, a coercion, a refinement that is not one of
 * events/predicates.ts) gives that event type no validator: its events then go through zod,
 * slower but with the same answers, and the test that every type has one fails.
 */

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
  fn?: unknown;
}
type Schema = { _zod: { def: Def } };

const defOf = (schema: Schema): Def => schema._zod.def;
const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((check) => check._zod.def);

/** The module's text, built up as the schemas are walked: shared parts become constants. */
class ModuleText {
  private readonly constants = new Map<string, string>();
  readonly used = new Set<string>();
  private readonly predicateNames = new Map<unknown, string>(
    Object.entries(predicates).flatMap(([name, value]) => (typeof value === 'function' ? [[value, name] as const] : [])),
  );

  /** A name for the expression; the same expression gets the same name. */
  constant(prefix: string, expression: string): string {
    let name = this.constants.get(expression);
    if (name === undefined) {
      name = `${prefix}${this.constants.size}`;
      this.constants.set(expression, name);
    }
    return name;
  }

  combinator(name: string): string {
    this.used.add(name);
    return name;
  }

  predicate(fn: unknown): string | undefined {
    const name = this.predicateNames.get(fn);
    return name === undefined ? undefined : `p.${name}`;
  }

  declarations(): string[] {
    return [...this.constants].map(([expression, name]) => `const ${name} = ${expression};`);
  }
}

const numberText = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));

function pattern(text: ModuleText, regex: RegExp): string {
  return text.constant('r', `new RegExp(${JSON.stringify(regex.source)}, ${JSON.stringify(regex.flags)})`);
}

/** The check as an expression, or undefined when it is not one the combinators know exactly. */
function checkOf(text: ModuleText, check: CheckDef): string | undefined {
  switch (check.check) {
    case 'max_length':
      return `${text.combinator('maxLength')}(${check.maximum!})`;
    case 'min_length':
      return `${text.combinator('minLength')}(${check.minimum!})`;
    case 'string_format':
      if (!PATTERN_FORMATS.has(check.format ?? '') || !(check.pattern instanceof RegExp)) return undefined;
      return `${text.combinator('matches')}(${pattern(text, check.pattern)})`;
    case 'number_format':
      return check.format === 'safeint' ? text.combinator('safeInteger') : undefined;
    case 'greater_than':
      return `${text.combinator('greaterThan')}(${numberText(check.value!)}, ${check.inclusive === true})`;
    case 'less_than':
      return `${text.combinator('lessThan')}(${numberText(check.value!)}, ${check.inclusive === true})`;
    case 'custom':
      // `.refine(fn)` with fn one of events/predicates.ts; any other function is left to zod.
      return check.type === 'custom' ? text.predicate(check.fn) : undefined;
    default:
      return undefined;
  }
}

function checksList(text: ModuleText, checks: readonly CheckDef[]): string | undefined {
  const out: string[] = [];
  for (const check of checks) {
    const expression = checkOf(text, check);
    if (expression === undefined) return undefined;
    out.push(expression);
  }
  return `[${out.join(', ')}]`;
}

/** An expression of a validator returning zod's output for `schema`, or undefined when the schema has parts it does not know. */
function validatorOf(text: ModuleText, schema: Schema): string | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      if (def.coerce) return undefined;
      let min = 0;
      let max = Infinity;
      const rest: CheckDef[] = [];
      // A format schema (z.uuid(), z.iso.datetime()) is its own first check.
      if (def.format !== undefined) rest.push({ check: 'string_format', format: def.format, pattern: def.pattern });
      for (const check of checksOf(def)) {
        if (check.check === 'min_length') min = Math.max(min, check.minimum!);
        else if (check.check === 'max_length') max = Math.min(max, check.maximum!);
        else rest.push(check);
      }
      const checks = checksList(text, rest);
      return checks && text.constant('v', `${text.combinator('string')}(${min}, ${numberText(max)}, ${checks})`);
    }
    case 'number': {
      const checks = def.coerce ? undefined : checksList(text, checksOf(def));
      return checks && text.constant('v', `${text.combinator('number')}(${checks})`);
    }
    case 'boolean':
      return def.checks?.length ? undefined : text.combinator('boolean');
    case 'literal': {
      const values = def.values ?? [];
      if (!values.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) return undefined;
      return text.constant('v', `${text.combinator('literal')}(${JSON.stringify(values)})`);
    }
    case 'array': {
      const element = def.element && validatorOf(text, def.element);
      const checks = checksList(text, checksOf(def));
      return element && checks && text.constant('v', `${text.combinator('array')}(${element}, ${checks})`);
    }
    case 'object': {
      if (def.checks?.length || !def.shape) return undefined;
      const catchall = def.catchall === undefined ? 'strip' : defOf(def.catchall).type === 'never' ? 'strict' : undefined;
      if (!catchall) return undefined;
      const fields: string[] = [];
      for (const [key, schema] of Object.entries(def.shape)) {
        const optional = defOf(schema).type === 'optional';
        const validate = validatorOf(text, optional ? defOf(schema).innerType! : schema);
        if (!validate) return undefined;
        fields.push(`[${JSON.stringify(key)}, ${optional}, ${validate}]`);
      }
      return text.constant('v', `${text.combinator('object')}([${fields.join(', ')}], ${catchall === 'strict'})`);
    }
    default:
      return undefined;
  }
}

const asSchema = (schema: z.ZodType): Schema => schema as unknown as Schema;

/** The text of events.generated.ts, from the schemas as they are now. */
export function eventValidatorsModule(): string {
  const text = new ModuleText();
  const metadata = validatorOf(text, asSchema(EventMetadata()));
  const data = EVENT_TYPES.flatMap((type) => {
    const validate = validatorOf(text, asSchema(dataSchemaOf(type)));
    return validate ? [`  ${type}: ${validate},`] : [];
  });
  const combinators = [...text.used].sort();
  return [
    '// Generated by src/runtime/validate/codegen.ts from the zod schemas of events/: do not edit.',
    '// tests/runtime/validate.test.ts fails while this differs from what the schemas give;',
    '// `npx vitest run tests/runtime/validate.test.ts -u` writes it anew.',
    "import * as p from '../../../events/predicates.js';",
    `import { ${[...combinators, 'type Validator'].join(', ')} } from './combinators.js';`,
    '',
    ...text.declarations(),
    '',
    '/** Event metadata, as EventMetadata() parses it; undefined when its schema has a part the generator does not know. */',
    `export const METADATA: Validator | undefined = ${metadata ?? 'undefined'};`,
    '',
    '/** Each event type\'s data, as dataSchemaOf(type) parses it; a type left out goes through zod. */',
    'export const DATA: Readonly<Record<string, Validator>> = {',
    ...data,
    '};',
    '',
  ].join('\n');
}
