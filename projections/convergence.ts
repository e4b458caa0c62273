import type { StoredEvent } from '../events/index.js';
import { own } from '../src/similarity/own.js';
import { DEFAULT_LIMITS, addDocument, decisiveScore, emptyIndex, sharedStems, type SimilarityIndex } from '../src/similarity/similarity-index.js';
import type { Projection } from './projection.js';

/**
 * Convergence: findings by different instances that say much the same thing. Whether two
 * of them were reached independently is a fact of the log, not a guess: the later author
 * had not synced past the earlier finding (`seenUpTo` below its position) and cites it
 * neither directly nor through a chain of cites (syntheses count as citing what they
 * integrate). Similar pairs that fail the test are echoes: agreement after reading, which
 * proves nothing. A finding never converges with its own author's findings.
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

/** Why a similar pair is not independent. */
export type Echo = { because: 'cites'; path: string[] } | { because: 'synced'; seenUpTo: bigint };

/** A similar pair of findings by different instances, scored when the later one arrived. */
export interface Link {
  earlier: string;
  later: string;
  lexical: number;
  semantic?: number;
  /** null: independent, a convergence. */
  echo: Echo | null;
}

export interface ConvergenceState {
  index: SimilarityIndex;
  findings: Record<string, FindingNode>;
  /** What each finding cites and each synthesis integrates: the graph echoes travel along. */
  citesOf: Record<string, string[]>;
  links: Link[];
  /** Finding id → indices into `links`. */
  linksOf: Record<string, number[]>;
}

// ---- fold ----

/** The shortest chain of cites from `from` to `to` ([from, …, to]), or null. */
function citePath(citesOf: Record<string, string[]>, from: string, to: string): string[] | null {
  const cameFrom = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const next of own(citesOf, node) ?? []) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      if (next === to) {
        const path = [to];
        for (let n = node; n !== from; n = cameFrom.get(n)!) path.push(n);
        return [...path, from].reverse();
      }
      queue.push(next);
    }
  }
  return null;
}

function echoOf(state: ConvergenceState, earlier: FindingNode, later: FindingNode): Echo | null {
  const path = citePath(state.citesOf, later.findingId, earlier.findingId);
  if (path) return { because: 'cites', path };
  if (later.seenUpTo >= earlier.position) return { because: 'synced', seenUpTo: later.seenUpTo };
  return null;
}

function addLink(state: ConvergenceState, link: Link): void {
  const i = state.links.push(link) - 1;
  for (const id of [link.earlier, link.later]) {
    const mine = own(state.linksOf, id);
    if (mine) mine.push(i);
    else state.linksOf[id] = [i];
  }
}

function evolve(state: ConvergenceState, event: StoredEvent): ConvergenceState {
  if (event.type === 'SynthesisPublished') {
    state.citesOf[event.data.synthesisId] = [...event.data.integrates];
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
  state.citesOf[node.findingId] = [...data.cites];
  for (const n of addDocument(state.index, node.findingId, data.summary, data.embedding, DEFAULT_LIMITS)) {
    const earlier = own(state.findings, n.id)!;
    if (earlier.instanceId === node.instanceId) continue;
    const echo = echoOf(state, earlier, node);
    addLink(
      state,
      n.semantic === undefined
        ? { earlier: n.id, later: node.findingId, lexical: n.lexical, echo }
        : { earlier: n.id, later: node.findingId, lexical: n.lexical, semantic: n.semantic, echo },
    );
  }
  return state;
}

export const convergenceProjection: Projection<ConvergenceState> = {
  name: 'convergence',
  version: 1,
  initialState: () => ({ index: emptyIndex(), findings: {}, citesOf: {}, links: [], linksOf: {} }),
  evolve,
};

// ---- queries ----

/** Chosen on the labelled fixtures to favour precision (`npm run eval:convergence`). */
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

export type LinkKind = 'convergence' | 'echo';

export interface LinkView {
  earlier: string;
  later: string;
  kind: LinkKind;
  score: number;
  measure: 'lexical' | 'semantic';
  shared: string[];
  /** One sentence: why the pair is independent, or why it is an echo. */
  reason: string;
}

export interface ClusterMember extends FindingNode {
  /** An endpoint of at least one convergence link. */
  independent: boolean;
}

export interface Cluster {
  kind: LinkKind;
  /** Ordered by position. */
  members: ClusterMember[];
  links: LinkView[];
  /** Distinct roles and instances of the independent members (of all members for an echo cluster). */
  roles: string[];
  instances: string[];
}

export interface ConvergenceReport {
  /** Clusters with at least one independent pair: more roles first, then more instances, then most recent. */
  convergences: Cluster[];
  /** Clusters whose every pair was reached after seeing the other: reported apart, never as validation. */
  echoes: Cluster[];
}

export function explain(state: ConvergenceState, link: Link): string {
  const e = own(state.findings, link.earlier)!;
  const l = own(state.findings, link.later)!;
  if (!link.echo) {
    return `independent: ${l.instanceId} had synced to ${l.seenUpTo} when recording ${l.findingId}, before ${e.findingId} (position ${e.position}), and cites it neither directly nor through other findings`;
  }
  if (link.echo.because === 'synced') {
    return `echo: ${l.instanceId} had synced to ${link.echo.seenUpTo}, past ${e.findingId} (position ${e.position}), before recording ${l.findingId}`;
  }
  const via = link.echo.path.slice(1, -1);
  return `echo: ${l.findingId} cites ${e.findingId}${via.length ? ` through ${via.join(' → ')}` : ''}`;
}

function view(state: ConvergenceState, link: Link): LinkView {
  return {
    earlier: link.earlier,
    later: link.later,
    kind: link.echo ? 'echo' : 'convergence',
    score: decisiveScore(link),
    measure: link.semantic === undefined ? 'lexical' : 'semantic',
    shared: sharedStems(state.index, link.earlier, link.later),
    reason: explain(state, link),
  };
}

const distinct = (xs: string[]): string[] => [...new Set(xs)].sort();

export function convergenceClusters(state: ConvergenceState, options: ConvergenceOptions = {}): ConvergenceReport {
  const links = state.links.filter((l) => isSimilar(l, options));
  // Union-find (with path halving) over the similar links: clusters are its components.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) {
      const up = parent.get(root)!;
      parent.set(root, parent.get(up)!);
      root = up;
    }
    return root;
  };
  for (const l of links) {
    for (const id of [l.earlier, l.later]) if (!parent.has(id)) parent.set(id, id);
    parent.set(find(l.later), find(l.earlier));
  }
  const groups = new Map<string, Link[]>();
  for (const l of links) {
    const root = find(l.earlier);
    const group = groups.get(root);
    if (group) group.push(l);
    else groups.set(root, [l]);
  }

  const clusters = [...groups.values()].map((group): Cluster => {
    const independent = new Set(group.filter((l) => !l.echo).flatMap((l) => [l.earlier, l.later]));
    const members = distinct(group.flatMap((l) => [l.earlier, l.later]))
      .map((id) => ({ ...own(state.findings, id)!, independent: independent.has(id) }))
      .sort((a, b) => (a.position < b.position ? -1 : 1));
    const kind: LinkKind = independent.size > 0 ? 'convergence' : 'echo';
    const counted = kind === 'convergence' ? members.filter((m) => m.independent) : members;
    return {
      kind,
      members,
      links: group.map((l) => view(state, l)),
      roles: distinct(counted.map((m) => m.role)),
      instances: distinct(counted.map((m) => m.instanceId)),
    };
  });
  const latest = (c: Cluster) => c.members[c.members.length - 1]!.position;
  const recentFirst = (a: Cluster, b: Cluster) => (latest(a) > latest(b) ? -1 : latest(a) < latest(b) ? 1 : 0);
  return {
    convergences: clusters
      .filter((c) => c.kind === 'convergence')
      .sort((a, b) => b.roles.length - a.roles.length || b.instances.length - a.instances.length || recentFirst(a, b)),
    echoes: clusters.filter((c) => c.kind === 'echo').sort(recentFirst),
  };
}

export interface Match extends LinkView {
  /** The other finding of the pair. */
  other: FindingNode;
}

/** The findings a finding converges with or echoes, best first: what `cairn find` reports right after recording. */
export function matchesFor(state: ConvergenceState, findingId: string, options: ConvergenceOptions = {}): Match[] {
  return (own(state.linksOf, findingId) ?? [])
    .map((i) => state.links[i]!)
    .filter((l) => isSimilar(l, options))
    .map((l) => ({ ...view(state, l), other: own(state.findings, l.earlier === findingId ? l.later : l.earlier)! }))
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'convergence' ? -1 : 1) || b.score - a.score);
}
