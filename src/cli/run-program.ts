import { Command, CommanderError } from 'commander';
import { ValidationError } from '../errors.js';
import { toPlainJson } from '../runtime/json.js';
import { errorCodeFor, exitCodeFor } from './exit-codes.js';
import { writeErr, writeOut } from './std-streams.js';

/**
 * Runs the CLI with the commands `register` adds: parses `argv` (as process.argv: node,
 * script, args…), runs one command and sets process.exitCode, reporting errors as every
 * cairn command does. program.ts registers them all; the one-command bundles of
 * scripts/bundle-cli.mjs register one.
 */
export async function runProgram(register: (program: Command) => void, argv: string[] = process.argv): Promise<void> {
  const program = new Command('cairn')
    .description('An event-sourced coordination log for AI agents working on one body of work at once.')
    .option('--as <instance>', 'who you are (default: $CAIRN_INSTANCE)')
    .option('--store <url>', 'the log: a file path, memory:, postgres://user@host/db?schema=cairn or kurrentdb://host:2113?tls=false (default: $CAIRN_STORE, or .cairn/log.db found upwards)')
    .option('--json', 'print one JSON object (NDJSON for streams) instead of text')
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  register(program);
  for (const command of program.commands) command.exitOverride().configureOutput({ outputError: () => undefined });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
    if (!(error instanceof CommanderError && error.exitCode === 0)) report(program, argv, error);
  }
}

function report(program: Command, argv: string[], error: unknown): void {
  // `cairn` alone shows the help on stderr and throws "(outputHelp)": say what was missing instead.
  const usage = error instanceof CommanderError ? (error.code === 'commander.help' ? 'no command given' : error.message.replace(/^error: /, '')) : undefined;
  const message = usage ?? (error instanceof Error ? error.message : String(error));
  if (program.opts().json || argv.includes('--json')) {
    const issues = error instanceof ValidationError ? error.issues : undefined;
    writeOut(`${JSON.stringify(toPlainJson({ ok: false, error: { code: errorCodeFor(error), message, issues } }))}\n`);
  } else {
    writeErr(`cairn: ${message}\n`);
    // After the message (commander's showHelpAfterError would print it before).
    if (usage !== undefined) writeErr('(run with --help for usage)\n');
    if (exitCodeFor(error) === 70 && error instanceof Error && error.stack) writeErr(`${error.stack}\n`);
  }
}
