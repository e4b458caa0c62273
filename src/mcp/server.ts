import { readFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { MCP_WAIT_CAP_MS, boundWait } from '../app/bounded-wait.js';
import type { Operation } from '../app/operation.js';
import { OPERATIONS } from '../app/operations.js';
import { ValidationError } from '../errors.js';
import { errorCodeOf } from '../errors.js';
import { toPlainJson } from '../runtime/json.js';
import type { Runner } from './runner.js';
import { RENDERS } from '../render/operations.js';
import { RESULT_BYTES, fitResult } from './fit.js';
import { OUTPUT_SCHEMAS } from './output-schemas.js';
import { ROLE_PROMPTS } from './prompts.js';
import { registerResources } from './resources.js';
import { FIELD_HINTS, INSTRUCTIONS, TOOL_DESCRIPTIONS, toolName } from './tools.js';

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

/**
 * A result as MCP clients take it: `structuredContent` for programs, and as text what the CLI
 * would print (a line, or a short table), followed by the same JSON for clients that read
 * text only, as the specification asks. Both are bounded by default (fit.ts): the JSON's
 * longest texts are cut when it would not fit a context window, unless the agent asked for
 * more (a limit, or all); the CLI's text is left out when the two together would not fit,
 * or when it is that JSON already.
 */
function success(op: Operation, result: unknown, whole = false): CallToolResult {
  const full = toPlainJson(result) as Record<string, unknown>;
  const plain = whole ? full : fitResult(full);
  const json = JSON.stringify(plain);
  let human: string | undefined;
  try {
    human = RENDERS[op.name]?.(result);
  } catch {
    human = undefined; // a render that cannot read this result: the JSON says it all
  }
  const alongside = !!human && human.trim() !== json && Buffer.byteLength(human) + Buffer.byteLength(json) <= RESULT_BYTES;
  const content: CallToolResult['content'] = alongside ? [{ type: 'text', text: human! }, { type: 'text', text: json }] : [{ type: 'text', text: json }];
  return { content, structuredContent: plain };
}

/** A call that named how much it wants: bounded by default, complete on request. */
const askedForMore = (args: Record<string, unknown>): boolean => args.limit !== undefined || args.all === true;

/** A refusal the agent can act on: the same code and message the CLI gives, as a tool error. */
function failure(error: unknown): CallToolResult {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCodeOf(error);
  const text = code === 'internal' ? `internal error: ${message}` : `${code}: ${message}`;
  return { isError: true, content: [{ type: 'text', text }] };
}

/** Reads that answer the same for the same log; judging twice alike appends nothing the second time. */
const IDEMPOTENT_WRITES = new Set(['judge']);

/** Tools over a runner (one per operation), and a prompt per role. */
export function createMcpServer(runner: Runner): McpServer {
  const server = new McpServer({ name: 'cairn', version: version() }, { instructions: INSTRUCTIONS });
  for (const op of OPERATIONS) {
    const name = toolName(op.name);
    const when = TOOL_DESCRIPTIONS[name];
    server.registerTool(
      name,
      {
        title: op.summary,
        description: when ? `${when} (${op.summary}.)` : `${op.summary}.`,
        inputSchema: toolSchema(op),
        outputSchema: OUTPUT_SCHEMAS[op.name],
        // The log is append-only: no tool destroys anything; reads never change what others see.
        annotations: { readOnlyHint: !op.writes, destructiveHint: false, idempotentHint: !op.writes || IDEMPOTENT_WRITES.has(op.name), openWorldHint: false },
      },
      async (args: Record<string, unknown>, extra: { signal: AbortSignal }) => {
        try {
          if (op.writes && runner.identity === undefined && !runner.remote) {
            const hint = runner.identityHint ?? { field: 'CAIRN_INSTANCE', how: "set it (or pass --as) in this MCP server's configuration" };
            throw new ValidationError([{ field: hint.field, reason: `is required to ${op.name}: ${hint.how}` }]);
          }
          const input = op.name === 'wait' ? boundWait(args, MCP_WAIT_CAP_MS) : args;
          return success(op, await runner.run(op, input, { signal: extra.signal }), askedForMore(args));
        } catch (error) {
          return failure(error);
        }
      },
    );
  }
  registerResources(server, runner);
  for (const prompt of ROLE_PROMPTS) {
    server.registerPrompt(prompt.role, { title: `Work as the ${prompt.role}`, description: prompt.description }, () => ({
      description: prompt.description,
      messages: [{ role: 'user', content: { type: 'text', text: prompt.text } }],
    }));
  }
  return server;
}
