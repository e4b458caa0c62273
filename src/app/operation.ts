import type { z } from 'zod';
import { once } from '../memo.js';
import { ValidationError, issuesOf } from '../../events/validation.js';
import type { App } from './app.js';
import { INPUTS } from './inputs.generated.js';

/**
 * One thing a user of cairn can do: join, claim, find, status… Each operation is declared
 * once, with a zod schema for its input, and reached three ways: the CLI maps flags onto
 * the input, the HTTP server takes it as a JSON body, the MCP server as tool arguments.
 * The same schema validates all three, so bad input is refused the same way everywhere.
 */
export interface Operation<I extends z.ZodType = z.ZodType, R = unknown> {
  readonly name: string;
  /** One line for --help, the HTTP index and the MCP tool description. */
  readonly summary: string;
  readonly input: I;
  /** Writes to the log as the caller: needs an identity (`--as`, CAIRN_INSTANCE, a token). */
  readonly writes: boolean;
  run(app: App, input: z.output<I>, caller: Caller, context?: OperationContext): Promise<R>;
}

/** How the call arrived: `signal` fires when whoever asked went away (a closed request, a cancelled tool call). */
export interface OperationContext {
  signal?: AbortSignal | undefined;
}

/** Who is asking. Reads need nobody; writes need an instance id. */
export interface Caller {
  instanceId?: string;
}

/** An operation as declared: what makes its input schema, rather than the schema. */
export type OperationSpec<I extends z.ZodType, R> = Omit<Operation<I, R>, 'input'> & { input: () => I };

/**
 * Declares an operation whose input schema is made the first time it is asked for. A module
 * declares several operations and a CLI call runs one: making every schema of every module it
 * loads was a few milliseconds of each call.
 */
export function defineOperation<I extends z.ZodType, R>(spec: OperationSpec<I, R>): Operation<I, R> {
  const input = once(spec.input);
  return {
    ...spec,
    get input() {
      return input();
    },
  };
}

/**
 * The input as the operation's schema parses it. A valid input takes the validator generated
 * from that schema (inputs.generated.ts), which builds no zod schema: a CLI call parses one
 * input, once, and making its schema cost more than the rest of its checking. Anything that
 * validator is not sure of goes to zod, which decides and names each bad field (`label` says
 * how a field is named to the caller: a flag, a path).
 */
export function parseInput<I extends z.ZodType>(op: Operation<I>, input: unknown, label: (field: string) => string = (field) => field): z.output<I> {
  const fast = Object.hasOwn(INPUTS, op.name) ? INPUTS[op.name]!(input) : undefined;
  if (fast !== undefined) return fast as z.output<I>;
  const parsed = op.input.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error).map((issue) => ({ ...issue, field: label(issue.field) })));
  return parsed.data;
}
