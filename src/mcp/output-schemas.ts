import * as z from 'zod';

/**
 * What each tool returns as `structuredContent`, for MCP's `outputSchema`: the fields an
 * agent can rely on, each with its JSON type (log positions and other bigints arrive as
 * decimal strings). Objects are open: a result may carry more than is promised here. The
 * SDK holds every result to its schema on the server and again in the client.
 */

const position = z.string().describe('a log position');
const event = z.looseObject({ type: z.string(), data: z.record(z.string(), z.unknown()), metadata: z.record(z.string(), z.unknown()), streamName: z.string(), revision: z.string(), position });
const events = z.array(event).describe('the events appended (empty when nothing changed)');
const page = z.looseObject({ returned: z.number(), total: z.number().nullable(), remaining: z.number().nullable(), next: z.string().nullable() }).describe('what this page holds of all that matched, and the cursor to continue');
const objects = z.array(z.record(z.string(), z.unknown()));
const task = z.looseObject({ taskId: z.string(), status: z.string() });
const taskChange = task.extend({ events });
const finding = z.looseObject({ findingId: z.string(), by: z.string(), summary: z.string(), position });
const message = z.looseObject({ messageId: z.string(), from: z.string(), to: z.string(), body: z.string(), position });
const match = z.looseObject({ earlier: z.string(), later: z.string(), kind: z.enum(['convergence', 'echo']), score: z.number(), reason: z.string() });
const cluster = z.looseObject({ kind: z.enum(['convergence', 'echo']), members: objects, links: objects, roles: z.array(z.string()), instances: z.array(z.string()) });

export const OUTPUT_SCHEMAS: Record<string, z.ZodObject> = {
  join: z.looseObject({ instanceId: z.string(), role: z.string(), changed: z.boolean(), events }),
  leave: z.looseObject({ instanceId: z.string(), left: z.boolean(), events }),
  propose: taskChange.extend({ nearDuplicates: objects }),
  claim: taskChange.extend({ owner: z.string(), leaseUntil: z.string() }),
  renew: taskChange.extend({ owner: z.string(), leaseUntil: z.string() }),
  release: taskChange,
  complete: taskChange,
  abandon: taskChange,
  tasks: z.looseObject({ now: z.string(), position, tasks: z.array(task), page }),
  ask: z.looseObject({ questionId: z.string(), status: z.string(), events }),
  'close-question': z.looseObject({ questionId: z.string(), status: z.string(), events }),
  questions: z.looseObject({ position, questions: z.array(z.looseObject({ questionId: z.string(), text: z.string(), status: z.string(), findings: z.array(z.string()) })), page }),
  find: z.looseObject({ findingId: z.string(), position: position.optional(), converges: z.array(match), echoes: z.array(match), warnings: z.array(z.string()), events }),
  findings: z.looseObject({ position, findings: z.array(finding), syntheses: objects, page }),
  synthesize: z.looseObject({ synthesisId: z.string(), position: position.optional(), events }),
  say: z.looseObject({ messageId: z.string(), to: z.string(), position: position.optional(), events }),
  inbox: z.looseObject({ instanceId: z.string(), position, unread: z.number(), messages: z.array(message.extend({ unread: z.boolean() })), page }),
  sync: z.looseObject({ from: position, upTo: position, more: z.boolean().describe('there is more after upTo: sync again to go on'), counts: z.record(z.string(), z.number()), findings: objects, messages: objects, tasks: objects }),
  wait: z.looseObject({ matched: z.string(), already: z.boolean(), waitedMs: z.number() }),
  status: z.looseObject({ now: z.string(), position, counts: z.record(z.string(), z.unknown()), instances: objects, claimed: objects, stale: objects, open: objects, questions: objects, suggestions: objects, unjudged: z.looseObject({ total: z.number(), links: objects }) }),
  activity: z.looseObject({ now: z.string(), position, instances: objects, roles: objects }),
  replay: z.looseObject({ at: z.string(), position, now: z.string(), views: z.record(z.string(), z.unknown()) }),
  log: z.looseObject({ events: z.array(event), next: z.string().nullable() }),
  convergence: z.looseObject({ position, convergences: z.array(cluster), echoes: z.array(cluster), rejected: objects, judged: z.record(z.string(), z.number()), totals: z.record(z.string(), z.number()) }),
  judge: z.looseObject({ link: z.string(), verdict: z.enum(['same', 'different']), judgment: z.looseObject({ status: z.string(), judges: objects }), events }),
  health: z.looseObject({ position, window: z.looseObject({ from: z.string(), to: z.string() }), status: z.enum(['good', 'watch', 'warning']), signals: objects, matcher: z.record(z.string(), z.unknown()) }),
  advise: z.looseObject({ decision: z.string(), reasons: z.array(z.string()) }),
  search: z.looseObject({ query: z.string(), position, matched: z.number(), results: z.array(z.looseObject({ kind: z.string(), by: z.string(), score: z.number(), position })), page }),
  hook: z.looseObject({ instanceId: z.string(), upTo: position, items: z.array(z.looseObject({ kind: z.enum(['lease', 'message', 'convergence', 'task', 'unjudged']) })), more: z.number() }),
};
