import { registerHook } from './hook.js';
import { runProgram } from './run-program.js';

/**
 * The CLI with only `cairn hook`: an agent's hooks run it every turn, so it has a bundle of its
 * own (scripts/bundle-cli.mjs) that loads what the hook needs and nothing of the other commands.
 */
export const main = (argv: string[] = process.argv): Promise<void> => runProgram(registerHook, argv);
