import { registerCommands } from './commands.js';
import { runProgram } from './run-program.js';

/**
 * The cairn CLI: parses `argv` (as process.argv: node, script, args…), runs one command and
 * sets process.exitCode. Called by main.cts, either from the bundle (the fast path) or from
 * this compiled module directly; see main.cts.
 */
export const main = (argv: string[] = process.argv): Promise<void> => runProgram(registerCommands, argv);
