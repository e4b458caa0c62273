import { own } from '../src/similarity/own.js';
import { sharedStems } from '../src/similarity/similarity-index.js';
import { contrastsOf, type Contrast } from '../src/similarity/claim.js';
import { anonymousReadBefore, describePath, pathTo, type AnonymousRead, type PathStep } from './causality.js';
import { isSimilar, linkKey, type ConvergenceOptions, type ConvergenceState, type FindingNode, type Link } from './convergence.js';

/**
 * What the convergence state says to people and agents: clusters of findings that say the
 * same thing, each pair independent or an echo with its path, judged or not; the matches of
 * one finding; the candidates awaiting a judgment. Queries only: the fold is in convergence.ts,
 * the matcher held against the judgments in convergence-calibration.ts.
 */

export type LinkKind = 'convergence' | 'echo';

/** Where agents' judgments leave a candidate: more "same" than "different" confirms it. */
export type JudgmentStatus = 'confirmed' | 'rejected' | 'disputed' | 'unjudged';

export interface JudgmentView {
  status: JudgmentStatus;
  judges: { by: string; verdict: 'same' | 'different'; reason: string; position: bigint }[];
}

export interface LinkView {
  earlier: string;
  later: string;
  kind: LinkKind;
  /** The stems' cosine, or the embedding cosine when both findings carry vectors of one model. */
  score: number;
  measure: 'lexical' | 'semantic';
  /** What tells the two claims apart though their words agree: a judge should look twice. Read when shown, never in the fold. */
  contrasts: Contrast[];
  shared: string[];
  /** One sentence: why the pair is independent, or the path that makes it an echo. */
  reason: string;
  /** For an echo: how the earlier finding reached the later one's author, newest hop first. */
  path?: PathStep[];
  /** For a convergence: a read without an identity showed the earlier finding before the later was recorded. */
  anonymousRead?: AnonymousRead;
  judgment: JudgmentView;
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
  /** Candidates that agents judged different: shown apart, in no cluster. */
  rejected: LinkView[];
  /** How many candidates (convergence links) are confirmed, rejected, disputed or still unjudged. */
  judged: Record<JudgmentStatus, number>;
}

const findingStream = (id: string) => `finding-${id}`;

/** What explaining a link reads: the fold's state here, or the read model's tables (src/readstore/convergence-queries.ts). */
export interface ConvergenceFacts {
  finding(id: string): FindingNode;
  sharedStems(a: string, b: string): string[];
  judgment(link: Pick<Link, 'earlier' | 'later'>): JudgmentView;
  pathTo(instance: string, before: bigint, target: { author: string; position: bigint; stream: string }): PathStep[] | undefined;
  anonymousReadBefore(stream: string, position: bigint, before: bigint): AnonymousRead | undefined;
}

export const foldFacts = (state: ConvergenceState): ConvergenceFacts => ({
  finding: (id) => own(state.findings, id)!,
  sharedStems: (a, b) => sharedStems(state.index, a, b),
  judgment: (link) => judgmentOf(state, link),
  pathTo: (instance, before, target) => pathTo(state.causality, instance, before, target),
  anonymousReadBefore: (stream, position, before) => anonymousReadBefore(state.causality, stream, position, before),
});

/** Where the judges' latest verdicts leave a candidate: more "same" than "different" confirms it. */
export function judgmentFrom(judges: JudgmentView['judges']): JudgmentView {
  if (judges.length === 0) return { status: 'unjudged', judges: [] };
  const same = judges.filter((j) => j.verdict === 'same').length;
  const different = judges.length - same;
  return { status: same > different ? 'confirmed' : different > same ? 'rejected' : 'disputed', judges };
}

export function judgmentOf(state: ConvergenceState, link: Pick<Link, 'earlier' | 'later'>): JudgmentView {
  const byJudge = own(state.judgments, linkKey(link.earlier, link.later));
  if (!byJudge) return { status: 'unjudged', judges: [] };
  return judgmentFrom(
    Object.keys(byJudge)
      .sort()
      .map((by) => ({ by, verdict: byJudge[by]!.verdict, reason: byJudge[by]!.reason, position: byJudge[by]!.position })),
  );
}

function explainLink(facts: ConvergenceFacts, link: Link): Pick<LinkView, 'reason' | 'path' | 'anonymousRead'> {
  const e = facts.finding(link.earlier);
  const l = facts.finding(link.later);
  if (link.echo) {
    // The path by which the earlier finding reached the later one's author.
    const path = facts.pathTo(l.instanceId, l.position, { author: e.instanceId, position: e.position, stream: findingStream(e.findingId) }) ?? [];
    return { reason: `echo: ${describePath(path, { author: e.instanceId, stream: findingStream(e.findingId) })}, before recording ${l.findingId}`, path };
  }
  const anonymous = facts.anonymousReadBefore(findingStream(e.findingId), e.position, l.position);
  const reason =
    `independent: when ${l.instanceId} recorded ${l.findingId} (position ${l.position}), no read, sync, cite or message had brought it ${e.instanceId}'s ${e.findingId} (position ${e.position}), directly or through anyone` +
    (anonymous ? `; but a read without an identity (\`${anonymous.via}\` at ${anonymous.at}) showed ${e.findingId} before it: if ${l.instanceId} made it, this is an echo` : '');
  return anonymous ? { reason, anonymousRead: anonymous } : { reason };
}

/**
 * A link as shown. Its contrasts are read here, for the pairs shown, never in the fold: a
 * complete report groups millions of links and shows a page of them, so `clustersOf` asks for
 * none and its clusters' links get theirs when cut for showing (`shownLinks`).
 */
export function linkView(facts: ConvergenceFacts, link: Link, judgment = facts.judgment(link), { contrasts = true } = {}): LinkView {
  return {
    earlier: link.earlier,
    later: link.later,
    kind: link.echo ? 'echo' : 'convergence',
    score: link.semantic ?? link.lexical,
    measure: link.semantic === undefined ? 'lexical' : 'semantic',
    contrasts: contrasts ? contrastsBetween(link, (id) => facts.finding(id).summary) : [],
    shared: facts.sharedStems(link.earlier, link.later),
    ...explainLink(facts, link),
    judgment,
  };
}

const distinct = (xs: string[]): string[] => [...new Set(xs)].sort();

/** A candidate counts when the matcher finds it similar, or when agents confirmed it, unless they rejected it. */
export function candidateStatus(status: JudgmentStatus, link: Pick<Link, 'lexical' | 'semantic'>, options: ConvergenceOptions = {}): JudgmentStatus | 'dropped' {
  if (status === 'confirmed') return status;
  return isSimilar(link, options) ? status : 'dropped';
}

export function convergenceClusters(state: ConvergenceState, options: ConvergenceOptions = {}): ConvergenceReport {
  return clustersOf(state.links, foldFacts(state), options);
}

/** The report from candidate links in the order they were scored, whichever holds them. */
export function clustersOf(candidates: Iterable<Link>, facts: ConvergenceFacts, options: ConvergenceOptions = {}): ConvergenceReport {
  const judged: Record<JudgmentStatus, number> = { confirmed: 0, rejected: 0, disputed: 0, unjudged: 0 };
  const rejected: LinkView[] = [];
  const links: Link[] = [];
  const judgments = new Map<Link, JudgmentView>();
  for (const l of candidates) {
    const judgment = facts.judgment(l);
    const status = candidateStatus(judgment.status, l, options);
    if (status === 'dropped') continue;
    judgments.set(l, judgment);
    if (!l.echo) judged[status]++;
    if (status === 'rejected') rejected.push(linkView(facts, l, judgment));
    else links.push(l);
  }
  // Each finding joins the first earlier finding, best score first, that a counting link
  // reaches and that joined nobody itself: its leader. Every member then says what its leader
  // says, directly; links never chain a cluster across claims that only share a neighbour.
  // A finding's place depends only on the findings before it, so the tables keep it as they fold.
  const leaderOf = new Map<string, string>();
  const groups = new Map<string, Link[]>();
  for (const l of links) {
    if (leaderOf.has(l.later) || leaderOf.has(l.earlier)) continue;
    leaderOf.set(l.later, l.earlier);
    const group = groups.get(l.earlier);
    if (group) group.push(l);
    else groups.set(l.earlier, [l]);
  }

  const clusters = [...groups.values()].map((group): Cluster => {
    const independent = new Set(group.filter((l) => !l.echo).flatMap((l) => [l.earlier, l.later]));
    const members = distinct(group.flatMap((l) => [l.earlier, l.later]))
      .map((id) => ({ ...facts.finding(id), independent: independent.has(id) }))
      .sort((a, b) => (a.position < b.position ? -1 : 1));
    const kind: LinkKind = independent.size > 0 ? 'convergence' : 'echo';
    const counted = kind === 'convergence' ? members.filter((m) => m.independent) : members;
    return {
      kind,
      members,
      links: group.map((l) => linkView(facts, l, judgments.get(l), { contrasts: false })),
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
    rejected,
    judged,
  };
}

/** What tells a link's two findings apart, from their summaries. */
const contrastsBetween = (link: Pick<Link, 'earlier' | 'later'>, summaryOf: (id: string) => string): Contrast[] => contrastsOf(summaryOf(link.earlier), summaryOf(link.later));

/** Some of a cluster's links, about to be shown, with their contrasts (`linkView`): every end of a link is a member. */
function shownLinks(cluster: Cluster, links: readonly LinkView[]): LinkView[] {
  const summaries = new Map(cluster.members.map((m) => [m.findingId, m.summary]));
  return links.map((l) => ({ ...l, contrasts: contrastsBetween(l, (id) => summaries.get(id)!) }));
}

/** A report cut to what a reader can take in: the first `limit` clusters of each kind, each with at most `limit` members and links. */
export function boundedReport(report: ConvergenceReport, limit: number) {
  const cut = (c: Cluster) => ({
    ...c,
    members: c.members.slice(-limit),
    links: shownLinks(c, c.links.slice(-limit)),
    sizes: { members: c.members.length, links: c.links.length },
  });
  return {
    convergences: report.convergences.slice(0, limit).map(cut),
    echoes: report.echoes.slice(0, limit).map(cut),
    rejected: report.rejected.slice(-limit),
    judged: report.judged,
    totals: { convergences: report.convergences.length, echoes: report.echoes.length, rejected: report.rejected.length },
  };
}

export interface Match extends LinkView {
  /** The other finding of the pair. */
  other: FindingNode;
}

/** The findings a finding converges with or echoes, best first: what `cairn find` reports right after recording. */
export function matchesFor(state: ConvergenceState, findingId: string, options: ConvergenceOptions = {}): Match[] {
  return matchesAmong((own(state.linksOf, findingId) ?? []).map((i) => state.links[i]!), foldFacts(state), findingId, options);
}

/** The same, from the links that touch the finding, in the order they were scored. */
export function matchesAmong(touching: readonly Link[], facts: ConvergenceFacts, findingId: string, options: ConvergenceOptions = {}): Match[] {
  return touching
    .filter((l) => isSimilar(l, options))
    .map((l) => ({ ...linkView(facts, l), other: facts.finding(l.earlier === findingId ? l.later : l.earlier) }))
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'convergence' ? -1 : 1) || b.score - a.score);
}

/**
 * Independent candidates no agent has judged yet at the default threshold, newest first: what
 * a reflector is reminded of. The count is kept by the fold; the newest are found walking the
 * links back from the end, so the cost is what is shown, not the log.
 */
export function unjudgedCandidates(state: ConvergenceState, limit = 5): { total: number; links: LinkView[] } {
  const newest: LinkView[] = [];
  const facts = foldFacts(state);
  for (let i = state.links.length - 1; i >= 0 && newest.length < Math.min(limit, state.unjudged); i--) {
    const l = state.links[i]!;
    if (!l.echo && isSimilar(l) && !own(state.judgments, linkKey(l.earlier, l.later))) newest.push(linkView(facts, l));
  }
  return { total: state.unjudged, links: newest };
}
