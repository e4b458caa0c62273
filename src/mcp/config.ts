import { isAbsolute, resolve } from 'node:path';

/**
 * What an MCP client needs to start cairn for an agent, in the shape each client reads: the
 * `mcpServers` object of Claude Code's `.mcp.json`, Claude Desktop's
 * `claude_desktop_config.json` and Cursor's `.cursor/mcp.json`. Paths are absolute, so the
 * client can start it from anywhere. Against a server, the entry is Streamable HTTP with the
 * instance's token instead of a command.
 */

export const MCP_CLIENTS = ['claude-code', 'claude-desktop', 'cursor'] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];

export interface ConfigInput {
  /** The node binary and cairn's entry point. */
  node: string;
  cli: string;
  /** A local log (path or URL), or a cairn server. */
  store?: string;
  url?: string;
  /** The instance the agent acts as; a placeholder when not given. */
  instance?: string;
  token?: string;
}

const storeValue = (store: string): string => (/^[a-z][a-z0-9+.-]*:/i.test(store) || isAbsolute(store) ? store : resolve(store));

export function mcpConfig(client: McpClient, input: ConfigInput): { mcpServers: Record<string, unknown> } {
  const instance = input.instance ?? '<instance-id, e.g. ada>';
  if (input.url) {
    const url = new URL('/mcp', input.url).href;
    const headers = { Authorization: `Bearer ${input.token ?? '<token from `cairn token --as ID` where the log is>'}` };
    // Claude Code and Cursor speak Streamable HTTP themselves; Claude Desktop starts a local bridge.
    const entry =
      client === 'claude-desktop'
        ? { command: input.node, args: [input.cli, 'mcp'], env: { CAIRN_URL: input.url, CAIRN_INSTANCE: instance, CAIRN_TOKEN: headers.Authorization.slice('Bearer '.length) } }
        : { type: 'http', url, headers };
    return { mcpServers: { cairn: entry } };
  }
  const env: Record<string, string> = { CAIRN_INSTANCE: instance };
  if (input.store) env.CAIRN_STORE = storeValue(input.store);
  return { mcpServers: { cairn: { ...(client === 'claude-code' ? { type: 'stdio' } : {}), command: input.node, args: [input.cli, 'mcp'], env } } };
}

/** Where each client reads it. */
export const CONFIG_FILES: Record<McpClient, string> = {
  'claude-code': '.mcp.json in the project (or: claude mcp add-json cairn \'<the cairn entry>\')',
  'claude-desktop': 'claude_desktop_config.json (Settings > Developer > Edit Config)',
  cursor: '.cursor/mcp.json in the project, or ~/.cursor/mcp.json',
};
