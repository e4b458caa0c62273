import type { Command } from 'commander';
import type { GlobalOptions } from './context.js';

/** `cairn mcp`: the coordination tools over the Model Context Protocol (stdio). The SDK loads only when run. */
export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('Serve the coordination tools over the Model Context Protocol on stdio (identity: --as or CAIRN_INSTANCE; remote: CAIRN_URL)')
    .action(async (_options: unknown, command: Command) => (await import('../mcp/stdio.js')).runMcp(command.optsWithGlobals<GlobalOptions>()));
}
