import type { z } from 'zod';
import * as predicates from '../../../events/predicates.js';

/**
 * Writes validators made of combinators.ts from zod schemas, as a module's text: one for each
 * event's data and for the metadata (event-codegen.ts writes events.generated.ts), and one for
 * each operation's input (src/app/input-codegen.ts writes src/app/inputs.generated.ts). A process that reads or appends events, or
 * takes a command's input, then builds no zod schema: building them, and compiling validators
 * from them at run time, was the biggest part of what a `log` or a `status` after one append
 * spent on its own work. Replay runs plain functions. Tests hold each file equal to what this
 * gives (toMatchFileSnapshot), so it cannot drift from the schemas; `-u` rewrites it.
 *
 * A schema part this does not know (a transform, a coercion, a refinement that is not one of
 * events/predicates.ts): for events, that type gets no validator, so its events go through zod
 * (slower, same answers; a test asks that every type has one). For inputs (`lenient`), that
 * field becomes `unsure`: zod decides whenever the field is given.
 */

/** String formats whose whole check is their pattern (zod's $ZodStringFormat default). */
const PATTERN_FORMATS = new Set(['regex', 'uuid', 'datetime']);

interface Def {
  type: string;
  defaultValue?: unknown;
  entries?: Record<string, unknown>;
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
  /**
   * `lenient`: whether a part it does not know becomes `unsure` (zod decides when it is there)
   * rather than leaving the whole schema to zod. `known`: schemas (by identity) with a validator
   * of their own, written in plain code beside the schema from the same parts.
   */
  constructor(
    readonly lenient: boolean,
    readonly known: ReadonlyMap<unknown, string> = new Map(),
  ) {}
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

  predicatesUsed = false;

  predicate(fn: unknown): string | undefined {
    const name = this.predicateNames.get(fn);
    if (name === undefined) return undefined;
    this.predicatesUsed = true;
    return `p.${name}`;
  }

  declarations(): string[] {
    return [...this.constants].map(([expression, name]) => `const ${name} = ${expression};`);
  }
}

const numberText = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));


/** The check as an expression, or undefined when it is not one the combinators know exactly. */
function checkOf(text: ModuleText, check: CheckDef): string | undefined {
  switch (check.check) {
    case 'max_length':
      return `${text.combinator('maxLength')}(${check.maximum!})`;
    case 'min_length':
      return `${text.combinator('minLength')}(${check.minimum!})`;
    case 'string_format':
      if (!PATTERN_FORMATS.has(check.format ?? '') || !(check.pattern instanceof RegExp)) return undefined;
      return text.constant('c', `${text.combinator('matches')}(${JSON.stringify(check.pattern.source)}, ${JSON.stringify(check.pattern.flags)})`);
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
  const known = text.known.get(schema);
  if (known !== undefined) return known;
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
    case 'literal':
    case 'enum': {
      // z.enum(['a', 'b']) keeps {a: 'a', b: 'b'}; an enum of other entries is left to zod.
      const entries = Object.entries(def.entries ?? {});
      if (def.type === 'enum' && !entries.every(([key, value]) => key === value)) return undefined;
      const values = def.type === 'enum' ? entries.map(([, value]) => value) : (def.values ?? []);
      if (!values.every(isPrimitive)) return undefined;
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
        const field = fieldOf(text, schema);
        if (!field) return undefined;
        fields.push(`[${JSON.stringify(key)}, ${field}]`);
      }
      return text.constant('v', `${text.combinator('object')}([${fields.join(', ')}], ${catchall === 'strict'})`);
    }
    default:
      return undefined;
  }
}

const isPrimitive = (x: unknown): x is string | number | boolean | null => x === null || ['string', 'boolean'].includes(typeof x) || Number.isFinite(x);

/** Plain JSON: what JSON.stringify writes and a literal in the generated code gives back the same. */
function isJson(x: unknown): boolean {
  if (isPrimitive(x)) return true;
  if (Array.isArray(x)) return x.every(isJson);
  return typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype && Object.values(x as object).every(isJson);
}

/** The validator of a field's value; when the generator does not know it, `unsure` if lenient. */
const valueOf = (text: ModuleText, schema: Schema): string | undefined => validatorOf(text, schema) ?? (text.lenient ? text.combinator('unsure') : undefined);

/** An object field's `optional, validator[, default]`, or undefined when the object must be left to zod. */
function fieldOf(text: ModuleText, schema: Schema): string | undefined {
  const def = defOf(schema);
  if (def.type === 'optional') {
    const validate = valueOf(text, def.innerType!);
    return validate && `true, ${validate}`;
  }
  if (def.type === 'default') {
    // zod gives the default, unchecked, when the key is left out (even where the schema
    // transforms what is given); a default that is not plain JSON is left to zod, always.
    if (!isJson(def.defaultValue)) return text.lenient ? `false, ${text.combinator('unsure')}` : undefined;
    const validate = valueOf(text, def.innerType!);
    return validate && `true, ${validate}, ${JSON.stringify(def.defaultValue)}`;
  }
  const validate = valueOf(text, schema);
  return validate && `false, ${validate}`;
}

const asSchema = (schema: z.ZodType): Schema => schema as unknown as Schema;

/** Where the generated module sits, as paths to what it imports, and what it says of itself. */
export interface ModuleSpec {
  /** The lines the module starts with (comments). */
  header: string[];
  predicates: string;
  combinators: string;
  /** Unknown parts become `unsure` rather than leaving the whole schema to zod (see ModuleText). */
  lenient: boolean;
  /** Schemas with a validator of their own: the expression that calls it, and the import line it needs. */
  known?: { schema: z.ZodType; expression: string; importLine: string }[];
}

/**
 * The text of a module exporting `name`: a record of validators by key, one for each schema the
 * generator understands (others are left out, to zod), and a validator per `single` export.
 */
export function validatorsModule(spec: ModuleSpec, record: { name: string; doc: string; schemas: [string, z.ZodType][] }, single: { name: string; doc: string; schema: z.ZodType }[] = []): string {
  const text = new ModuleText(spec.lenient, new Map(spec.known?.map(({ schema, expression }) => [schema, expression])));
  const singles = single.map(({ name, doc, schema }) => [
    `/** ${doc} */`,
    `export const ${name}: Validator | undefined = ${validatorOf(text, asSchema(schema)) ?? 'undefined'};`,
    '',
  ]);
  const entries = record.schemas.flatMap(([key, schema]) => {
    const validate = validatorOf(text, asSchema(schema));
    return validate ? [`  ${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${validate},`] : [];
  });
  const combinators = [...text.used].sort();
  return [
    ...spec.header,
    ...(text.predicatesUsed ? [`import * as p from '${spec.predicates}';`] : []),
    `import { ${[...combinators, 'type Validator'].join(', ')} } from '${spec.combinators}';`,
    ...(spec.known ?? []).map(({ importLine }) => importLine),
    '',
    ...text.declarations(),
    '',
    ...singles.flat(),
    `/** ${record.doc} */`,
    `export const ${record.name}: Readonly<Record<string, Validator>> = {`,
    ...entries,
    '};',
    '',
  ].join('\n');
}
