import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { RemoteClient, identityFromEnv } from '../client/remote.js';
import { identityOf, storeUrlOf, type GlobalOptions } from '../cli/context.js';
import { localRunner, remoteRunner } from './runner.js';
import { createMcpServer } from './server.js';

/**
 * `cairn mcp`: the MCP server on stdin/stdout, for one agent. Identity from --as or
 * CAIRN_INSTANCE; the log from --store / CAIRN_STORE / .cairn upwards, or CAIRN_URL (with
 * CAIRN_TOKEN, or the token its join saves). Stdout carries the protocol: nothing else may
 * be written there.
 */
export async function runMcp(globals: GlobalOptions): Promise<void> {
  const identity = identityOf(globals);
  const url = globals.store ? undefined : process.env.CAIRN_URL || undefined;
  const runner = url
    ? remoteRunner(new RemoteClient(url, identityFromEnv(identity)), identity)
    : localRunner(() => storeUrlOf(globals), identity);
  const server = createMcpServer(runner);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
  await runner.close();
}
