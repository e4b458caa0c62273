#!/usr/bin/env node
/**
 * Several agents' MCP sessions against one log, as their clients would open them: each is
 * `cairn mcp` started with its own CAIRN_INSTANCE, driven here by the official SDK client
 * instead of a model. An explorer and a builder work the same question from their own
 * angles, a reflector is told of their findings through a resource subscription and
 * synthesizes, and the coordinator reads the board.
 *
 *   npm run build && node examples/agents-over-mcp.mjs [LOG]     (default: a fresh temporary log)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const cli = fileURLToPath(new URL('../dist/src/cli/main.cjs', import.meta.url));
const store = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), 'cairn-agents-')), 'log.db');

async function agent(instance) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp'], env: { ...getDefaultEnvironment(), CAIRN_STORE: store, CAIRN_INSTANCE: instance } });
  const client = new Client({ name: `agent-${instance}`, version: '1.0.0' });
  await client.connect(transport);
  const call = async (name, args = {}) => {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${instance} ${name}: ${result.content[0].text}`);
    console.log(`${instance} ${name}: ${result.content[0].text.split('\n')[0]}`);
    return result.structuredContent;
  };
  return { client, call };
}

// The first session creates the log when it does not exist yet.
const { spawnSync } = await import('node:child_process');
spawnSync(process.execPath, [cli, 'init', '--store', store], { stdio: 'ignore' });

const [ada, bo, cy, dee] = await Promise.all(['ada', 'bo', 'cy', 'dee'].map(agent));
await ada.call('join', { role: 'explorer' });
await bo.call('join', { role: 'builder' });
await cy.call('join', { role: 'reflector' });
await dee.call('join', { role: 'coordinator' });

// The reflector keeps the findings open and is told when they change.
let told = 0;
cy.client.setNotificationHandler(ResourceUpdatedNotificationSchema, () => void told++);
await cy.client.subscribeResource({ uri: 'cairn://findings' });

const { questionId } = await cy.call('ask', { text: 'Why do uploads stall under load?' });
await ada.call('find', { summary: 'Uploads stall because retries ignore the Retry-After header and hammer the server', topic: 'uploads', question: questionId });
const advice = await bo.call('advise', { text: 'Build a load test for the upload retry path' });
console.log(`bo is advised to ${advice.decision}`);
const { taskId } = await bo.call('propose', { title: 'Load test for the upload retry path', tags: ['uploads'] });
await bo.call('claim', { task: taskId, lease: '30m' });
await bo.call('find', { summary: 'Under load the client ignores Retry-After and retries at once, so uploads stall', topic: 'uploads', question: questionId });
await bo.call('complete', { task: taskId, outcome: 'bench/upload-retry.ts' });

await new Promise((r) => setTimeout(r, 300));
console.log(`cy was told ${told} time(s) that the findings changed`);
const { findings } = await cy.call('findings', { question: questionId });
await cy.call('synthesize', { summary: 'Explorer and builder agree from two angles: honouring Retry-After is the fix', integrates: findings.map((f) => f.findingId), question: questionId });
await cy.call('convergence');
await dee.call('status');

await Promise.all([ada, bo, cy, dee].map((a) => a.client.close()));
console.log(`the log: ${store}`);
