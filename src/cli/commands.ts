import type { Command } from 'commander';
import { addOperation } from './bridge.js';
import { OPERATION_COMMANDS } from './operation-commands.js';
import { registerLogCommands } from './log-commands.js';
import { registerInit } from './init.js';
import { registerDemo } from './demo.js';
import { registerHook } from './hook.js';
import { registerServe } from './serve.js';
import { registerMcp } from './mcp.js';
import { registerToken } from './token.js';
import { registerInvite } from './invite.js';
import { registerMigrate } from './migrate.js';

/**
 * The commands agents call many times a session. The fast-path bundle (launch.cts) serves
 * exactly these, and is checked on them when it is built.
 */
export function registerCoreCommands(program: Command): void {
  registerInit(program);
  for (const spec of OPERATION_COMMANDS) addOperation(program, spec);
  registerLogCommands(program);
  registerHook(program);
  registerDemo(program);
}

/**
 * Every `cairn` subcommand, in the order `--help` lists them: one line per other command.
 * Every command pays for what its module loads at start-up, so keep registration light and
 * import heavy implementations (HTTP server, MCP SDK, gRPC) inside the action:
 *   .action(async (...args) => (await import('./serve-run.js')).serve(...args))
 * Such lazily imported code is left out of the CLI's fast-path bundle, and these commands
 * run unbundled (see launch.cts); core commands must not import lazily from src/cli.
 */
export function registerCommands(program: Command): void {
  registerCoreCommands(program);
  registerServe(program);
  registerMcp(program);
  registerToken(program);
  registerInvite(program);
  registerMigrate(program);
}
