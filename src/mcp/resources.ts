import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { EventType, StoredEvent } from '../../events/index.js';
import type { Operation } from '../app/operation.js';
import { operationNamed } from '../app/operations.js';
import { toPlainJson } from '../runtime/json.js';
import { fitResult } from './fit.js';
import type { Runner } from './runner.js';

/**
 * The read models an agent can keep open as MCP resources: the board, the tasks, findings
 * (all, per topic, per question), its inbox and the health report. Each is the operation of
 * the same name, read as the configured instance (so it records what it showed, as every
 * read does). A client that subscribes is told when the log gains an event that can change
 * one: new messages reach an agent without polling.
 */

interface ResourceSpec {
  name: string;
  /** A URI, or a template with {variables} that become the operation's input. */
  uri: string;
  description: string;
  operation: string;
  input?: Record<string, unknown>;
  /** The events that can change it; undefined: any event. */
  changedBy?: readonly EventType[];
}

const TASK_EVENTS: EventType[] = ['TaskProposed', 'TaskClaimed', 'ClaimRenewed', 'ClaimReleased', 'TaskCompleted', 'TaskAbandoned'];
const FINDING_EVENTS: EventType[] = ['FindingRecorded', 'SynthesisPublished'];

export const RESOURCES: ResourceSpec[] = [
  { name: 'board', uri: 'cairn://board', description: "The coordinator's board: counts, who holds what, stale leases, open tasks and questions, unjudged convergences, suggestions", operation: 'status' },
  { name: 'tasks', uri: 'cairn://tasks', description: 'Open and claimed tasks, newest first', operation: 'tasks', changedBy: TASK_EVENTS },
  { name: 'findings', uri: 'cairn://findings', description: 'The newest findings and syntheses', operation: 'findings', changedBy: FINDING_EVENTS },
  { name: 'findings-on-topic', uri: 'cairn://findings/topic/{topic}', description: 'The newest findings on one topic', operation: 'findings', changedBy: FINDING_EVENTS },
  { name: 'findings-on-question', uri: 'cairn://findings/question/{question}', description: 'The findings and syntheses that answer one question', operation: 'findings', changedBy: FINDING_EVENTS },
  { name: 'inbox', uri: 'cairn://inbox', description: 'Unread messages to this instance, its role or all', operation: 'inbox', changedBy: ['MessagePosted', 'InboxRead', 'RoleChanged', 'InstanceJoined'] },
  { name: 'health', uri: 'cairn://health', description: "The collaboration's health over the last 24 hours", operation: 'health' },
];

const TEMPLATE_VARIABLE = /\{(\w+)\}/g;

/** The spec a concrete URI reads, and the input its template variables give. */
export function resolveResource(uri: string): { spec: ResourceSpec; input: Record<string, unknown> } | undefined {
  for (const spec of RESOURCES) {
    const names: string[] = [];
    const pattern = new RegExp(`^${spec.uri.replace(/[.*+?^$()|[\]\\/]/g, '\\$&').replace(TEMPLATE_VARIABLE, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    const found = pattern.exec(uri);
    if (found) return { spec, input: { ...spec.input, ...Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)])) } };
  }
  return undefined;
}

/** A resource reads as its operation's default answer, held to what a tool result may take (fit.ts). */
async function read(runner: Runner, uri: URL, op: Operation, input: Record<string, unknown>): Promise<ReadResourceResult> {
  const result = fitResult(toPlainJson(await runner.run(op, input)) as Record<string, unknown>);
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(result) }] };
}

/** Registers the resources, and when the runner can watch the log, subscriptions to them. */
export function registerResources(server: McpServer, runner: Runner): void {
  for (const spec of RESOURCES) {
    const op = operationNamed(spec.operation)!;
    const metadata = { description: spec.description, mimeType: 'application/json' };
    if (!spec.uri.includes('{')) server.registerResource(spec.name, spec.uri, metadata, (uri) => read(runner, uri, op, spec.input ?? {}));
    else
      server.registerResource(spec.name, new ResourceTemplate(spec.uri, { list: undefined }), metadata, (uri, variables) =>
        read(runner, uri, op, { ...spec.input, ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])) }),
      );
  }
  if (!runner.watch) return;
  const subscribed = new Set<string>();
  let stop: (() => void) | undefined;
  server.server.registerCapabilities({ resources: { subscribe: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, async ({ params }) => {
    subscribed.add(params.uri);
    stop ??= runner.watch!((event) => notify(event));
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async ({ params }) => {
    subscribed.delete(params.uri);
    return {};
  });
  // A burst of events is one notification per resource, not one per event.
  const changed = new Set<string>();
  const notify = (event: StoredEvent) => {
    for (const uri of subscribed) {
      const changedBy = resolveResource(uri)?.spec.changedBy;
      if (changedBy === undefined || changedBy.includes(event.type)) changed.add(uri);
    }
    if (changed.size > 0) queueMicrotask(flush);
  };
  const flush = () => {
    for (const uri of changed) void server.server.sendResourceUpdated({ uri }).catch(() => undefined);
    changed.clear();
  };
  const close = server.server.onclose;
  server.server.onclose = () => {
    stop?.();
    close?.();
  };
}
