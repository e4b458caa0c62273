import type Database from 'better-sqlite3';
import type { StoredEvent } from '../../events/index.js';

type Stored<T extends StoredEvent['type']> = Extract<StoredEvent, { type: T }>;
import { isSimilar } from '../../projections/convergence.js';
import { candidateStatus, judgmentFrom, type JudgmentStatus } from '../../projections/convergence-report.js';
import { contrastsOf } from '../similarity/claim.js';
import { DEFAULT_LIMITS, addDocument } from '../similarity/similarity-index.js';
import type { CausalityTables } from './causality.js';
import type { Counters } from './counters.js';
import { SimilarityTables } from './similarity.js';

/**
 * Convergence in tables: projections/convergence.ts, row by row. Each finding is scored
 * against the similarity index when it is folded, and its candidate links are kept with
 * whether each is an echo (happens-before, from the causality tables as they stand at that
 * point of the log) and how agents judged it. The links that count at the default thresholds
 * are kept in clusters as they arrive, so a report reads its top clusters, not every link.
 */

export const judgedKey = (status: JudgmentStatus) => `convergence:judged:${status}`;

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
    this.s = {
      finding: prepare(`SELECT position, instance, role, summary FROM findings WHERE kind = 'finding' AND id = ?`),
      person: prepare(`SELECT instance, role FROM findings WHERE position = ?`),
      link: prepare(`INSERT INTO links (later, rank, earlier, lexical, semantic, contrasts, echo, similar, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      between: prepare(`SELECT later, rank, earlier, lexical, semantic, echo, similar, status, cluster FROM links WHERE later = ? AND earlier = ?`),
      setStatus: prepare(`UPDATE links SET status = ? WHERE later = ? AND rank = ?`),
      setLinkCluster: prepare(`UPDATE links SET cluster = ? WHERE later = ? AND rank = ?`),
      judge: prepare(`INSERT INTO judgments (earlier, later, judge, verdict, reason, position, at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (earlier, later, judge) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason, position = excluded.position, at = excluded.at`),
      verdicts: prepare(`SELECT judge AS by, verdict, reason, position FROM judgments WHERE earlier = ? AND later = ? ORDER BY judge`),
      memberOf: prepare(`SELECT cluster, independent FROM cluster_members WHERE finding = ?`),
      addMember: prepare(`INSERT INTO cluster_members (finding, cluster, independent) VALUES (?, ?, 0)`),
      newCluster: prepare(`INSERT INTO clusters (id, kind, members, links, independent_links, latest, roles, instances) VALUES (?, 'echo', 1, 0, 0, ?, 1, 1)`),
      addPerson: prepare(`INSERT INTO cluster_people (cluster, what, name, members, independent) VALUES (?, ?, ?, 1, 0)`),
      cluster: prepare(`SELECT members, links, independent_links, latest FROM clusters WHERE id = ?`),
      moveMembers: prepare(`UPDATE cluster_members SET cluster = ? WHERE cluster = ?`),
      moveLinks: prepare(`UPDATE links SET cluster = ? WHERE cluster = ?`),
      movePeople: prepare(`INSERT INTO cluster_people (cluster, what, name, members, independent) SELECT ?, what, name, members, independent FROM cluster_people WHERE cluster = ? AND true
        ON CONFLICT (cluster, what, name) DO UPDATE SET members = members + excluded.members, independent = independent + excluded.independent`),
      dropPeople: prepare(`DELETE FROM cluster_people WHERE cluster = ?`),
      grow: prepare(`UPDATE clusters SET members = members + ?, links = links + ?, independent_links = independent_links + ?, latest = max(latest, ?) WHERE id = ?`),
      dropCluster: prepare(`DELETE FROM clusters WHERE id = ?`),
      markIndependent: prepare(`UPDATE cluster_members SET independent = 1 WHERE finding = ?`),
      personIndependent: prepare(`UPDATE cluster_people SET independent = independent + 1 WHERE cluster = ? AND what = ? AND name = ?`),
      // Its kind, and how many roles and instances it counts (the independent members' for a convergence).
      refresh: prepare(`UPDATE clusters SET kind = CASE WHEN independent_links > 0 THEN 'convergence' ELSE 'echo' END,
        roles = (SELECT count(*) FROM cluster_people p WHERE p.cluster = clusters.id AND p.what = 'role' AND (CASE WHEN clusters.independent_links > 0 THEN p.independent ELSE p.members END) > 0),
        instances = (SELECT count(*) FROM cluster_people p WHERE p.cluster = clusters.id AND p.what = 'instance' AND (CASE WHEN clusters.independent_links > 0 THEN p.independent ELSE p.members END) > 0)
        WHERE id = ?`),
      linksOf: prepare(`SELECT later, rank, earlier, echo FROM links WHERE cluster = ? ORDER BY later, rank`),
      dropMembers: prepare(`DELETE FROM cluster_members WHERE cluster = ?`),
    };
  }

  reset(): void {
    this.index.reset();
  }

  finish(): void {
    this.index.finish();
  }

  /** A finding just written to the findings table; the causality tables have taken in its cites. */
  addFinding(event: Stored<'FindingRecorded'>): void {
    const { data, position } = event;
    const instance = event.metadata.instanceId;
    let rank = 0;
    for (const n of addDocument(this.index, data.findingId, data.summary, data.embedding, DEFAULT_LIMITS)) {
      const earlier = this.s.finding.get(n.id) as { position: bigint; instance: string; summary: string };
      if (earlier.instance === instance) continue;
      const echo = this.causality.knows(instance, earlier.instance, earlier.position);
      const similar = isSimilar(n);
      // Read only for the pairs that count at the default threshold, as the fold does.
      const contrasts = similar ? contrastsOf(earlier.summary, data.summary) : [];
      const status = this.judgmentStatus(n.id, data.findingId);
      const row: LinkRow = { later: position, rank: rank++, earlier: earlier.position, lexical: n.lexical, semantic: n.semantic ?? null, echo: echo ? 1 : 0, similar: similar ? 1 : 0, status };
      this.s.link.run(row.later, row.rank, row.earlier, row.lexical, row.semantic, contrasts.length > 0 ? JSON.stringify(contrasts) : null, row.echo, row.similar, status);
      this.countJudged(row, status, 1);
      if (counts(status, similar)) this.join(row);
    }
  }

  judged(event: Stored<'ConvergenceJudged'>): void {
    const { earlier, later, by, verdict, reason } = event.data;
    this.s.judge.run(earlier, later, by, verdict, reason, event.position, event.metadata.at);
    const a = (this.s.finding.get(earlier) as { position: bigint } | undefined)?.position;
    const b = (this.s.finding.get(later) as { position: bigint } | undefined)?.position;
    if (a === undefined || b === undefined) return;
    const row = (this.s.between.get(b, a) ?? this.s.between.get(a, b)) as (LinkRow & { echo: bigint; similar: bigint; cluster: bigint | null }) | undefined;
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
    if (before && !after) {
      this.s.setLinkCluster.run(null, link.later, link.rank);
      this.split(link.cluster!);
    }
  }

  private judgmentStatus(earlier: string, later: string): JudgmentStatus {
    return judgmentFrom(this.s.verdicts.all(earlier, later) as { by: string; verdict: 'same' | 'different'; reason: string; position: bigint }[]).status;
  }

  /** The judged tally at the default thresholds: independent candidates only, as the report counts them. */
  private countJudged(link: Pick<LinkRow, 'echo' | 'lexical' | 'semantic'>, status: JudgmentStatus, by: 1 | -1): void {
    if (link.echo === 1) return;
    const counted = candidateStatus(status, { lexical: link.lexical, ...(link.semantic === null ? {} : { semantic: link.semantic }) });
    if (counted !== 'dropped') this.counters.bump(judgedKey(counted), by);
  }

  private clusterOf(finding: bigint): bigint {
    const member = this.s.memberOf.get(finding) as { cluster: bigint } | undefined;
    if (member) return member.cluster;
    const { instance, role } = this.s.person.get(finding) as { instance: string; role: string };
    this.s.addMember.run(finding, finding);
    this.s.newCluster.run(finding, finding);
    this.s.addPerson.run(finding, 'role', role);
    this.s.addPerson.run(finding, 'instance', instance);
    return finding;
  }

  /** The smaller cluster joins the larger: each finding moves O(log n) times over the log. */
  private merge(a: bigint, b: bigint): bigint {
    const ca = this.s.cluster.get(a) as { members: bigint; links: bigint; independent_links: bigint; latest: bigint };
    const cb = this.s.cluster.get(b) as typeof ca;
    const [big, small, gone] = ca.members >= cb.members ? [a, b, cb] : [b, a, ca];
    this.s.moveMembers.run(big, small);
    this.s.moveLinks.run(big, small);
    this.s.movePeople.run(big, small);
    this.s.dropPeople.run(small);
    this.s.grow.run(gone.members, gone.links, gone.independent_links, gone.latest, big);
    this.s.dropCluster.run(small);
    return big;
  }

  private join(link: Pick<LinkRow, 'later' | 'rank' | 'earlier' | 'echo'>): void {
    const a = this.clusterOf(link.earlier);
    const b = this.clusterOf(link.later);
    const cluster = a === b ? a : this.merge(a, b);
    this.s.setLinkCluster.run(cluster, link.later, link.rank);
    this.s.grow.run(0, 1, link.echo === 1 ? 0 : 1, 0, cluster);
    if (link.echo === 0) for (const f of [link.earlier, link.later]) this.markIndependent(f, cluster);
    this.s.refresh.run(cluster);
  }

  private markIndependent(finding: bigint, cluster: bigint): void {
    const member = this.s.memberOf.get(finding) as { independent: bigint };
    if (member.independent === 1n) return;
    this.s.markIndependent.run(finding);
    const { instance, role } = this.s.person.get(finding) as { instance: string; role: string };
    this.s.personIndependent.run(cluster, 'role', role);
    this.s.personIndependent.run(cluster, 'instance', instance);
  }

  /** A link left the cluster: its remaining links are joined again from nothing. */
  private split(cluster: bigint): void {
    const links = this.s.linksOf.all(cluster) as Pick<LinkRow, 'later' | 'rank' | 'earlier' | 'echo'>[];
    this.s.moveLinks.run(null, cluster);
    this.s.dropMembers.run(cluster);
    this.s.dropPeople.run(cluster);
    this.s.dropCluster.run(cluster);
    for (const link of links) this.join({ ...link, echo: Number(link.echo) });
  }
}
