import { own } from '../similarity/own.js';
import type { Corpus } from '../similarity/tfidf.js';
import { DUPLICATE_TASK_THRESHOLD, RELATED_THRESHOLD } from './advise.js';
import { comparator, taskText } from './compare.js';

/**
 * Coordinator suggestions for `cairn status`: the coordinator facilitates, it does not
 * direct, so these are things to mention, never to enforce.
 *  - collaboration: two instances working on related topics who have not exchanged a
 *    message (a possible surprising connection, or a synthesis waiting to happen);
 *  - duplicate-claims: two instances holding claims on near-duplicate tasks (the one kind
 *    of duplication the philosophy calls wasteful).
 * Inputs are small plain shapes: adapt the projections' outputs to them. Pass recent
 * findings (say the last day): comparison is pairwise across instances.
 */

export interface SuggestionFinding {
  findingId: string;
  by: string;
  summary: string;
  topic?: string;
}

export interface SuggestionMessage {
  from: string;
  /** An instance id, "role:NAME" or "all" (broadcasts are not an exchange). */
  to: string;
}

export interface SuggestionClaim {
  taskId: string;
  title: string;
  description?: string;
  tags?: string[];
  owner: string;
}

export interface SuggestionInput {
  findings: readonly SuggestionFinding[];
  messages: readonly SuggestionMessage[];
  claims: readonly SuggestionClaim[];
  /** Current role per instance: a message to "role:NAME" reaches every instance of that role. */
  roles?: Readonly<Record<string, string>>;
}

export interface SuggestionOptions {
  relatedThreshold?: number;
  duplicateThreshold?: number;
  corpus?: Corpus;
}

export type Suggestion =
  | { kind: 'duplicate-claims'; instances: [string, string]; tasks: [string, string]; score: number; text: string }
  | { kind: 'collaboration'; instances: [string, string]; findings: [string, string]; topic?: string; score: number; text: string };

const normalise = (s?: string) => s?.trim().toLowerCase().replace(/\s+/g, ' ') || undefined;
const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export function coordinatorSuggestions(input: SuggestionInput, options: SuggestionOptions = {}): Suggestion[] {
  const relatedAt = options.relatedThreshold ?? RELATED_THRESHOLD;
  const duplicateAt = options.duplicateThreshold ?? DUPLICATE_TASK_THRESHOLD;
  const score = comparator([...input.findings.map((f) => f.summary), ...input.claims.map(taskText)], options.corpus);
  const roleOf = (id: string) => (input.roles ? own(input.roles, id) : undefined);

  const talked = new Set<string>();
  for (const m of input.messages) {
    if (m.to.startsWith('role:')) {
      const role = m.to.slice(5);
      for (const [id, r] of Object.entries(input.roles ?? {})) if (r === role && id !== m.from) talked.add(pairKey(m.from, id));
    } else if (m.to !== 'all' && m.to !== m.from) talked.add(pairKey(m.from, m.to));
  }

  const duplicates: Suggestion[] = [];
  input.claims.forEach((a, i) =>
    input.claims.slice(i + 1).forEach((b) => {
      if (a.owner === b.owner || a.taskId === b.taskId) return;
      const s = score(taskText(a), taskText(b));
      if (s < duplicateAt) return;
      const [x, y] = a.owner < b.owner ? [a, b] : [b, a];
      duplicates.push({
        kind: 'duplicate-claims',
        instances: [x.owner, y.owner],
        tasks: [x.taskId, y.taskId],
        score: s,
        text: `${x.owner} holds "${x.title}" (${x.taskId}) and ${y.owner} holds "${y.title}" (${y.taskId}): near-duplicates (similarity ${s.toFixed(2)}). Worth a word, unless the overlap is deliberate.`,
      });
    }),
  );

  // The best related pair of findings per pair of instances who have not talked.
  const best = new Map<string, Extract<Suggestion, { kind: 'collaboration' }>>();
  input.findings.forEach((a, i) =>
    input.findings.slice(i + 1).forEach((b) => {
      if (a.by === b.by || talked.has(pairKey(a.by, b.by))) return;
      const topic = normalise(a.topic) !== undefined && normalise(a.topic) === normalise(b.topic) ? normalise(a.topic) : undefined;
      const s = score(a.summary, b.summary);
      if (s < relatedAt && !topic) return;
      const [x, y] = a.by < b.by ? [a, b] : [b, a];
      const key = pairKey(x.by, y.by);
      const current = best.get(key);
      if (current && current.score >= s) return;
      const roles = (id: string) => (roleOf(id) ? ` (${roleOf(id)})` : '');
      best.set(key, {
        kind: 'collaboration',
        instances: [x.by, y.by],
        findings: [x.findingId, y.findingId],
        ...(topic ? { topic } : {}),
        score: s,
        text: `${x.by}${roles(x.by)} and ${y.by}${roles(y.by)} work on related things (${x.findingId} and ${y.findingId}${topic ? `, both on "${topic}"` : `, similarity ${s.toFixed(2)}`}) and have not exchanged a message: a collaboration opportunity, if they want one.`,
      });
    }),
  );

  const byScore = (a: Suggestion, b: Suggestion) => b.score - a.score || (a.text < b.text ? -1 : 1);
  return [...duplicates.sort(byScore), ...[...best.values()].sort(byScore)];
}
