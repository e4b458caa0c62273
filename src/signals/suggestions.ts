import { own } from '../similarity/own.js';
import { DUPLICATE_TASK_THRESHOLD, RELATED_THRESHOLD } from './advise.js';

/**
 * Coordinator suggestions for `cairn status`: the coordinator facilitates, it does not
 * direct, so these are things to mention, never to enforce.
 *  - collaboration: two instances working on related things who have not exchanged a
 *    message (a possible surprising connection, or a synthesis waiting to happen);
 *  - duplicate-claims: two instances holding claims on near-duplicate tasks (the one kind
 *    of duplication the philosophy calls wasteful).
 * This module only chooses and words them. The candidate pairs come from indexes kept as the
 * log is folded (src/readstore/suggestion-candidates.ts): the similarity index's links between
 * findings, the instances working on each topic, and the stems of active tasks. Nothing here
 * compares texts, so a board costs what it shows, however long the log.
 */

export interface SuggestionFinding {
  findingId: string;
  by: string;
  summary: string;
  topic?: string;
}

export interface SuggestionClaim {
  taskId: string;
  title: string;
  description?: string;
  tags?: string[];
  owner: string;
}

/** Two findings by different instances, newest first: similar (`score`, the index's lexical similarity), or on one topic. */
export interface RelatedFindings {
  later: SuggestionFinding;
  earlier: SuggestionFinding;
  score: number;
}

/** Two live claims by different instances on tasks whose texts are `score` alike. */
export interface DuplicateClaims {
  a: SuggestionClaim;
  b: SuggestionClaim;
  score: number;
}

export interface SuggestionInput {
  related: readonly RelatedFindings[];
  duplicates: readonly DuplicateClaims[];
  /** Pairs of instances that have exchanged a message (directly, or through a role they held then). */
  talked: readonly (readonly [string, string])[];
  /** Current role per instance, to name it. */
  roles?: Readonly<Record<string, string>>;
}

export interface SuggestionOptions {
  relatedThreshold?: number;
  duplicateThreshold?: number;
}

export type Suggestion =
  | { kind: 'duplicate-claims'; instances: [string, string]; tasks: [string, string]; score: number; text: string }
  | { kind: 'collaboration'; instances: [string, string]; findings: [string, string]; topic?: string; score: number; text: string };

const normaliseTopic = (s?: string) => s?.trim().toLowerCase().replace(/\s+/g, ' ') || undefined;
const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
const byScore = (a: Suggestion, b: Suggestion) => b.score - a.score || (a.text < b.text ? -1 : 1);

export function coordinatorSuggestions(input: SuggestionInput, options: SuggestionOptions = {}): Suggestion[] {
  const relatedAt = options.relatedThreshold ?? RELATED_THRESHOLD;
  const duplicateAt = options.duplicateThreshold ?? DUPLICATE_TASK_THRESHOLD;
  const roleOf = (id: string) => (input.roles ? own(input.roles, id) : undefined);
  const talked = new Set(input.talked.map(([a, b]) => pairKey(a, b)));

  const duplicates: Suggestion[] = [];
  for (const { a, b, score } of input.duplicates) {
    if (a.owner === b.owner || a.taskId === b.taskId || score < duplicateAt) continue;
    const [x, y] = a.owner < b.owner || (a.owner === b.owner && a.taskId < b.taskId) ? [a, b] : [b, a];
    duplicates.push({
      kind: 'duplicate-claims',
      instances: [x.owner, y.owner],
      tasks: [x.taskId, y.taskId],
      score,
      text: `${x.owner} holds "${x.title}" (${x.taskId}) and ${y.owner} holds "${y.title}" (${y.taskId}): near-duplicates (similarity ${score.toFixed(2)}). Worth a word, unless the overlap is deliberate.`,
    });
  }

  // The best related pair of findings per pair of instances who have not talked: the most
  // similar, and between equals the newest (by the later finding, then the earlier).
  const best = new Map<string, { pair: RelatedFindings; topic: string | undefined; rank: number }>();
  input.related.forEach((pair, rank) => {
    const { later, earlier, score } = pair;
    if (later.by === earlier.by || talked.has(pairKey(later.by, earlier.by))) return;
    const topic = normaliseTopic(later.topic) !== undefined && normaliseTopic(later.topic) === normaliseTopic(earlier.topic) ? normaliseTopic(later.topic) : undefined;
    if (score < relatedAt && !topic) return;
    const key = pairKey(later.by, earlier.by);
    const current = best.get(key);
    if (current && (current.pair.score > score || (current.pair.score === score && current.rank < rank))) return;
    best.set(key, { pair, topic, rank });
  });
  const collaborations = [...best.values()].map(({ pair, topic }): Suggestion => {
    const [x, y] = pair.later.by < pair.earlier.by ? [pair.later, pair.earlier] : [pair.earlier, pair.later];
    const roles = (id: string) => (roleOf(id) ? ` (${roleOf(id)})` : '');
    return {
      kind: 'collaboration',
      instances: [x.by, y.by],
      findings: [x.findingId, y.findingId],
      ...(topic ? { topic } : {}),
      score: pair.score,
      text: `${x.by}${roles(x.by)} and ${y.by}${roles(y.by)} work on related things (${x.findingId} and ${y.findingId}${topic ? `, both on "${topic}"` : `, similarity ${pair.score.toFixed(2)}`}) and have not exchanged a message: a collaboration opportunity, if they want one.`,
    };
  });

  return [...duplicates.sort(byScore), ...collaborations.sort(byScore)];
}
