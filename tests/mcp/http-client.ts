import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { TestServer } from '../server/server.js';

/** The SDK's client over Streamable HTTP, as an agent on another machine connects to `cairn serve`. */
export async function connect(server: TestServer, token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', server.url), {
    requestInit: { headers: token ? { Authorization: `Bearer ${token}` } : {} },
  });
  const client = new Client({ name: 'cairn-http-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}
