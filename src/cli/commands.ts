import type { Command } from 'commander';
import { addOperation } from './bridge.js';
import { OPERATION_COMMANDS } from './operation-commands.js';
import { registerLogCommands } from './log-commands.js';
import { registerInit } from './init.js';
import { registerDemo } from './demo.js';

/** Every `cairn` subcommand, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerInit(program);
  for (const spec of OPERATION_COMMANDS) addOperation(program, spec);
  registerLogCommands(program);
  registerDemo(program);
}
