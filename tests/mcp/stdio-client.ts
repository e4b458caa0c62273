import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, tempDir } from '../cli/run.js';

/** The SDK's own client, talking to `cairn mcp` over stdio exactly as an agent's client would. */
export async function connectStdio(env: Record<string, string>): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    env: { ...getDefaultEnvironment(), ...env },
    cwd: tempDir('cairn-mcp-'),
    stderr: 'pipe',
  });
  const client = new Client({ name: 'cairn-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}
