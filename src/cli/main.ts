#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ValidationError } from '../errors.js';
import { toPlainJson } from '../runtime/json.js';
import { errorCodeFor, exitCodeFor } from './exit-codes.js';
import { registerCommands } from './commands.js';

const program = new Command('cairn')
  .description('An event-sourced coordination log for AI agents working on one body of work at once.')
  .option('--as <instance>', 'who you are (default: $CAIRN_INSTANCE)')
  .option('--store <url>', 'the log: a file path, memory:, or kurrentdb://host:2113?tls=false (default: $CAIRN_STORE, or .cairn/log.db found upwards)')
  .option('--json', 'print one JSON object (NDJSON for streams) instead of text')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: () => undefined });

registerCommands(program);
for (const command of program.commands) command.exitOverride().configureOutput({ outputError: () => undefined });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
  if (!(error instanceof CommanderError && error.exitCode === 0)) report(error);
}

function report(error: unknown): void {
  const message = error instanceof CommanderError ? error.message.replace(/^error: /, '') : error instanceof Error ? error.message : String(error);
  if (program.opts().json || process.argv.includes('--json')) {
    const issues = error instanceof ValidationError ? error.issues : undefined;
    process.stdout.write(`${JSON.stringify(toPlainJson({ ok: false, error: { code: errorCodeFor(error), message, issues } }))}\n`);
  } else {
    process.stderr.write(`cairn: ${message}\n`);
    if (exitCodeFor(error) === 70 && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
}
