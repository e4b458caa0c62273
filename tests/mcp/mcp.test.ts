import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectExit, tempDir, workspace, type Workspace } from '../cli/run.js';
import { testServer, type TestServer } from '../server/server.js';
import { call, everyTool, ok, text } from './every-tool.js';
import { connectStdio } from './stdio-client.js';

const TOOLS = [
  'join', 'leave', 'propose', 'claim', 'renew', 'release', 'complete', 'abandon', 'tasks', 'ask', 'close_question', 'questions', 'find', 'findings',
  'say', 'inbox', 'sync', 'synthesize', 'wait', 'status', 'activity', 'replay', 'log', 'convergence', 'judge', 'health', 'advise', 'hook', 'search',
];

describe('cairn mcp on a local log', () => {
  let ws: Workspace;
  let ada: Client;
  let bo: Client;

  beforeAll(async () => {
    ws = await workspace();
    [ada, bo] = await Promise.all([
      connectStdio({ CAIRN_STORE: ws.store, CAIRN_INSTANCE: 'ada' }),
      connectStdio({ CAIRN_STORE: ws.store, CAIRN_INSTANCE: 'bo' }),
    ]);
    // Once it has the tools' output schemas, the SDK's client checks every structuredContent against them.
    await Promise.all([ada.listTools(), bo.listTools()]);
  });
  afterAll(async () => {
    await Promise.all([ada?.close(), bo?.close()]);
  });

  it('lists the coordination tools, each with a description and a JSON Schema of its input', async () => {
    const { tools } = await ada.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    for (const tool of tools) {
      expect(tool.description!.length, tool.name).toBeGreaterThan(60);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    const claim = tools.find((t) => t.name === 'claim')!;
    expect(claim.description).toMatch(/claim a task before working on it/i);
    expect(claim.inputSchema.required).toEqual(['task']);
    expect((claim.inputSchema.properties as Record<string, { description?: string }>).lease!.description).toContain('30m');
    expect(tools.find((t) => t.name === 'status')!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true, destructiveHint: false });
    expect(tools.find((t) => t.name === 'claim')!.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: false, destructiveHint: false });
    expect(ada.getInstructions()).toContain('opt-in');
  });

  it('every tool can be called, and acts as the configured instance', async () => {
    const cy = await connectStdio({ CAIRN_STORE: ws.store, CAIRN_INSTANCE: 'cy' });
    try {
      await cy.listTools();
      await everyTool({ ada, bo, cy });
    } finally {
      await cy.close();
    }
    const events = await ws.events();
    expect(new Set(events.map((e) => e.metadata.instanceId))).toEqual(new Set(['ada', 'bo', 'cy']));
  });

  it('reports refusals and bad input as tool errors that name the problem', async () => {
    const taken = await call(bo, 'claim', { task: 't-nope' });
    expect(taken.isError).toBe(true);
    expect(text(taken)).toMatch(/^unknown_task: /);
    const bad = await call(bo, 'claim', { task: 't-nope', lease: 'forever' });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/^invalid_input: lease: /);
    const extra = await call(bo, 'find', { summary: 'x', instanceId: 'ada' });
    expect(extra.isError).toBe(true);
    expect(text(extra)).toContain('instanceId');
    const unknownTool = await call(bo, 'rm-rf');
    expect(unknownTool.isError).toBe(true);
  });

  it('bounds wait and reports its timeout as a tool error', async () => {
    const started = Date.now();
    const waited = await call(bo, 'wait', { message: true, timeout: '300ms' });
    expect(waited.isError).toBe(true);
    expect(text(waited)).toMatch(/^timeout: timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('without an identity, a write says how to configure one', async () => {
    const anonymous = await connectStdio({ CAIRN_STORE: ws.store });
    try {
      const result = await call(anonymous, 'join', { role: 'explorer' });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('CAIRN_INSTANCE');
      ok(await call(anonymous, 'status'));
    } finally {
      await anonymous.close();
    }
  });
});

describe('cairn mcp --print-config', () => {
  it('prints a client configuration that starts a working server, for each client and for a remote log', async () => {
    const ws = await workspace();
    const printed = await ws.run(['mcp', '--print-config', '--as', 'ada']);
    expectExit(printed, 0);
    expect(printed.stderr).toContain('.mcp.json');
    const entry = (JSON.parse(printed.stdout) as { mcpServers: { cairn: { type: string; command: string; args: string[]; env: Record<string, string> } } }).mcpServers.cairn;
    expect(entry).toMatchObject({ type: 'stdio', command: process.execPath, env: { CAIRN_INSTANCE: 'ada', CAIRN_STORE: ws.store } });
    expect(entry.args).toEqual([CLI, 'mcp']);
    // What the client would start, started: it serves the tools as ada.
    const client = new Client({ name: 'from-config', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...getDefaultEnvironment(), ...entry.env }, cwd: tempDir('cairn-elsewhere-') }));
    try {
      expect(ok(await call(client, 'join', { role: 'explorer' }))).toMatchObject({ instanceId: 'ada' });
    } finally {
      await client.close();
    }
    const desktop = JSON.parse((await ws.run(['mcp', '--print-config', 'claude-desktop', '--as', 'ada'])).stdout) as { mcpServers: { cairn: Record<string, unknown> } };
    expect(desktop.mcpServers.cairn).not.toHaveProperty('type');
    const remote = await ws.run(['mcp', '--print-config', 'cursor', '--as', 'ada'], { env: { CAIRN_URL: 'http://10.0.0.5:4747', CAIRN_TOKEN: 'tok' } });
    expect(JSON.parse(remote.stdout)).toEqual({ mcpServers: { cairn: { type: 'http', url: 'http://10.0.0.5:4747/mcp', headers: { Authorization: 'Bearer tok' } } } });
    const bad = await ws.run(['mcp', '--print-config', 'vim']);
    expectExit(bad, 2);
    expect(bad.stderr).toContain('--print-config: must be one of claude-code, claude-desktop, cursor');
  });
});

describe('cairn mcp prompts and resources', () => {
  it('offers a prompt per role, carrying the role\'s part in the philosophy', async () => {
    const ws = await workspace();
    const ada = await connectStdio({ CAIRN_STORE: ws.store, CAIRN_INSTANCE: 'ada' });
    try {
      const { prompts } = await ada.listPrompts();
      expect(prompts.map((p) => p.name).sort()).toEqual(['builder', 'coordinator', 'explorer', 'reflector']);
      const coordinator = await ada.getPrompt({ name: 'coordinator' });
      const body = (coordinator.messages[0]!.content as { text: string }).text;
      expect(body).toMatch(/facilitate; you do not direct/);
      expect(body).toMatch(/Do not: assign tasks/);
      expect(body).toMatch(/opt-in/);
    } finally {
      await ada.close();
    }
  });

  it('reads the board, tasks, findings and inbox as resources, and tells a subscriber when another process changes one', async () => {
    const ws = await workspace();
    expectExit(await ws.as('ada', ['join', '--role', 'explorer']), 0);
    expectExit(await ws.as('ada', ['find', 'Retries ignore Retry-After', '--topic', 'uploads', '--id', 'f-1']), 0);
    const bo = await connectStdio({ CAIRN_STORE: ws.store, CAIRN_INSTANCE: 'bo' });
    try {
      ok(await call(bo, 'join', { role: 'builder' }));
      const { resources } = await bo.listResources();
      expect(resources.map((r) => r.uri).sort()).toEqual(['cairn://board', 'cairn://findings', 'cairn://health', 'cairn://inbox', 'cairn://tasks']);
      const { resourceTemplates } = await bo.listResourceTemplates();
      expect(resourceTemplates.map((r) => r.uriTemplate).sort()).toEqual(['cairn://findings/question/{question}', 'cairn://findings/topic/{topic}']);
      const json = async (uri: string) => JSON.parse(((await bo.readResource({ uri })).contents[0] as { text: string }).text) as Record<string, any>;
      expect((await json('cairn://findings/topic/uploads')).findings.map((f: { findingId: string }) => f.findingId)).toEqual(['f-1']);
      expect((await json('cairn://findings/topic/other')).findings).toEqual([]);
      expect(await json('cairn://board')).toHaveProperty('counts');
      // Reading a resource records what it showed, as a tool call does.
      expect((await ws.events()).some((e) => e.type === 'ContentShown' && (e.data as { instanceId?: string }).instanceId === 'bo')).toBe(true);

      const updated: string[] = [];
      bo.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
      await bo.subscribeResource({ uri: 'cairn://inbox' });
      await bo.subscribeResource({ uri: 'cairn://tasks' });
      expectExit(await ws.as('ada', ['say', 'the retry loop ignores Retry-After', '--to', 'bo']), 0);
      for (let i = 0; i < 100 && !updated.includes('cairn://inbox'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(updated).toContain('cairn://inbox');
      // A message changes no task: the tasks subscriber hears nothing of it.
      expect(updated).not.toContain('cairn://tasks');
      expect((await json('cairn://inbox')).messages.map((m: { body: string }) => m.body)).toEqual(['the retry loop ignores Retry-After']);
    } finally {
      await bo.close();
    }
  });
});

describe('cairn mcp records what its reads show', () => {
  it('a restatement after reading a message over MCP is an echo naming the tool', async () => {
    const ws = await workspace();
    const [ada, bo] = await Promise.all([connectStdio({ CAIRN_STORE: ws.store, CAIRN_INSTANCE: 'ada' }), connectStdio({ CAIRN_STORE: ws.store, CAIRN_INSTANCE: 'bo' })]);
    try {
      ok(await call(ada, 'join', { role: 'explorer' }));
      ok(await call(bo, 'join', { role: 'builder' }));
      ok(await call(ada, 'find', { summary: 'Without a busy_timeout, a second SQLite writer gets SQLITE_BUSY immediately instead of waiting.', id: 'f-a' }));
      ok(await call(ada, 'say', { body: 'writers fail fast without a busy timeout', to: 'bo', id: 'm-1' }));
      ok(await call(bo, 'inbox'));
      const restated = ok(await call(bo, 'find', { summary: 'A second SQLite writer without a busy_timeout gets SQLITE_BUSY immediately rather than waiting.', id: 'f-b' }));
      expect(restated.converges).toEqual([]);
      expect(restated.echoes.map((e: { other: { findingId: string }; reason: string }) => [e.other.findingId, e.reason])).toEqual([
        ['f-a', expect.stringMatching(/^echo: bo was shown ada's message m-1 by `inbox` \(at \d+\), which ada wrote after finding f-a, before recording f-b$/)],
      ]);
    } finally {
      await Promise.all([ada.close(), bo.close()]);
    }
  });
});

describe('cairn mcp against CAIRN_URL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(() => server?.stop());

  it('joins (keeping the token it is issued) and then writes as that instance', async () => {
    const home = join(tempDir(), 'config');
    const env = { CAIRN_URL: server.url, CAIRN_INSTANCE: 'eve', XDG_CONFIG_HOME: home };
    const eve = await connectStdio(env);
    try {
      const joined = ok(await call(eve, 'join', { role: 'explorer' }));
      expect(joined.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(ok(await call(eve, 'find', { summary: 'Found over HTTP' })).events[0].metadata.instanceId).toBe('eve');
      const refused = await call(eve, 'claim', { task: 't-nope' });
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/^unknown_task: /);
    } finally {
      await eve.close();
    }
    // A new session of the same agent finds its saved token.
    const again = await connectStdio(env);
    try {
      expect(ok(await call(again, 'join', { role: 'explorer' }))).toMatchObject({ instanceId: 'eve', changed: false });
      ok(await call(again, 'say', { body: 'back again', to: 'all' }));
    } finally {
      await again.close();
    }
  });
});
