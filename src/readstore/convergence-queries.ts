import type Database from 'better-sqlite3';
import { FLOOR, pathVia, type AnonymousRead, type Raise, type Why } from '../../projections/causality.js';
import { DEFAULT_SEMANTIC_THRESHOLD, DEFAULT_THRESHOLD, type ConvergenceOptions, type FindingNode, type Link } from '../../projections/convergence.js';
import { calibrationOf } from '../../projections/convergence-calibration.js';
import {
  boundedReport,
  clustersOf,
  judgmentFrom,
  linkView,
  matchesAmong,
  type Cluster,
  type ClusterMember,
  type ConvergenceFacts,
  type JudgmentStatus,
  type JudgmentView,
  type LinkView,
  type Match,
} from '../../projections/convergence-report.js';
import type { ConvergedCluster } from '../../projections/health.js';
import { sharedTerms } from '../similarity/tfidf.js';
import { countOf } from './counters.js';
import { judgedKey, VERDICTS_SQL } from './convergence.js';

/**
 * What `convergence`, `find`, `judge` and `health` ask of the convergence tables. At the
 * default thresholds a report reads its top clusters and their newest members and links;
 * another threshold regroups every candidate link (complete, and as costly as the links).
 */

type Row = Record<string, unknown>;

const LINK_COLUMNS = `e.id AS earlier_id, f.id AS later_id, l.later, l.rank, l.lexical, l.semantic, l.echo, l.status`;
const LINKS_FROM = `links l JOIN findings e ON e.position = l.earlier JOIN findings f ON f.position = l.later`;

function linkOf(row: Row): Link {
  const link: Link = { earlier: row.earlier_id as string, later: row.later_id as string, lexical: row.lexical as number, echo: row.echo === 1n };
  if (row.semantic !== null) link.semantic = row.semantic as number;
  return link;
}

function nodeOf(row: Row): FindingNode {
  const node: FindingNode = {
    findingId: row.id as string,
    position: row.position as bigint,
    instanceId: row.instance as string,
    role: row.role as string,
    seenUpTo: row.seen_up_to as bigint,
    at: row.at as string,
    summary: row.summary as string,
  };
  if (row.topic !== null) node.topic = row.topic as string;
  return node;
}

function whyOf(row: Row): Why {
  switch (row.kind as Why['kind']) {
    case 'synced':
      return { kind: 'synced' };
    case 'everything':
      return { kind: 'everything', via: row.via as string };
    case 'shown':
      return { kind: 'shown', via: row.via as string, stream: row.stream as string, carrier: row.carrier as bigint, author: row.carrier_author as string };
    case 'cites':
      return { kind: 'cites', stream: row.stream as string, carrier: row.carrier as bigint, author: row.carrier_author as string };
  }
}

/** The facts a link's explanation reads (its findings, shared stems, judgments, path), from the tables. */
export class TableFacts implements ConvergenceFacts {
  private readonly s;
  private readonly nodes = new Map<string, FindingNode>();

  constructor(readonly db: Database.Database) {
    const prepare = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.s = {
      finding: prepare(`SELECT position, id, instance, role, seen_up_to, at, summary, topic FROM findings WHERE kind = 'finding' AND id = ?`),
      terms: prepare(`SELECT terms FROM sim_docs WHERE id = ?`).pluck(),
      verdicts: prepare(VERDICTS_SQL),
      covering: prepare(`SELECT at, up_to, kind, via, stream, carrier, carrier_author FROM raises WHERE instance = ? AND author = ? AND up_to >= ? ORDER BY up_to LIMIT 1`),
      anonymousStream: prepare(`SELECT at, via FROM anonymous_streams WHERE stream = ?`),
      anonymousEverything: prepare(`SELECT at, via FROM anonymous_everything WHERE up_to >= ? ORDER BY at LIMIT 1`),
    };
  }

  finding(id: string): FindingNode {
    let node = this.nodes.get(id);
    if (!node) this.nodes.set(id, (node = nodeOf(this.s.finding.get(id) as Row)));
    return node;
  }

  sharedStems(a: string, b: string): string[] {
    const termsOf = (id: string) => ((this.s.terms.get(id) as string | undefined) ?? '').split(' ').filter(Boolean);
    return sharedTerms(termsOf(a), termsOf(b));
  }

  judgment(link: Pick<Link, 'earlier' | 'later'>): JudgmentView {
    return judgmentFrom(this.s.verdicts.all(link.earlier, link.later) as JudgmentView['judges']);
  }

  pathTo(instance: string, before: bigint, target: { author: string; position: bigint; stream: string }) {
    return pathVia((who, author, position, by) => this.firstCovering(who, author, position, by), instance, before, target);
  }

  /** Along an entry's raises both `up_to` and `at` grow: the least reach that covers is also the earliest. */
  private firstCovering(instance: string, author: string, position: bigint, before: bigint): Raise | undefined {
    let best: Raise | undefined;
    for (const key of author === FLOOR ? [FLOOR] : [author, FLOOR]) {
      const row = this.s.covering.get(instance, key, position) as Row | undefined;
      if (row && (row.at as bigint) <= before && (!best || (row.at as bigint) < best.at)) best = { at: row.at as bigint, upTo: row.up_to as bigint, why: whyOf(row) };
    }
    return best;
  }

  anonymousReadBefore(stream: string, position: bigint, before: bigint): AnonymousRead | undefined {
    const direct = this.s.anonymousStream.get(stream) as AnonymousRead | undefined;
    let best = direct && direct.at < before ? direct : undefined;
    const everything = this.s.anonymousEverything.get(position) as AnonymousRead | undefined;
    if (everything && everything.at < before && (!best || everything.at < best.at)) best = everything;
    return best;
  }
}

const isDefault = (options: ConvergenceOptions): boolean =>
  (options.threshold ?? DEFAULT_THRESHOLD) === DEFAULT_THRESHOLD && (options.semanticThreshold ?? DEFAULT_SEMANTIC_THRESHOLD) === DEFAULT_SEMANTIC_THRESHOLD;

/** Newest `limit` rows of a query ordered newest first, back in log order. */
const newest = <T>(rows: T[]): T[] => rows.reverse();

export interface BoundedCluster extends Cluster {
  sizes: { members: number; links: number };
}

export interface BoundedReport {
  convergences: BoundedCluster[];
  echoes: BoundedCluster[];
  rejected: LinkView[];
  judged: Record<JudgmentStatus, number>;
  totals: { convergences: number; echoes: number; rejected: number };
}

/** The report as `boundedReport` cuts it: the first `limit` clusters of each kind, each with its newest `limit` members and links. */
export function convergenceReport(db: Database.Database, limit: number, options: ConvergenceOptions = {}): BoundedReport {
  const facts = new TableFacts(db);
  if (!isDefault(options)) return boundedReport(clustersOf(allLinks(db), facts, options), limit);
  const q = (sql: string) => db.prepare(sql).safeIntegers(true);
  const max = Number.isFinite(limit) ? limit : -1;
  const s = {
    members: q(`SELECT m.independent, f.position, f.id, f.instance, f.role, f.seen_up_to, f.at, f.summary, f.topic FROM cluster_members m JOIN findings f ON f.position = m.finding WHERE m.cluster = ? ORDER BY m.finding DESC LIMIT ?`),
    // Each member's link to its leader (the cluster's id): the links a cluster is made of.
    links: q(`SELECT ${LINK_COLUMNS} FROM cluster_members m JOIN links l ON l.later = m.finding AND l.earlier = m.cluster JOIN findings e ON e.position = l.earlier JOIN findings f ON f.position = l.later WHERE m.cluster = ? ORDER BY m.finding DESC LIMIT ?`),
    // A convergence counts its independent members' roles and instances; an echo cluster all of its members'.
    people: {
      convergence: q(`SELECT name FROM cluster_people WHERE cluster = ? AND what = ? AND independent > 0 ORDER BY name`).pluck(),
      echo: q(`SELECT name FROM cluster_people WHERE cluster = ? AND what = ? AND members > 0 ORDER BY name`).pluck(),
    },
  };
  const cluster = (row: Row): BoundedCluster => {
    const id = row.id as bigint;
    const kind = row.kind as Cluster['kind'];
    const members = newest(s.members.all(id, max) as Row[]).map((r): ClusterMember => ({ ...nodeOf(r), independent: r.independent === 1n }));
    const links = newest(s.links.all(id, max) as Row[]).map((r) => linkView(facts, linkOf(r)));
    const people = (what: string) => s.people[kind].all(id, what) as string[];
    return { kind, members, links, roles: people('role'), instances: people('instance'), sizes: { members: Number(row.members), links: Number(row.links) } };
  };
  const clusters = (kind: string, order: string) => (q(`SELECT * FROM clusters WHERE kind = ? ORDER BY ${order} LIMIT ?`).all(kind, max) as Row[]).map(cluster);
  const total = (kind: string) => Number(q(`SELECT count(*) FROM clusters WHERE kind = ?`).pluck().get(kind));
  const rejected = newest(q(`SELECT ${LINK_COLUMNS} FROM ${LINKS_FROM} WHERE l.status = 'rejected' AND l.similar = 1 ORDER BY l.later DESC, l.rank DESC LIMIT ?`).all(max) as Row[]).map((r) =>
    linkView(facts, linkOf(r)),
  );
  const judged = { confirmed: 0, rejected: 0, disputed: 0, unjudged: 0 };
  for (const status of Object.keys(judged) as JudgmentStatus[]) judged[status] = countOf(db, judgedKey(status));
  return {
    convergences: clusters('convergence', 'roles DESC, instances DESC, latest DESC'),
    echoes: clusters('echo', 'latest DESC'),
    rejected,
    judged,
    totals: { convergences: total('convergence'), echoes: total('echo'), rejected: Number(q(`SELECT count(*) FROM links WHERE status = 'rejected' AND similar = 1`).pluck().get()) },
  };
}

/** Every candidate link in the order it was scored: for a threshold the clusters were not kept at. */
function* allLinks(db: Database.Database): Generator<Link> {
  for (const row of db.prepare(`SELECT ${LINK_COLUMNS} FROM ${LINKS_FROM} ORDER BY l.later, l.rank`).safeIntegers(true).iterate() as Iterable<Row>) yield linkOf(row);
}

/** The candidates of one finding, best first, as `find` reports them. */
export function matchesOf(db: Database.Database, findingId: string, options: ConvergenceOptions = {}): Match[] {
  const facts = new TableFacts(db);
  const position = facts.finding(findingId).position;
  const rows = db
    .prepare(`SELECT ${LINK_COLUMNS} FROM ${LINKS_FROM} WHERE l.later = ? UNION ALL SELECT ${LINK_COLUMNS} FROM ${LINKS_FROM} WHERE l.earlier = ? ORDER BY 3, 4`)
    .safeIntegers(true)
    .all(position, position) as Row[];
  return matchesAmong(rows.map(linkOf), facts, findingId, options);
}

/** The candidate between two findings, in either order, if the matcher kept one. */
export function linkBetweenIds(db: Database.Database, a: string, b: string): Link | undefined {
  const position = db.prepare(`SELECT position FROM findings WHERE kind = 'finding' AND id = ?`).safeIntegers(true).pluck();
  const [pa, pb] = [position.get(a) as bigint | undefined, position.get(b) as bigint | undefined];
  if (pa === undefined || pb === undefined) return undefined;
  // The later finding's few links, found by the primary key.
  const between = db.prepare(`SELECT ${LINK_COLUMNS} FROM ${LINKS_FROM} WHERE l.later = ? AND l.earlier = ?`).safeIntegers(true);
  const row = (pa > pb ? between.get(pa, pb) : between.get(pb, pa)) as Row | undefined;
  return row && linkOf(row);
}

/** Independent candidates nobody has judged, newest first, and how many there are. */
export function unjudgedLinks(db: Database.Database, limit = 5): { total: number; links: LinkView[] } {
  const facts = new TableFacts(db);
  const rows = db
    .prepare(`SELECT ${LINK_COLUMNS} FROM ${LINKS_FROM} WHERE l.status = 'unjudged' AND l.similar = 1 AND l.echo = 0 ORDER BY l.later DESC, l.rank DESC LIMIT ?`)
    .safeIntegers(true)
    .all(limit) as Row[];
  return { total: countOf(db, judgedKey('unjudged')), links: rows.map((r) => linkView(facts, linkOf(r))) };
}

/**
 * The matcher held against the judged candidates (projections/convergence-calibration.ts):
 * each pair of findings judged (either way round) that is a link, with the status its own
 * verdicts give it (kept on the link as they come), read in one statement.
 */
export function calibration(db: Database.Database, options: ConvergenceOptions = {}) {
  const rows = db
    .prepare(
      // CROSS JOIN keeps this order (SQLite's planner may otherwise pair every finding with every finding first).
      `SELECT l.lexical, l.semantic, l.status FROM (SELECT DISTINCT earlier, later FROM judgments) j
        CROSS JOIN findings a ON a.kind = 'finding' AND a.id = j.earlier
        CROSS JOIN findings b ON b.kind = 'finding' AND b.id = j.later
        CROSS JOIN links l ON l.later = max(a.position, b.position) AND l.earlier = min(a.position, b.position)
        WHERE l.status IN ('confirmed', 'rejected')`,
    )
    .all() as { lexical: number; semantic: number | null; status: JudgmentStatus }[];
  return calibrationOf(
    rows.map(({ lexical, semantic, status }) => ({ link: semantic === null ? { lexical } : { lexical, semantic }, status })),
    options,
  );
}

/** Health's `converged` from the tables: the clusters that the window's findings joined independently. */
export function convergedInTables(db: Database.Database, options: ConvergenceOptions = {}) {
  return (positions: ReadonlySet<bigint>): ConvergedCluster[] => {
    if (!isDefault(options)) {
      const facts = new TableFacts(db);
      return clustersOf(allLinks(db), facts, options)
        .convergences.filter((c) => c.links.some((l) => l.kind === 'convergence' && positions.has(facts.finding(l.later).position)))
        .map((c) => ({ roles: c.roles, members: c.members.filter((m) => positions.has(m.position)) }));
    }
    const q = (sql: string) => db.prepare(sql).safeIntegers(true);
    const memberOf = q(`SELECT cluster, independent FROM cluster_members WHERE finding = ?`);
    const clusterRow = q(`SELECT id, roles, instances, latest FROM clusters WHERE id = ?`);
    const members = new Map<bigint, ConvergedCluster['members']>();
    const joined = new Set<bigint>();
    for (const p of [...positions].sort((a, b) => (a < b ? -1 : 1))) {
      const m = memberOf.get(p) as { cluster: bigint; independent: bigint } | undefined;
      if (!m) continue;
      let inWindow = members.get(m.cluster);
      if (!inWindow) members.set(m.cluster, (inWindow = []));
      inWindow.push({ position: p, independent: m.independent === 1n });
      // The window joined it independently: a finding there joined its leader independently.
      if (m.cluster !== p && m.independent === 1n) joined.add(m.cluster);
    }
    const clusters = [...joined]
      .map((id) => clusterRow.get(id) as { id: bigint; roles: bigint; instances: bigint; latest: bigint })
      .sort((a, b) => Number(b.roles - a.roles) || Number(b.instances - a.instances) || (a.latest > b.latest ? -1 : 1));
    const roles = q(`SELECT name FROM cluster_people WHERE cluster = ? AND what = 'role' AND independent > 0 ORDER BY name`).pluck();
    return clusters.map((c) => ({ roles: roles.all(c.id) as string[], members: members.get(c.id)! }));
  };
}
