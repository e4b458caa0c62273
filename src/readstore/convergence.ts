import type Database from 'better-sqlite3';
import { lazily } from '../runtime/lazily.js';
import type { StoredEvent } from '../../events/index.js';

type Stored<T extends StoredEvent['type']> = Extract<StoredEvent, { type: T }>;
import { isSimilar } from '../../projections/convergence.js';
import { candidateStatus, judgmentFrom, type JudgmentStatus, type JudgmentView } from '../../projections/convergence-report.js';
import { DEFAULT_LIMITS, addDocument } from '../similarity/similarity-index.js';
import type { CausalityTables } from './causality.js';
import type { Counters } from './counters.js';
import { SimilarityTables } from './similarity.js';

/**
 * Convergence in tables: projections/convergence.ts, row by row. Each finding is scored
 * against the similarity index when it is folded, and its candidate links are kept with
 * whether each is an echo (happens-before, from the causality tables as they stand at that
 * point of the log) and how agents judged it. Clusters at the default thresholds are kept as
 * findings arrive (each joins its leader: clustersOf in projections/convergence-report.ts
 * says how), so a report reads its top clusters, not every link.
 */

export const judgedKey = (status: JudgmentStatus) => `convergence:judged:${status}`;

/** Each judge's latest verdict on a pair, in the order `judgmentFrom` expects. */
export const VERDICTS_SQL = `SELECT judge AS by, verdict, reason, position FROM judgments WHERE earlier = ? AND later = ? ORDER BY judge`;

/** Findings whose verdicts one transaction asks for, one query each, before it reads every judged id instead (about 5 ms at 10,000 judged pairs). */
const READ_JUDGED_AFTER = 32;

/** One judge's latest verdict on a pair, as `judgmentFrom` takes it. */
type Verdict = JudgmentView['judges'][number];

interface LinkRow {
  later: bigint;
  rank: number;
  earlier: bigint;
  lexical: number;
  semantic: number | null;
  echo: number;
  similar: number;
  status: JudgmentStatus;
}

/** A links row as read (safe integers: its flags are bigints). */
type StoredLink = Omit<LinkRow, 'echo' | 'similar'> & { echo: bigint; similar: bigint };
const linkRow = (row: StoredLink): LinkRow => ({ ...row, echo: Number(row.echo), similar: Number(row.similar) });

/** Counts toward clusters: confirmed whatever the score, or similar and not rejected. */
const counts = (status: JudgmentStatus, similar: boolean): boolean => status === 'confirmed' || (similar && status !== 'rejected');

export class ConvergenceTables {
  readonly index: SimilarityTables;
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly causality: CausalityTables,
    private readonly counters: Counters,
  ) {
    this.index = new SimilarityTables(db);
    const prepare = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.s = lazily({
      finding: () => prepare(`SELECT position, instance, role FROM findings WHERE kind = 'finding' AND id = ?`),
      person: () => prepare(`SELECT instance, role FROM findings WHERE position = ?`),
      link: () => prepare(`INSERT INTO links (later, rank, earlier, lexical, semantic, echo, similar, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      between: () => prepare(`SELECT later, rank, earlier, lexical, semantic, echo, similar, status FROM links WHERE later = ? AND earlier = ?`),
      setStatus: () => prepare(`UPDATE links SET status = ? WHERE later = ? AND rank = ?`),
      judge: () => prepare(`INSERT INTO judgments (earlier, later, judge, verdict, reason, position, at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (earlier, later, judge) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason, position = excluded.position, at = excluded.at`),
      verdicts: () => prepare(VERDICTS_SQL),
      anyJudgment: () => prepare(`SELECT EXISTS (SELECT 1 FROM judgments)`).pluck(),
      judgedLater: () => prepare(`SELECT DISTINCT later FROM judgments`).pluck(),
      // Every verdict on the pairs of one later finding and its candidates (a JSON array of ids), in one statement: seeks in the primary key.
      verdictsOn: () => prepare(`SELECT earlier, judge AS by, verdict, reason, position FROM judgments WHERE later = ? AND earlier IN (SELECT value FROM json_each(?)) ORDER BY earlier, judge`),
      memberOf: () => prepare(`SELECT cluster, independent FROM cluster_members WHERE finding = ?`),
      addMember: () => prepare(`INSERT INTO cluster_members (finding, cluster, independent) VALUES (?, ?, 0)`),
      newCluster: () => prepare(`INSERT INTO clusters (id, kind, members, links, independent_links, latest, roles, instances) VALUES (?, 'echo', 0, 0, 0, ?, 0, 0)`),
      addPerson: () => prepare(`INSERT INTO cluster_people (cluster, what, name, members, independent) VALUES (?, ?, ?, 1, 0)
        ON CONFLICT (cluster, what, name) DO UPDATE SET members = members + 1`),
      dropPeople: () => prepare(`DELETE FROM cluster_people WHERE cluster = ?`),
      grow: () => prepare(`UPDATE clusters SET members = members + ?, links = links + ?, independent_links = independent_links + ?, latest = max(latest, ?) WHERE id = ?`),
      setCounts: () => prepare(`UPDATE clusters SET members = ?, links = ?, independent_links = ?, latest = ? WHERE id = ?`),
      dropCluster: () => prepare(`DELETE FROM clusters WHERE id = ?`),
      setIndependent: () => prepare(`UPDATE cluster_members SET independent = ? WHERE finding = ?`),
      personIndependent: () => prepare(`UPDATE cluster_people SET independent = independent + 1 WHERE cluster = ? AND what = ? AND name = ?`),
      // Its kind, and how many roles and instances it counts (the independent members' for a convergence).
      refresh: () => prepare(`UPDATE clusters SET kind = CASE WHEN independent_links > 0 THEN 'convergence' ELSE 'echo' END,
        roles = (SELECT count(*) FROM cluster_people p WHERE p.cluster = clusters.id AND p.what = 'role' AND (CASE WHEN clusters.independent_links > 0 THEN p.independent ELSE p.members END) > 0),
        instances = (SELECT count(*) FROM cluster_people p WHERE p.cluster = clusters.id AND p.what = 'instance' AND (CASE WHEN clusters.independent_links > 0 THEN p.independent ELSE p.members END) > 0)
        WHERE id = ?`),
      // A finding's links, best first, to choose its leader again.
      linksFrom: () => prepare(`SELECT later, rank, earlier, lexical, semantic, echo, similar, status FROM links WHERE later = ? ORDER BY rank`),
      // The findings after one that link to it, in log order.
      linkedFrom: () => prepare(`SELECT DISTINCT later FROM links WHERE earlier = ? ORDER BY later`).pluck(),
      dropMember: () => prepare(`DELETE FROM cluster_members WHERE finding = ?`),
      dropMembers: () => prepare(`DELETE FROM cluster_members WHERE cluster = ?`),
      // A cluster's members, each with its link to the leader (none for the leader).
      membersOf: () => prepare(`SELECT m.finding, l.echo FROM cluster_members m LEFT JOIN links l ON l.later = m.finding AND l.earlier = m.cluster WHERE m.cluster = ? ORDER BY m.finding`),
    });
  }

  // Read in this transaction: a finding's rows never change; a member moves only when a
  // judgment changes where it, or a finding before it, belongs (`choose`: the cache follows).
  private readonly findings = new Map<string, { position: bigint; instance: string }>();
  private readonly people = new Map<bigint, { instance: string; role: string }>();
  private readonly members = new Map<bigint, { cluster: bigint; independent: boolean }>();
  /** What each cluster gained in this transaction, written with its kind and counts at the end (or before it is read). */
  private readonly grown = new Map<bigint, { members: number; links: number; independent: number; latest: bigint }>();
  /** Whether the log holds any verdict yet: most logs hold few or none, and asking for each new finding's cost more than its links did. */
  private judgedAny: boolean | undefined;
  /**
   * The later finding of every pair judged, read once a transaction has asked for enough
   * findings' verdicts: then most new findings need no query at all (none judged yet), where
   * a small catch-up's one or two findings cost less than reading every judged id.
   */
  private judgedLater: Set<string> | undefined;
  private verdictQueries = 0;

  reset(): void {
    this.judgedAny = undefined;
    this.judgedLater = undefined;
    this.verdictQueries = 0;
    this.index.reset();
    this.findings.clear();
    this.people.clear();
    this.members.clear();
    this.grown.clear();
  }

  finish(): void {
    this.index.finish();
    for (const cluster of [...this.grown.keys()]) this.settle(cluster);
  }

  /** Writes what the cluster gained in this transaction, and its kind, roles and instances. */
  private settle(cluster: bigint): void {
    const grown = this.grown.get(cluster);
    if (!grown) return;
    this.grown.delete(cluster);
    this.s.grow.run(grown.members, grown.links, grown.independent, grown.latest, cluster);
    this.s.refresh.run(cluster);
  }

  private finding(id: string): { position: bigint; instance: string } | undefined {
    let finding = this.findings.get(id);
    // Only a finding found is kept: a verdict can name one the log records later.
    if (!finding && (finding = this.s.finding.get(id) as { position: bigint; instance: string } | undefined)) this.findings.set(id, finding);
    return finding;
  }

  private person(finding: bigint): { instance: string; role: string } {
    let person = this.people.get(finding);
    if (!person) this.people.set(finding, (person = this.s.person.get(finding) as { instance: string; role: string }));
    return person;
  }

  private member(finding: bigint): { cluster: bigint; independent: boolean } | undefined {
    let member = this.members.get(finding);
    if (!member) {
      const row = this.s.memberOf.get(finding) as { cluster: bigint; independent: bigint } | undefined;
      if (!row) return undefined;
      this.members.set(finding, (member = { cluster: row.cluster, independent: row.independent === 1n }));
    }
    return member;
  }

  /** A finding just written to the findings table; the causality tables have taken in its cites. */
  addFinding(event: Stored<'FindingRecorded'>): void {
    const { data, position } = event;
    const instance = event.metadata.instanceId;
    // As its row says (apply.ts wrote it just now): later findings score it, and its cluster names its author.
    this.findings.set(data.findingId, { position, instance });
    this.people.set(position, { instance, role: event.metadata.role });
    const candidates = addDocument(this.index, data.findingId, data.summary, data.embedding, DEFAULT_LIMITS);
    const verdicts = this.verdictsOn(data.findingId, candidates.map((n) => n.id));
    const rows: LinkRow[] = [];
    for (const n of candidates) {
      const earlier = this.finding(n.id)!;
      if (earlier.instance === instance) continue;
      const echo = this.causality.knows(instance, earlier.instance, earlier.position);
      const similar = isSimilar(n);
      const status = judgmentFrom(verdicts.get(n.id) ?? []).status;
      const row: LinkRow = { later: position, rank: rows.length, earlier: earlier.position, lexical: n.lexical, semantic: n.semantic ?? null, echo: echo ? 1 : 0, similar: similar ? 1 : 0, status };
      this.s.link.run(row.later, row.rank, row.earlier, row.lexical, row.semantic, row.echo, row.similar, status);
      this.countJudged(row, status, 1);
      rows.push(row);
    }
    const leader = this.leaderLink(rows);
    if (leader) this.attach(leader);
  }

  judged(event: Stored<'ConvergenceJudged'>): void {
    const { earlier, later, by, verdict, reason } = event.data;
    this.s.judge.run(earlier, later, by, verdict, reason, event.position, event.metadata.at);
    this.judgedAny = true;
    this.judgedLater?.add(later);
    const a = this.finding(earlier)?.position;
    const b = this.finding(later)?.position;
    if (a === undefined || b === undefined) return;
    const row = (this.s.between.get(b, a) ?? this.s.between.get(a, b)) as StoredLink | undefined;
    if (!row) return;
    const link = linkRow(row);
    // Judgments count under the link's own order (earlier~later), as the fold keys them.
    const [earlierId, laterId] = link.earlier === a ? [earlier, later] : [later, earlier];
    const status = this.judgmentStatus(earlierId, laterId);
    if (status === link.status) return;
    this.s.setStatus.run(status, link.later, link.rank);
    this.countJudged(link, link.status, -1);
    this.countJudged(link, status, 1);
    const similar = link.similar === 1;
    if (counts(link.status, similar) !== counts(status, similar)) this.choose(link.later);
  }

  private judgmentStatus(earlier: string, later: string): JudgmentStatus {
    return judgmentFrom(this.s.verdicts.all(earlier, later) as Verdict[]).status;
  }

  /** The verdicts on each pair (earlier, `later`) of the `earlier` ids given, each pair's by judge. */
  private verdictsOn(later: string, earlier: string[]): Map<string, Verdict[]> {
    const verdicts = new Map<string, Verdict[]>();
    if (earlier.length === 0 || !(this.judgedAny ??= this.s.anyJudgment.get() === 1n)) return verdicts;
    if (this.judgedLater === undefined && ++this.verdictQueries > READ_JUDGED_AFTER) this.judgedLater = new Set(this.s.judgedLater.all() as string[]);
    if (this.judgedLater !== undefined && !this.judgedLater.has(later)) return verdicts;
    for (const row of this.s.verdictsOn.all(later, JSON.stringify(earlier)) as (Verdict & { earlier: string })[]) {
      const { earlier: id, ...verdict } = row;
      let pair = verdicts.get(id);
      if (!pair) verdicts.set(id, (pair = []));
      pair.push(verdict);
    }
    return verdicts;
  }

  /** The judged tally at the default thresholds: independent candidates only, as the report counts them. */
  private countJudged(link: Pick<LinkRow, 'echo' | 'lexical' | 'semantic'>, status: JudgmentStatus, by: 1 | -1): void {
    if (link.echo === 1) return;
    const counted = candidateStatus(status, { lexical: link.lexical, ...(link.semantic === null ? {} : { semantic: link.semantic }) });
    if (counted !== 'dropped') this.counters.bump(judgedKey(counted), by);
  }

  /** Makes a finding a member of a cluster (a new one, led by it, when none is given). */
  private enter(finding: bigint, cluster = finding): void {
    const { instance, role } = this.person(finding);
    if (cluster === finding) this.s.newCluster.run(finding, finding);
    this.s.addMember.run(finding, cluster);
    this.s.addPerson.run(cluster, 'role', role);
    this.s.addPerson.run(cluster, 'instance', instance);
    this.members.set(finding, { cluster, independent: false });
    this.gain(cluster, { members: 1, latest: finding });
  }

  private gain(cluster: bigint, by: { members?: number; links?: number; independent?: number; latest?: bigint }): void {
    let grown = this.grown.get(cluster);
    if (!grown) this.grown.set(cluster, (grown = { members: 0, links: 0, independent: 0, latest: 0n }));
    grown.members += by.members ?? 0;
    grown.links += by.links ?? 0;
    grown.independent += by.independent ?? 0;
    if (by.latest !== undefined && by.latest > grown.latest) grown.latest = by.latest;
  }

  /** Whether a finding joined another's cluster: then it leads none, and no finding joins it. */
  private joinedOther(finding: bigint): boolean {
    const member = this.member(finding);
    return member !== undefined && member.cluster !== finding;
  }

  /** The first of a finding's links, best first, that counts and reaches a finding that joined no other: its leader's. */
  private leaderLink(links: readonly LinkRow[]): LinkRow | undefined {
    return links.find((link) => counts(link.status, link.similar === 1) && !this.joinedOther(link.earlier));
  }

  /** The later finding joins the earlier's cluster: made, led by the earlier, if it has none. */
  private attach(link: Pick<LinkRow, 'later' | 'earlier' | 'echo'>): void {
    const leader = link.earlier;
    if (this.member(leader) === undefined) this.enter(leader);
    this.enter(link.later, leader);
    this.gain(leader, { links: 1, independent: link.echo === 0 ? 1 : 0 });
    if (link.echo === 0) for (const f of [leader, link.later]) this.markIndependent(f, leader);
  }

  private markIndependent(finding: bigint, cluster: bigint): void {
    const member = this.member(finding)!;
    if (member.independent) return;
    member.independent = true;
    this.s.setIndependent.run(1, finding);
    const { instance, role } = this.person(finding);
    this.s.personIndependent.run(cluster, 'role', role);
    this.s.personIndependent.run(cluster, 'instance', instance);
  }

  /**
   * A link of `start` began or stopped counting: its place is chosen again, and when it joins
   * or leaves another's cluster, so are the places of the findings after it that link to it,
   * in log order: a place depends only on the findings before it, so each is chosen once.
   */
  private choose(start: bigint): void {
    const waiting = [start];
    // Members of a cluster that went: they had joined it, whatever their rows say now.
    const joinedBefore = new Map<bigint, boolean>();
    while (waiting.length > 0) {
      const finding = waiting.shift()!;
      const joined = this.joinedOther(finding);
      const before = joinedBefore.get(finding) ?? joined;
      const leader = this.leaderLink(this.linksFrom(finding));
      if (leader?.earlier !== (joined ? this.member(finding)!.cluster : undefined)) {
        if (joined) this.leave(finding);
        else if (leader) for (const member of this.dissolve(finding)) joinedBefore.set(member, true);
        if (leader) this.attach(leader);
      }
      if (this.joinedOther(finding) === before) continue;
      for (const later of this.s.linkedFrom.all(finding) as bigint[]) {
        if (waiting.includes(later)) continue;
        const at = waiting.findIndex((w) => w > later);
        waiting.splice(at < 0 ? waiting.length : at, 0, later);
      }
    }
  }

  private linksFrom(finding: bigint): LinkRow[] {
    return (this.s.linksFrom.all(finding) as StoredLink[]).map(linkRow);
  }

  /** A member leaves its cluster; the cluster is counted again, and goes when only its leader is left. */
  private leave(finding: bigint): void {
    const cluster = this.member(finding)!.cluster;
    this.settle(cluster);
    this.s.dropMember.run(finding);
    this.members.delete(finding);
    this.recount(cluster);
  }

  /** A cluster goes (its leader joins another, or nobody is left to join it); returns the members that had joined it. */
  private dissolve(leader: bigint): bigint[] {
    if (this.member(leader) === undefined) return [];
    this.settle(leader);
    const members = (this.s.membersOf.all(leader) as { finding: bigint }[]).map((m) => m.finding);
    for (const member of members) this.members.delete(member);
    this.s.dropMembers.run(leader);
    this.s.dropPeople.run(leader);
    this.s.dropCluster.run(leader);
    return members.filter((member) => member !== leader);
  }

  /** A cluster's counts, people and independence from its members as they now are. */
  private recount(cluster: bigint): void {
    const members = this.s.membersOf.all(cluster) as { finding: bigint; echo: bigint | null }[];
    if (members.length <= 1) {
      this.dissolve(cluster);
      return;
    }
    this.s.dropPeople.run(cluster);
    const joiners = members.filter((m) => m.finding !== cluster);
    const independent = joiners.filter((m) => m.echo === 0n).length;
    for (const { finding, echo } of members) {
      const alone = finding === cluster ? independent > 0 : echo === 0n;
      this.s.setIndependent.run(alone ? 1 : 0, finding);
      this.members.set(finding, { cluster, independent: alone });
      const { instance, role } = this.person(finding);
      for (const [what, name] of [['role', role], ['instance', instance]] as const) {
        this.s.addPerson.run(cluster, what, name);
        if (alone) this.s.personIndependent.run(cluster, what, name);
      }
    }
    const latest = members.reduce((max, m) => (m.finding > max ? m.finding : max), 0n);
    this.s.setCounts.run(members.length, joiners.length, independent, latest, cluster);
    this.s.refresh.run(cluster);
  }
}
