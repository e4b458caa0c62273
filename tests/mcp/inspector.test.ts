import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, workspace } from '../cli/run.js';

/**
 * A client that is not ours: the MCP Inspector's CLI mode (@modelcontextprotocol/inspector,
 * pinned at 0.15.0, the last line that runs on Node 20; its standalone inspector-cli package
 * cannot start outside the inspector's own repository) starts `cairn mcp`, lists the tools
 * and calls one.
 */
const INSPECTOR = fileURLToPath(new URL('../../node_modules/.bin/mcp-inspector', import.meta.url));
const run = promisify(execFile);

describe('the MCP Inspector talks to cairn mcp', () => {
  it('lists every tool and calls join and status', async () => {
    const ws = await workspace();
    const inspector = async (...args: string[]) => {
      const { stdout } = await run(INSPECTOR, ['--cli', '-e', `CAIRN_STORE=${ws.store}`, '-e', 'CAIRN_INSTANCE=ada', process.execPath, CLI, 'mcp', ...args], { timeout: 60_000 });
      return JSON.parse(stdout) as Record<string, any>;
    };
    const { tools } = await inspector('--method', 'tools/list');
    expect(tools).toHaveLength(29);
    expect(tools.map((t: { name: string }) => t.name)).toContain('close_question');
    const joined = await inspector('--method', 'tools/call', '--tool-name', 'join', '--tool-arg', 'role=explorer');
    expect(joined.isError).toBeFalsy();
    expect(joined.content[0].text).toBe('ada joined as explorer');
    expect(joined.structuredContent).toMatchObject({ instanceId: 'ada', role: 'explorer', changed: true });
    const status = await inspector('--method', 'tools/call', '--tool-name', 'status');
    expect(status.structuredContent.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual(['ada']);
    const prompts = await inspector('--method', 'prompts/list');
    expect(prompts.prompts.map((p: { name: string }) => p.name).sort()).toEqual(['builder', 'coordinator', 'explorer', 'reflector']);
  }, 120_000);
});
