import { Command, Option } from 'commander';
import { parseInput, type Operation } from '../app/operation.js';
import { runOperation, type GlobalOptions } from './context.js';
import { RENDERS } from '../render/operations.js';
import { printJson, printLine } from './output.js';

export interface ArgSpec {
  /** Input field it fills. */
  key: string;
  /** `<task>` shows as `task` in help and errors. */
  label: string;
  /** Takes the rest of the words, joined by spaces (`cairn say hello there --to all`). */
  rest?: boolean;
  optional?: boolean;
}

export interface OptionSpec {
  /** Commander flags, e.g. `--lease <duration>`. */
  flags: string;
  key: string;
  description: string;
  /** Repeatable and comma-separated: `--tag a --tag b,c`. */
  list?: boolean;
  /** Parse as an integer. */
  int?: boolean;
  /** Parse as a number. */
  number?: boolean;
}

/** How one operation appears on the command line. */
export interface CliSpec<R> {
  op: Operation<any, R>;
  /** Command name when it differs from the operation's. */
  command?: string;
  args?: ArgSpec[];
  options?: OptionSpec[];
}

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value.split(',').map((v) => v.trim()).filter((v) => v !== ''),
];

/** Adds an operation as a subcommand: flags become the operation's input, validated by its schema. */
export function addOperation<R>(program: Command, spec: CliSpec<R>): Command {
  const command = program.command(spec.command ?? spec.op.name).description(spec.op.summary);
  for (const arg of spec.args ?? []) {
    const name = `${arg.label}${arg.rest ? '...' : ''}`;
    command.argument(arg.optional ? `[${name}]` : `<${name}>`);
  }
  for (const opt of spec.options ?? []) {
    const option = new Option(opt.flags, opt.description);
    if (opt.list) option.argParser(collect);
    command.addOption(option);
  }
  command.action(async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    const input = inputFrom(spec, params.slice(0, (spec.args ?? []).length), cmd.opts());
    // Checked here so errors name flags; the raw input goes on, to be validated where it runs (here or CAIRN_URL).
    parseInput(spec.op, input, (field) => labelOf(spec, field));
    const result = (await runOperation(globals, spec.op, input)) as R;
    if (globals.json) printJson(result);
    else printLine(RENDERS[spec.op.name]!(result));
  });
  return command;
}

function inputFrom(spec: CliSpec<unknown>, positional: unknown[], options: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  (spec.args ?? []).forEach((arg, i) => {
    const value = positional[i];
    input[arg.key] = Array.isArray(value) ? (value.length > 0 ? value.join(' ') : undefined) : value;
  });
  for (const opt of spec.options ?? []) {
    const attribute = new Option(opt.flags).attributeName();
    const value = options[attribute];
    if (value === undefined) continue;
    input[opt.key] = (opt.int && typeof value === 'string' && /^-?\d+$/.test(value)) || (opt.number && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) ? Number(value) : value;
  }
  return input;
}

/** Error messages name the flag or argument the user typed, not the internal field. */
function labelOf(spec: CliSpec<unknown>, field: string): string {
  const [head, ...rest] = field.split('.');
  const arg = spec.args?.find((a) => a.key === head);
  const opt = spec.options?.find((o) => o.key === head);
  const label = arg ? `<${arg.label}>` : opt ? opt.flags.split(/[ ,]/)[0]! : head!;
  return [label, ...rest].join('.');
}
