import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExit } from '../cli/run.js';
import { joinAs, testServer, type TestServer } from '../server/server.js';
import { call, everyTool, text } from './every-tool.js';
import { connect } from './http-client.js';

describe('every tool over Streamable HTTP', () => {
  it('can be called, each as the instance of its token', async () => {
    const server = await testServer();
    try {
      const [ada, bo, cy] = await Promise.all(
        (await Promise.all([['ada', 'explorer'], ['bo', 'builder'], ['cy', 'reflector']].map(([id, role]) => joinAs(server, id!, role!)))).map((token) => connect(server, token)),
      );
      try {
        await Promise.all([ada, bo, cy].map((c) => c.listTools()));
        await everyTool({ ada, bo, cy });
      } finally {
        await Promise.all([ada, bo, cy].map((c) => c.close()));
      }
    } finally {
      await server.stop();
    }
  });
});

describe('MCP over Streamable HTTP at /mcp', () => {
  let server: TestServer;
  let adaToken: string;
  let boToken: string;

  beforeAll(async () => {
    server = await testServer();
    adaToken = await joinAs(server, 'ada', 'explorer');
    boToken = await joinAs(server, 'bo', 'builder');
  });
  afterAll(() => server?.stop());

  it('acts as the instance its Bearer token names, with the same tools as stdio', async () => {
    const ada = await connect(server, adaToken);
    try {
      const { tools } = await ada.listTools();
      expect(tools.length).toBe(29);
      const found = await call(ada, 'find', { summary: 'Retries ignore the Retry-After header', topic: 'uploads', id: 'f-http' });
      expect(found.isError, text(found)).toBeFalsy();
      expect((found.structuredContent as { events: { metadata: { instanceId: string } }[] }).events[0]!.metadata.instanceId).toBe('ada');
      // Nothing in the arguments can name another instance.
      const posing = await call(ada, 'find', { summary: 'as bo', instanceId: 'bo' });
      expect(posing.isError).toBe(true);
      const refused = await call(ada, 'claim', { task: 't-nope' });
      expect(text(refused)).toMatch(/^unknown_task: /);
    } finally {
      await ada.close();
    }
  });

  it('reads without a token, and a write without one says how to authenticate', async () => {
    const nobody = await connect(server);
    try {
      expect((await call(nobody, 'status')).isError).toBeFalsy();
      const write = await call(nobody, 'say', { body: 'hello', to: 'all' });
      expect(write.isError).toBe(true);
      expect(text(write)).toMatch(/Authorization: is required to say: connect with "Authorization: Bearer <token>"/);
    } finally {
      await nobody.close();
    }
  });

  it('refuses a bad token, and a session carried on with another instance\'s token', async () => {
    await expect(connect(server, 'not-a-real-token-at-all-000000000000000000')).rejects.toThrow(/401|invalid_token|unknown token/i);
    const ada = await connect(server, adaToken);
    try {
      const sessionId = (ada as unknown as { _transport: { sessionId: string } })._transport.sessionId;
      const hijack = await fetch(new URL('/mcp', server.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${boToken}`, 'mcp-session-id': sessionId, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'say', arguments: { body: 'as ada?', to: 'all' } } }),
      });
      expect(hijack.status).toBe(403);
    } finally {
      await ada.close();
    }
  });

  it('tells a subscriber when a process on the server machine appends', async () => {
    const bo = await connect(server, boToken);
    try {
      const updated: string[] = [];
      bo.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
      await bo.subscribeResource({ uri: 'cairn://inbox' });
      expectExit(await server.local(['say', 'look at the retry loop', '--to', 'bo', '--as', 'ada']), 0);
      for (let i = 0; i < 100 && !updated.includes('cairn://inbox'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(updated).toContain('cairn://inbox');
      const inbox = JSON.parse(((await bo.readResource({ uri: 'cairn://inbox' })).contents[0] as { text: string }).text) as { instanceId: string; messages: { body: string }[] };
      expect(inbox.instanceId).toBe('bo');
      expect(inbox.messages.map((m) => m.body)).toContain('look at the retry loop');
    } finally {
      await bo.close();
    }
  });
});
