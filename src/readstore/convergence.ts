import type Database from 'better-sqlite3';
import { lazily } from '../runtime/lazily.js';
import type { StoredEvent } from '../../events/index.js';

type Stored<T extends StoredEvent['type']> = Extract<StoredEvent, { type: T }>;
import { isSimilar } from '../../projections/convergence.js';
import { candidateStatus, judgmentFrom, type JudgmentStatus, type JudgmentView } from '../../projections/convergence-report.js';
import { DEFAULT_LIMITS, addDocument } from '../similarity/similarity-index.js';
import type { CausalityTables } from './causality.js';
import type { Counters } from './counters.js';
import { joined } from './joined.js';
import { SimilarityTables } from './similarity.js';

/**
 * Convergence in tables: projections/convergence.ts, row by row. Each finding is scored
 * against the similarity index when it is folded, and its candidate links are kept with
 * whether each is an echo (happens-before, from the causality tables as they stand at that
 * point of the log) and how agents judged it. The links that count at the default thresholds
 * are kept in clusters as they arrive, so a report reads its top clusters, not every link.
 */

export const judgedKey = (status: JudgmentStatus) => `convergence:judged:${status}`;

/** Each judge's latest verdict on a pair, in the order `judgmentFrom` expects. */
export const VERDICTS_SQL = `SELECT judge AS by, verdict, reason, position FROM judgments WHERE earlier = ? AND later = ? ORDER BY judge`;

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
      // Every verdict on the pairs of one later finding and its candidates (a JSON array of ids), in one statement: seeks in the primary key.
      verdictsOn: () => prepare(`SELECT earlier, judge AS by, verdict, reason, position FROM judgments WHERE later = ? AND earlier IN (SELECT value FROM json_each(?)) ORDER BY earlier, judge`),
      memberOf: () => prepare(`SELECT cluster, independent FROM cluster_members WHERE finding = ?`),
      addMember: () => prepare(`INSERT INTO cluster_members (finding, cluster, independent) VALUES (?, ?, 0)`),
      newCluster: () => prepare(`INSERT INTO clusters (id, kind, members, links, independent_links, latest, roles, instances) VALUES (?, 'echo', 0, 0, 0, ?, 0, 0)`),
      addPerson: () => prepare(`INSERT INTO cluster_people (cluster, what, name, members, independent) VALUES (?, ?, ?, 1, 0)
        ON CONFLICT (cluster, what, name) DO UPDATE SET members = members + 1`),
      cluster: () => prepare(`SELECT members, links, independent_links, latest FROM clusters WHERE id = ?`),
      moveMembers: () => prepare(`UPDATE cluster_members SET cluster = ? WHERE cluster = ?`),
      movePeople: () => prepare(`INSERT INTO cluster_people (cluster, what, name, members, independent) SELECT ?, what, name, members, independent FROM cluster_people WHERE cluster = ? AND true
        ON CONFLICT (cluster, what, name) DO UPDATE SET members = members + excluded.members, independent = independent + excluded.independent`),
      dropPeople: () => prepare(`DELETE FROM cluster_people WHERE cluster = ?`),
      grow: () => prepare(`UPDATE clusters SET members = members + ?, links = links + ?, independent_links = independent_links + ?, latest = max(latest, ?) WHERE id = ?`),
      dropCluster: () => prepare(`DELETE FROM clusters WHERE id = ?`),
      markIndependent: () => prepare(`UPDATE cluster_members SET independent = 1 WHERE finding = ?`),
      personIndependent: () => prepare(`UPDATE cluster_people SET independent = independent + 1 WHERE cluster = ? AND what = ? AND name = ?`),
      // Its kind, and how many roles and instances it counts (the independent members' for a convergence).
      refresh: () => prepare(`UPDATE clusters SET kind = CASE WHEN independent_links > 0 THEN 'convergence' ELSE 'echo' END,
        roles = (SELECT count(*) FROM cluster_people p WHERE p.cluster = clusters.id AND p.what = 'role' AND (CASE WHEN clusters.independent_links > 0 THEN p.independent ELSE p.members END) > 0),
        instances = (SELECT count(*) FROM cluster_people p WHERE p.cluster = clusters.id AND p.what = 'instance' AND (CASE WHEN clusters.independent_links > 0 THEN p.independent ELSE p.members END) > 0)
        WHERE id = ?`),
      // A cluster's links: those that count, of its members as the later finding.
      linksOf: () => prepare(`SELECT l.later, l.rank, l.earlier, l.echo FROM cluster_members m JOIN links l ON l.later = m.finding
        WHERE m.cluster = ? AND (l.status = 'confirmed' OR l.similar = 1 AND l.status != 'rejected') ORDER BY l.later, l.rank`),
      dropMembers: () => prepare(`DELETE FROM cluster_members WHERE cluster = ?`),
      // The findings a finding is linked to by links that count, either way round.
      linkedEarlier: () => prepare(`SELECT earlier FROM links WHERE later = ? AND (status = 'confirmed' OR similar = 1 AND status != 'rejected')`).pluck(),
      linkedLater: () => prepare(`SELECT later FROM links WHERE earlier = ? AND (status = 'confirmed' OR similar = 1 AND status != 'rejected')`).pluck(),
      independentLink: () => prepare(`SELECT 1 FROM links WHERE later = ? AND echo = 0 AND (status = 'confirmed' OR similar = 1 AND status != 'rejected')
        UNION ALL SELECT 1 FROM links WHERE earlier = ? AND echo = 0 AND (status = 'confirmed' OR similar = 1 AND status != 'rejected') LIMIT 1`).pluck(),
      unmarkIndependent: () => prepare(`UPDATE cluster_members SET independent = 0 WHERE finding = ?`),
      personDependent: () => prepare(`UPDATE cluster_people SET independent = independent - 1 WHERE cluster = ? AND what = ? AND name = ?`),
    });
  }

  // Read in this transaction: a finding's rows never change; a member moves only when its
  // cluster joins another (the cache follows) or is regrouped (the cache is dropped).
  private readonly findings = new Map<string, { position: bigint; instance: string }>();
  private readonly people = new Map<bigint, { instance: string; role: string }>();
  private readonly members = new Map<bigint, { cluster: bigint; independent: boolean }>();
  /** What each cluster gained in this transaction, written with its kind and counts at the end (or before it is read). */
  private readonly grown = new Map<bigint, { members: number; links: number; independent: number; latest: bigint }>();

  reset(): void {
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
    const candidates = addDocument(this.index, data.findingId, data.summary, data.embedding, DEFAULT_LIMITS);
    const verdicts = this.verdictsOn(data.findingId, candidates.map((n) => n.id));
    let rank = 0;
    for (const n of candidates) {
      const earlier = this.finding(n.id)!;
      if (earlier.instance === instance) continue;
      const echo = this.causality.knows(instance, earlier.instance, earlier.position);
      const similar = isSimilar(n);
      const status = judgmentFrom(verdicts.get(n.id) ?? []).status;
      const row: LinkRow = { later: position, rank: rank++, earlier: earlier.position, lexical: n.lexical, semantic: n.semantic ?? null, echo: echo ? 1 : 0, similar: similar ? 1 : 0, status };
      this.s.link.run(row.later, row.rank, row.earlier, row.lexical, row.semantic, row.echo, row.similar, status);
      if (counts(status, similar)) this.join(row);
      this.countJudged(row, status, 1);
    }
  }

  judged(event: Stored<'ConvergenceJudged'>): void {
    const { earlier, later, by, verdict, reason } = event.data;
    this.s.judge.run(earlier, later, by, verdict, reason, event.position, event.metadata.at);
    const a = this.finding(earlier)?.position;
    const b = this.finding(later)?.position;
    if (a === undefined || b === undefined) return;
    const row = (this.s.between.get(b, a) ?? this.s.between.get(a, b)) as (LinkRow & { echo: bigint; similar: bigint }) | undefined;
    if (!row) return;
    const link = { ...row, echo: Number(row.echo), similar: Number(row.similar) };
    // Judgments count under the link's own order (earlier~later), as the fold keys them.
    const [earlierId, laterId] = link.earlier === a ? [earlier, later] : [later, earlier];
    const status = this.judgmentStatus(earlierId, laterId);
    if (status === link.status) return;
    this.s.setStatus.run(status, link.later, link.rank);
    this.countJudged(link, link.status, -1);
    this.countJudged(link, status, 1);
    const similar = link.similar === 1;
    const before = counts(link.status, similar);
    const after = counts(status, similar);
    if (!before && after) this.join(link);
    if (before && !after) this.unlink(link);
  }

  private judgmentStatus(earlier: string, later: string): JudgmentStatus {
    return judgmentFrom(this.s.verdicts.all(earlier, later) as Verdict[]).status;
  }

  /** The verdicts on each pair (earlier, `later`) of the `earlier` ids given, each pair's by judge. */
  private verdictsOn(later: string, earlier: string[]): Map<string, Verdict[]> {
    const verdicts = new Map<string, Verdict[]>();
    if (earlier.length === 0) return verdicts;
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

  /** Makes a finding a member of a cluster (a new one, named after it, when none is given). */
  private enter(finding: bigint, cluster = finding): bigint {
    const { instance, role } = this.person(finding);
    if (cluster === finding) this.s.newCluster.run(finding, finding);
    this.s.addMember.run(finding, cluster);
    this.s.addPerson.run(cluster, 'role', role);
    this.s.addPerson.run(cluster, 'instance', instance);
    this.members.set(finding, { cluster, independent: false });
    this.gain(cluster, { members: 1, latest: finding });
    return cluster;
  }

  private gain(cluster: bigint, by: { members?: number; links?: number; independent?: number; latest?: bigint }): void {
    let grown = this.grown.get(cluster);
    if (!grown) this.grown.set(cluster, (grown = { members: 0, links: 0, independent: 0, latest: 0n }));
    grown.members += by.members ?? 0;
    grown.links += by.links ?? 0;
    grown.independent += by.independent ?? 0;
    if (by.latest !== undefined && by.latest > grown.latest) grown.latest = by.latest;
  }

  /** The smaller cluster joins the larger: each finding moves O(log n) times over the log. */
  private merge(a: bigint, b: bigint): bigint {
    this.settle(a);
    this.settle(b);
    const ca = this.s.cluster.get(a) as { members: bigint; links: bigint; independent_links: bigint; latest: bigint };
    const cb = this.s.cluster.get(b) as typeof ca;
    const [big, small, gone] = ca.members >= cb.members ? [a, b, cb] : [b, a, ca];
    this.s.moveMembers.run(big, small);
    this.s.movePeople.run(big, small);
    this.s.dropPeople.run(small);
    this.s.grow.run(gone.members, gone.links, gone.independent_links, gone.latest, big);
    this.s.dropCluster.run(small);
    for (const member of this.members.values()) if (member.cluster === small) member.cluster = big;
    this.s.refresh.run(big);
    return big;
  }

  /** Puts a counting link's two findings in one cluster. */
  private join(link: Pick<LinkRow, 'later' | 'rank' | 'earlier' | 'echo'>): void {
    const a = this.member(link.earlier)?.cluster;
    const b = this.member(link.later)?.cluster;
    // Most often the later finding is new and joins the earlier's cluster as it stands.
    const cluster =
      a === undefined && b === undefined ? this.enter(link.later, this.enter(link.earlier))
      : a === undefined ? this.enter(link.earlier, b)
      : b === undefined ? this.enter(link.later, a)
      : a === b ? a
      : this.merge(a, b);
    this.gain(cluster, { links: 1, independent: link.echo === 0 ? 1 : 0 });
    if (link.echo === 0) for (const f of [link.earlier, link.later]) this.markIndependent(f, cluster);
  }

  private markIndependent(finding: bigint, cluster: bigint): void {
    const member = this.member(finding)!;
    if (member.independent) return;
    member.independent = true;
    this.s.markIndependent.run(finding);
    const { instance, role } = this.person(finding);
    this.s.personIndependent.run(cluster, 'role', role);
    this.s.personIndependent.run(cluster, 'instance', instance);
  }

  /**
   * A link stopped counting. When its findings are still joined through the cluster's other
   * links (as in a dense cluster they nearly always are), the cluster keeps its members and
   * loses the link, and an end loses its independence if that was its last independent link;
   * otherwise the cluster is regrouped.
   */
  private unlink(link: Pick<LinkRow, 'later' | 'earlier' | 'echo'>): void {
    const cluster = this.member(link.later)!.cluster;
    const linked = (finding: bigint) => [...(this.s.linkedEarlier.all(finding) as bigint[]), ...(this.s.linkedLater.all(finding) as bigint[])];
    if (!joined(link.earlier, link.later, linked)) return this.split(cluster);
    this.gain(cluster, { links: -1, independent: link.echo === 0 ? -1 : 0 });
    if (link.echo !== 0) return;
    for (const finding of [link.earlier, link.later]) {
      const member = this.member(finding)!;
      if (!member.independent || this.s.independentLink.get(finding, finding) !== undefined) continue;
      member.independent = false;
      this.s.unmarkIndependent.run(finding);
      const { instance, role } = this.person(finding);
      this.s.personDependent.run(cluster, 'role', role);
      this.s.personDependent.run(cluster, 'instance', instance);
    }
  }

  /** A link left the cluster and may have cut it in two: its remaining links are joined again from nothing. */
  private split(cluster: bigint): void {
    this.settle(cluster);
    const links = this.s.linksOf.all(cluster) as Pick<LinkRow, 'later' | 'rank' | 'earlier' | 'echo'>[];
    this.s.dropMembers.run(cluster);
    this.s.dropPeople.run(cluster);
    this.s.dropCluster.run(cluster);
    this.members.clear();
    for (const link of links) this.join({ ...link, echo: Number(link.echo) });
  }
}
