import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ValidationError } from '../errors.js';
import { identityOf, storeUrlOf, type GlobalOptions } from './context.js';
import { writeErr, writeOut } from './std-streams.js';

/** `cairn mcp`: the coordination tools over the Model Context Protocol (stdio). The SDK loads only when run. */
export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('Serve the coordination tools over the Model Context Protocol on stdio (identity: --as or CAIRN_INSTANCE; remote: CAIRN_URL)')
    .option('--print-config [client]', 'print the configuration an MCP client needs to start this for an agent: claude-code (default), claude-desktop or cursor')
    .action(async (options: { printConfig?: string | true }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      // Identity from --as or CAIRN_INSTANCE; the log from --store / CAIRN_STORE / .cairn upwards, or CAIRN_URL.
      const remote = globals.store ? undefined : process.env.CAIRN_URL || undefined;
      if (options.printConfig === undefined) {
        return (await import('../mcp/stdio.js')).runMcp({ identity: identityOf(globals), remote, storeUrl: () => storeUrlOf(globals) });
      }
      const { CONFIG_FILES, MCP_CLIENTS, mcpConfig } = await import('../mcp/config.js');
      const client = options.printConfig === true ? 'claude-code' : options.printConfig;
      if (!(MCP_CLIENTS as readonly string[]).includes(client)) throw new ValidationError([{ field: '--print-config', reason: `must be one of ${MCP_CLIENTS.join(', ')}` }]);
      const config = mcpConfig(client as (typeof MCP_CLIENTS)[number], {
        node: process.execPath,
        // The entry point this process was started with (dist/src/cli/main.cjs, or the `cairn` link to it).
        cli: resolve(process.argv[1]!),
        ...(remote ? { url: remote, token: process.env.CAIRN_TOKEN || undefined } : { store: storeUrlOf(globals) }),
        instance: identityOf(globals),
      });
      writeErr(`# for ${client}: put this in ${CONFIG_FILES[client as (typeof MCP_CLIENTS)[number]]}\n`);
      writeOut(`${JSON.stringify(config, null, 2)}\n`);
    });
}
