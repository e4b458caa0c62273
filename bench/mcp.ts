import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sized, type Benchmark, type Figure } from './support/figure.js';
import { fmt, median, percentile } from './support/stats.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.cjs');

/** Times `calls` calls of each tool, one after another, as an agent makes them. */
async function latencies(client: Client, calls: number): Promise<Record<string, number[]>> {
  const tools: [string, Record<string, unknown>][] = [['status', {}], ['inbox', {}], ['tasks', {}], ['say', { body: 'progress note', to: 'all' }]];
  const out: Record<string, number[]> = {};
  for (const [name, args] of tools) {
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      const result = await client.callTool({ name, arguments: args });
      times.push(performance.now() - start);
      if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
    }
    out[name] = times;
  }
  return out;
}

/**
 * An agent's tool call over MCP, on stdio (`cairn mcp`) and over Streamable HTTP (`cairn serve`'s
 * /mcp), each call timed from the SDK client's request to its answer: p50 and p99, beside the
 * same command run as a CLI process (what an agent without MCP pays per call).
 */
export const mcpBenchmark: Benchmark = {
  name: 'mcp',
  description: 'tool-call latency p50/p99 over stdio and Streamable HTTP, beside the CLI',
  async run(ctx) {
    const calls = sized(ctx, 300, 30, 10);
    const dir = join(ctx.dir, 'mcp');
    mkdirSync(dir, { recursive: true });
    const store = join(dir, '.cairn', 'log.db');
    const env = { ...process.env, CAIRN_STORE: store, CAIRN_URL: '', CAIRN_TOKEN: '' };
    const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, env, encoding: 'utf8' });
    cli(['init']);
    cli(['join', '--role', 'explorer', '--as', 'ada']);
    const token = cli(['token', '--as', 'ada', '--json']).stdout;
    const bearer = (JSON.parse(token) as { token: string }).token;

    const stdio = new Client({ name: 'bench', version: '1.0.0' });
    await stdio.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], env: { ...getDefaultEnvironment(), CAIRN_STORE: store, CAIRN_INSTANCE: 'ada' } }));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { cwd: dir, env, stdio: 'ignore' });
    const figures: Figure[] = [];
    try {
      const viaStdio = await latencies(stdio, calls);
      let http: Client | undefined;
      for (let i = 0; i < 200 && !http; i++) {
        try {
          const client = new Client({ name: 'bench', version: '1.0.0' });
          await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${bearer}` } } }));
          http = client;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      if (!http) throw new Error('cairn serve did not answer on /mcp');
      const viaHttp = await latencies(http, calls);
      await http.close();
      const process_ = [0, 1, 2, 3, 4].map(() => {
        const start = performance.now();
        cli(['status', '--as', 'ada']);
        return performance.now() - start;
      });
      const cliMs = median(process_);
      for (const [transport, times] of [['stdio', viaStdio], ['http', viaHttp]] as const) {
        for (const [tool, samples] of Object.entries(times)) {
          const p50 = percentile(samples, 50);
          const p99 = percentile(samples, 99);
          ctx.log(`mcp ${transport} ${tool}: p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms (cairn status as a process: ${fmt(cliMs)} ms)`);
          figures.push({
            id: `mcp.${transport}.${tool}`,
            name: `MCP ${tool} over ${transport === 'stdio' ? 'stdio' : 'Streamable HTTP'}, p50 of ${samples.length} calls (p99 in details)`,
            value: p50,
            unit: 'ms',
            baseline: { name: 'cairn status as a CLI process (median of 5)', value: cliMs, unit: 'ms' },
            ratio: p50 / cliMs,
            target: '(no target: the issue asks to keep stdio near 1 ms)',
            met: null,
            command: 'npm run bench -- --only mcp',
            details: { p99, samples: samples.length },
          });
        }
      }
    } finally {
      await stdio.close();
      server.kill();
      await once(server, 'exit');
    }
    return figures;
  },
};
