import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import type { App } from '../app/app.js';
import { runRecorded } from '../app/exposure.js';
import { watchLog, type Runner } from '../mcp/runner.js';
import { createMcpServer } from '../mcp/server.js';
import { callerOf } from './auth.js';
import { DomainError } from '../errors.js';
import { HttpError } from './errors.js';
import { admitRoleChange } from './join-route.js';
import type { AccessPolicy } from './policy.js';
import type { TokenStore } from './tokens.js';
import { parseInput } from '../app/operation.js';

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  instanceId: string | undefined;
}

/**
 * MCP over Streamable HTTP at `/mcp`: the same tools, resources and prompts as `cairn mcp`,
 * for an agent on another machine. The identity comes from the Bearer token, as for the
 * HTTP API: a session is opened as the token's instance (or as nobody, for reads) and every
 * later request of the session must carry a token of the same instance.
 */
export function mcpRoutes(app: App, tokens: TokenStore, policy: AccessPolicy): { routes: Hono; close(): Promise<void> } {
  const sessions = new Map<string, Session>();
  const routes = new Hono();

  routes.all('/mcp', async (c) => {
    const { instanceId } = callerOf(c, tokens, false);
    const id = c.req.header('mcp-session-id');
    if (id !== undefined) {
      const session = sessions.get(id);
      if (!session) throw new HttpError(404, 'unknown_session', 'no such MCP session (it ended, or the server restarted): initialize a new one');
      if (session.instanceId !== instanceId) throw new HttpError(403, 'wrong_instance', 'this MCP session belongs to another token: send the token it was opened with');
      return session.transport.handleRequest(c.req.raw);
    }
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, { transport, instanceId }),
      onsessionclosed: (sessionId) => void sessions.delete(sessionId),
    });
    const server = createMcpServer(sessionRunner(app, policy, instanceId));
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close().catch(() => undefined);
    };
    await server.connect(transport);
    return transport.handleRequest(c.req.raw);
  });

  return {
    routes,
    async close() {
      await Promise.all([...sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
      sessions.clear();
    },
  };
}

/** The server's own log, as the session's instance. */
function sessionRunner(app: App, policy: AccessPolicy, instanceId: string | undefined): Runner {
  return {
    identity: instanceId,
    remote: false,
    identityHint: { field: 'Authorization', how: 'connect with "Authorization: Bearer <token>" (`cairn token --as ID` where the log is, or POST /api/join, issues one)' },
    async run(op, input, context) {
      const parsed = parseInput(op, input);
      // An MCP client cannot present an invitation: a restricted role is taken with `cairn join`.
      if (op.name === 'join' && instanceId !== undefined) {
        // A refusal is the tool's error with the same code the HTTP route gives.
        await admitRoleChange(app, policy, instanceId, (parsed as { role: string }).role, undefined).catch((error: unknown) => {
          throw error instanceof HttpError ? new DomainError(error.message, error.code) : error;
        });
      }
      return runRecorded(app, op, parsed, { instanceId }, context);
    },
    watch: (onEvent) => watchLog(async () => app, onEvent),
    close: async () => undefined,
  };
}
