import type { StoredEvent } from '../events/index.js';
import { own } from '../src/similarity/own.js';
import { DEFAULT_LIMITS, addDocument, emptyIndex, type SimilarityIndex } from '../src/similarity/similarity-index.js';
import { causalityProjection, knows, type CausalityState } from './causality.js';
import type { Projection } from './projection.js';
import { dict, type Dict } from './shared.js';

/**
 * Convergence: findings by different instances that say much the same thing. Whether two
 * of them were reached independently is a fact of the log, not a guess: they are concurrent
 * in Lamport's sense (causality.ts), so neither author could have been shown the other's
 * finding, directly or through anything written by someone who had been (messages, syntheses,
 * findings, tasks, syncs, cites). Similar pairs where one happened before the other are
 * echoes, each with the path that makes it one. A finding never converges with its own
 * author's findings. Agents who wrote neither finding may judge a candidate (same or
 * different); judgments are folded here too.
 *
 * Every pair is scored once, when the later finding is folded, and kept if it clears the
 * index floors; the threshold is applied at query time, so one state serves every threshold
 * at or above the floors and the checkpoint does not depend on it.
 */

// ---- state ----

export interface FindingNode {
  findingId: string;
  position: bigint;
  instanceId: string;
  role: string;
  seenUpTo: bigint;
  at: string;
  summary: string;
  topic?: string;
}

/** A similar pair of findings by different instances, scored when the later one arrived. */
export interface Link {
  earlier: string;
  later: string;
  lexical: number;
  semantic?: number;
  /** The earlier finding happened before the later one: agreement after exposure, which proves nothing. */
  echo: boolean;
}

export interface Judgment {
  verdict: 'same' | 'different';
  reason: string;
  position: bigint;
  at: string;
}

export interface ConvergenceState {
  index: SimilarityIndex;
  findings: Record<string, FindingNode>;
  /** Happens-before over the whole log: who had been shown what, and how. */
  causality: CausalityState;
  links: Link[];
  /** Finding id → indices into `links`. */
  linksOf: Record<string, number[]>;
  /** "earlier~later" → judge → its latest judgment. */
  judgments: Dict<Dict<Judgment>>;
  /** Independent pairs at the default threshold that nobody has judged yet: kept here so `status` need not count them. */
  unjudged: number;
}

// ---- fold ----

export const linkKey = (earlier: string, later: string): string => `${earlier}~${later}`;

function addLink(state: ConvergenceState, link: Link): void {
  const i = state.links.push(link) - 1;
  for (const id of [link.earlier, link.later]) {
    const mine = own(state.linksOf, id);
    if (mine) mine.push(i);
    else state.linksOf[id] = [i];
  }
}

function evolve(state: ConvergenceState, event: StoredEvent): ConvergenceState {
  // Causality first: a finding's own cites are part of what its author knew when writing it.
  causalityProjection.evolve(state.causality, event);
  if (event.type === 'ConvergenceJudged') {
    const { earlier, later, by, verdict, reason } = event.data;
    const key = linkKey(earlier, later);
    const first = own(state.judgments, key) === undefined;
    (state.judgments[key] ??= dict())[by] = { verdict, reason, position: event.position, at: event.metadata.at };
    const link = first ? linkBetween(state, earlier, later) : undefined;
    // A verdict counts under the link's own order (as judgmentOf reads it); one naming the pair the other way round decides nothing.
    if (link && link.earlier === earlier && !link.echo && isSimilar(link)) state.unjudged--;
    return state;
  }
  if (event.type !== 'FindingRecorded' || own(state.findings, event.data.findingId)) return state;
  const { data, metadata } = event;
  const node: FindingNode = {
    findingId: data.findingId,
    position: event.position,
    instanceId: metadata.instanceId,
    role: metadata.role,
    seenUpTo: BigInt(metadata.seenUpTo),
    at: metadata.at,
    summary: data.summary,
  };
  if (data.topic !== undefined) node.topic = data.topic;
  state.findings[node.findingId] = node;
  for (const n of addDocument(state.index, node.findingId, data.summary, data.embedding, DEFAULT_LIMITS)) {
    const earlier = own(state.findings, n.id)!;
    if (earlier.instanceId === node.instanceId) continue;
    const echo = knows(state.causality, node.instanceId, earlier.instanceId, earlier.position);
    const link: Link = { earlier: n.id, later: node.findingId, lexical: n.lexical, echo };
    if (n.semantic !== undefined) link.semantic = n.semantic;
    // A verdict can come before its later finding (an imported log): that candidate is judged already.
    if (!echo && isSimilar(link) && own(state.judgments, linkKey(link.earlier, link.later)) === undefined) state.unjudged++;
    addLink(state, link);
  }
  return state;
}

export const convergenceProjection: Projection<ConvergenceState> = {
  name: 'convergence',
  version: 7,
  initialState: () => ({ index: emptyIndex(), findings: {}, causality: causalityProjection.initialState(), links: [], linksOf: {}, judgments: dict(), unjudged: 0 }),
  evolve,
};

// ---- the threshold ----

/**
 * The lexical cosine above which two findings count as saying the same thing. On the held-out
 * pairs of eval/convergence it gives precision 0.55 and recall 0.89 (`npm run eval:convergence`);
 * a claim model trained on the tune pairs did worse there (docs/convergence.md), so it is not
 * the default.
 */
export const DEFAULT_THRESHOLD = 0.3;
/** Not measured here (no model in CI); a common starting point for sentence embeddings. */
export const DEFAULT_SEMANTIC_THRESHOLD = 0.8;

export interface ConvergenceOptions {
  /** Minimum IDF-weighted stem cosine (used when the two findings lack same-model embeddings). */
  threshold?: number;
  /** Minimum embedding cosine (used when both findings carry vectors of the same model). */
  semanticThreshold?: number;
}

/** Thresholds from the environment (CAIRN_CONVERGENCE_THRESHOLD, CAIRN_SEMANTIC_THRESHOLD); bad values are ignored. */
export function convergenceOptionsFromEnv(env: Record<string, string | undefined>): ConvergenceOptions {
  const read = (name: string) => {
    const v = Number(env[name]);
    return env[name] !== undefined && env[name] !== '' && v >= 0 && v <= 1 ? v : undefined;
  };
  const out: ConvergenceOptions = {};
  const t = read('CAIRN_CONVERGENCE_THRESHOLD');
  const s = read('CAIRN_SEMANTIC_THRESHOLD');
  if (t !== undefined) out.threshold = t;
  if (s !== undefined) out.semanticThreshold = s;
  return out;
}

export const isSimilar = (link: Pick<Link, 'lexical' | 'semantic'>, options: ConvergenceOptions = {}): boolean =>
  link.semantic === undefined
    ? link.lexical >= (options.threshold ?? DEFAULT_THRESHOLD)
    : link.semantic >= (options.semanticThreshold ?? DEFAULT_SEMANTIC_THRESHOLD);

/** A kept candidate pair, in either order, or undefined. */
export function linkBetween(state: ConvergenceState, a: string, b: string): Link | undefined {
  for (const i of own(state.linksOf, a) ?? []) {
    const l = state.links[i]!;
    if ((l.earlier === a && l.later === b) || (l.earlier === b && l.later === a)) return l;
  }
  return undefined;
}
