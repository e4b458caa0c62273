import { ANONYMOUS, MAX_SHOWN_STREAMS, type EventOf, type StoredEvent } from '../../events/index.js';
import { appendFacts } from '../domain/handle.js';
import { loadInstance } from '../domain/instance.js';
import type { App } from './app.js';
import type { Caller, Operation, OperationContext } from './operation.js';
import { instanceIdOf } from './actor.js';

/**
 * Every read that shows an instance what others wrote is a receive in Lamport's sense, and is
 * recorded in the log before the answer goes out, so that independence stays a fact of the
 * log (projections/causality.ts). Reads without an identity are recorded too, as anonymous:
 * they cannot make an echo, but they make an "independent" less certain, and the convergence
 * report says so.
 */

/** What a read showed: streams as they stood when it answered, or the whole log up to then. */
export interface Shown {
  streams: Iterable<string>;
  everything?: boolean;
}

/** Id fields, and the text fields that, beside them, mean the entity's content was shown. */
const CONTENT: readonly (readonly [idKey: string, category: string, textKeys: readonly string[]])[] = [
  ['findingId', 'finding', ['summary']],
  ['synthesisId', 'synthesis', ['summary']],
  ['messageId', 'message', ['body']],
  ['questionId', 'question', ['text', 'resolution']],
  ['taskId', 'task', ['title', 'description', 'outcome', 'reason']],
];

/**
 * The streams whose content an answer holds, found by its shape rather than listed per
 * operation, so an operation added later cannot forget to record what it shows: any object
 * with an entity's id beside its text (a finding's summary, a message's body, a task's
 * title…), and any candidate with agents' judgments (their reasons). Bare ids (cites, lists of
 * findings under a question) show no content.
 */
export function shownStreams(answer: unknown): Set<string> {
  const found = new Set<string>();
  // Only objects and arrays are visited: a listing is mostly strings, and a read costs what it shows.
  const visit = (o: Record<string, unknown>): void => {
    for (const [idKey, category, textKeys] of CONTENT) {
      const id = o[idKey];
      if (typeof id === 'string' && textKeys.some((k) => typeof o[k] === 'string')) found.add(`${category}-${id}`);
    }
    // A line quoting a stream's text (health's evidence) names the stream it quotes.
    if (typeof o.stream === 'string' && typeof o.summary === 'string' && SHOWABLE.test(o.stream)) found.add(o.stream);
    if (typeof o.earlier === 'string' && typeof o.later === 'string') {
      const judges = (o.judgment as { judges?: unknown[] } | undefined)?.judges;
      if ((typeof o.reason === 'string' && typeof o.verdict === 'string') || (Array.isArray(judges) && judges.length > 0)) found.add(`judgment-${o.earlier}~${o.later}`);
    }
    for (const key in o) {
      const value = o[key];
      if (value !== null && typeof value === 'object') walk(value);
    }
  };
  const walk = (value: object): void => {
    if (!Array.isArray(value)) return visit(value as Record<string, unknown>);
    for (const item of value) if (item !== null && typeof item === 'object') walk(item);
  };
  if (answer !== null && typeof answer === 'object') walk(answer);
  return found;
}

/** Streams whose content a read can show (the ContentShown schema's own pattern). */
const SHOWABLE = /^(finding|synthesis|message|question|task|judgment)-/;

type ContentShownEvent = EventOf<'ContentShown'>;

/**
 * Records what a read showed `caller` (or an anonymous reader), as of the log's head now: only
 * what was new to it, in as few events as fit, nothing at all when nothing was new.
 */
export async function recordExposure(app: App, caller: Caller, via: string, shown: Shown): Promise<StoredEvent[]> {
  const reader = caller.instanceId === undefined ? undefined : instanceIdOf(caller.instanceId);
  const candidates = [...shown.streams];
  if (candidates.length === 0 && shown.everything !== true) return [];
  const tables = await app.tables();
  const upTo = tables.watermark();
  const causality = tables.causality;
  const everything = shown.everything === true && causality.everythingIsNew(reader, upTo);
  const streams = everything ? [] : reader === undefined ? causality.newToAnonymous(candidates) : causality.newTo(reader, candidates, upTo);
  if (!everything && streams.length === 0) return [];

  const facts: ContentShownEvent[] = [];
  for (let i = 0; i === 0 || i < streams.length; i += MAX_SHOWN_STREAMS) {
    const data: ContentShownEvent['data'] = { via, upTo: String(upTo), streams: streams.slice(i, i + MAX_SHOWN_STREAMS).sort(), everything };
    if (reader !== undefined) data.instanceId = reader;
    facts.push({ type: 'ContentShown', data });
  }
  const who = reader === undefined ? undefined : (await loadInstance(app.store, reader, app.snapshots)).state;
  return appendFacts(app.store, facts, {
    instanceId: reader ?? ANONYMOUS,
    // A reader that never joined is recorded all the same: if it joins later, its work is not independent of this.
    role: who?.role ?? (reader === undefined ? 'anonymous' : 'reader'),
    seenUpTo: who?.lastSyncedUpTo ?? 0n,
    at: app.clock(),
  }, app.newEventId);
}

/**
 * Runs an operation and records what its answer shows before handing it back: the one way
 * the CLI, the HTTP API and MCP run operations, so no surface can show without recording.
 */
export async function runRecorded<R>(app: App, op: Operation<any, R>, input: unknown, caller: Caller, context?: OperationContext): Promise<R> {
  const answer = await op.run(app, input as never, caller, context);
  await recordExposure(app, caller, op.name, { streams: shownStreams(answer) });
  return answer;
}
