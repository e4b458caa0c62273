import { readFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { MCP_WAIT_CAP_MS, boundWait } from '../app/bounded-wait.js';
import type { Operation } from '../app/operation.js';
import { OPERATIONS } from '../app/operations.js';
import { ValidationError } from '../errors.js';
import { errorCodeFor } from '../cli/exit-codes.js';
import { toPlainJson } from '../runtime/json.js';
import type { Runner } from './runner.js';
import { FIELD_HINTS, INSTRUCTIONS, TOOL_DESCRIPTIONS, TOOL_NAMES } from './tools.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The tool's input schema as the client sees it: the JSON Schema of the operation's own zod
 * schema (as GET /api/ops gives it), with a hint per field. The SDK would otherwise parse the
 * arguments itself and hand over transformed values (durations as numbers, points as
 * bigints), which cannot be forwarded to a remote server; so the schema it parses with
 * accepts any object, and the operation's schema validates the raw arguments where the
 * operation runs, naming the field at fault.
 */
function toolSchema(op: Operation) {
  const { $schema: _ignored, ...json } = z.toJSONSchema(op.input, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  const properties = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [field, schema] of Object.entries(properties)) {
    if (FIELD_HINTS[field] && schema.description === undefined) schema.description = FIELD_HINTS[field];
  }
  return z.looseObject({}).meta(json);
}

function success(result: unknown): CallToolResult {
  const plain = toPlainJson(result) as Record<string, unknown>;
  return { content: [{ type: 'text', text: JSON.stringify(plain) }], structuredContent: plain };
}

/** A refusal the agent can act on: the same code and message the CLI gives, as a tool error. */
function failure(error: unknown): CallToolResult {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCodeFor(error);
  const text = code === 'internal' ? `internal error: ${message}` : `${code}: ${message}`;
  return { isError: true, content: [{ type: 'text', text }] };
}

/** Tools over a runner: one per coordination operation this build has. */
export function createMcpServer(runner: Runner): McpServer {
  const server = new McpServer({ name: 'cairn', version: version() }, { instructions: INSTRUCTIONS });
  for (const op of OPERATIONS.filter((o) => TOOL_NAMES.includes(o.name))) {
    server.registerTool(
      op.name,
      { description: `${TOOL_DESCRIPTIONS[op.name]} (${op.summary}.)`, inputSchema: toolSchema(op), annotations: { readOnlyHint: !op.writes, openWorldHint: false } },
      async (args: Record<string, unknown>) => {
        try {
          if (op.writes && runner.identity === undefined && !runner.remote) {
            throw new ValidationError([{ field: 'CAIRN_INSTANCE', reason: `is required to ${op.name}: set it (or pass --as) in this MCP server's configuration` }]);
          }
          const input = op.name === 'wait' ? boundWait(args, MCP_WAIT_CAP_MS) : args;
          return success(await runner.run(op, input));
        } catch (error) {
          return failure(error);
        }
      },
    );
  }
  return server;
}
