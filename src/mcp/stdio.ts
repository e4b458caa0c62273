import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { RemoteClient, identityFromEnv } from '../client/remote.js';
import { localRunner, remoteRunner } from './runner.js';
import { createMcpServer } from './server.js';

/** Where one agent's MCP server works, as the command line resolved it. */
export interface McpTarget {
  /** The instance it acts as, if any. */
  identity: string | undefined;
  /** A cairn server to use (CAIRN_URL), with CAIRN_TOKEN or the token its join saves. */
  remote: string | undefined;
  /** The local log otherwise, resolved when first needed. */
  storeUrl: () => string;
}

/**
 * `cairn mcp`: the MCP server on stdin/stdout, for one agent. Stdout carries the protocol:
 * nothing else may be written there.
 */
export async function runMcp({ identity, remote, storeUrl }: McpTarget): Promise<void> {
  const runner = remote ? remoteRunner(new RemoteClient(remote, identityFromEnv(identity)), identity) : localRunner(storeUrl, identity);
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
