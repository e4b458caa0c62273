import type Database from 'better-sqlite3';
import type { TaskView } from '../../projections/tasks.js';
import { taskText } from '../signals/compare.js';
import type { DuplicateClaims, RelatedFindings, SuggestionClaim, SuggestionFinding } from '../signals/suggestions.js';
import { cosine, memoIdfOf, termSet } from '../similarity/tfidf.js';
import { terms } from '../similarity/tokenize.js';
import { countKey, countOf } from './counters.js';

/**
 * The pairs the coordinator's suggestions choose from, read from indexes the fold keeps, so a
 * board costs what it shows and never compares every pair of findings or claims:
 *  - related findings: the similarity index's links between findings of different instances
 *    (scored when the later finding was folded, against the findings before it), newest first;
 *  - findings on one topic: for the topics of the newest findings, each instance's latest
 *    finding on the topic (topic_work), paired across instances;
 *  - near-duplicate claims: live claims that share a stem (task_terms), scored with the
 *    active tasks' word weights (task_df).
 */

type FindingRow = { position: bigint; id: string; by: string; summary: string; topic: string | null };

const suggestionFinding = (row: FindingRow): SuggestionFinding => ({ findingId: row.id, by: row.by, summary: row.summary, ...(row.topic === null ? {} : { topic: row.topic }) });

/** Related pairs of findings, newest first (by the later finding, then the earlier): at most `links` links and the topics of the newest `findings` findings. */
export function relatedFindingPairs(db: Database.Database, threshold: number, limits: { links: number; findings: number }): RelatedFindings[] {
  const pairs = new Map<string, { later: FindingRow; earlier: FindingRow; score: number }>();
  const findingAt = db.prepare(`SELECT position, id, by, summary, topic FROM findings WHERE position = ?`).safeIntegers(true);
  const keep = (a: FindingRow, b: FindingRow, score: number) => {
    if (a.by === b.by) return;
    const [later, earlier] = a.position > b.position ? [a, b] : [b, a];
    const key = `${later.position}:${earlier.position}`;
    if (!pairs.has(key)) pairs.set(key, { later, earlier, score });
  };

  const links = db
    .prepare(`SELECT later, earlier, lexical FROM links WHERE lexical >= ? ORDER BY later DESC, rank DESC LIMIT ?`)
    .safeIntegers(true)
    .all(threshold, limits.links) as { later: bigint; earlier: bigint; lexical: number }[];
  for (const link of links) {
    const later = findingAt.get(link.later) as FindingRow | undefined;
    const earlier = findingAt.get(link.earlier) as FindingRow | undefined;
    if (later && earlier) keep(later, earlier, link.lexical);
  }

  // Each pair of instances on a topic, by their latest findings on it, scored by their link if they have one.
  const topics = db.prepare(`SELECT DISTINCT topic_key FROM (SELECT topic_key FROM findings WHERE kind = 'finding' ORDER BY position DESC LIMIT ?) WHERE topic_key IS NOT NULL`).pluck().all(limits.findings) as string[];
  const workers = db.prepare(`SELECT last_position FROM topic_work WHERE topic_key = ? ORDER BY instance`).pluck().safeIntegers(true);
  // `+earlier`: look the pair up by the later finding's (few) links, never by every link to a popular earlier one.
  const linkBetween = db.prepare(`SELECT lexical FROM links WHERE later = ? AND +earlier = ?`).pluck();
  for (const topic of topics) {
    const latest = (workers.all(topic) as bigint[]).map((position) => findingAt.get(position) as FindingRow | undefined).filter((row): row is FindingRow => row !== undefined);
    latest.forEach((a, i) =>
      latest.slice(i + 1).forEach((b) => {
        const [later, earlier] = a.position > b.position ? [a, b] : [b, a];
        keep(later, earlier, (linkBetween.get(later.position, earlier.position) as number | undefined) ?? 0);
      }),
    );
  }

  return [...pairs.values()]
    .sort((a, b) => (a.later.position === b.later.position ? (a.earlier.position > b.earlier.position ? -1 : 1) : a.later.position > b.later.position ? -1 : 1))
    .map(({ later, earlier, score }) => ({ later: suggestionFinding(later), earlier: suggestionFinding(earlier), score }));
}

/** Pairs of the given live claims, held by different instances, whose tasks share a stem, with their similarity. */
export function duplicateClaimPairs(db: Database.Database, claims: readonly TaskView[]): DuplicateClaims[] {
  const live = claims.filter((t) => t.owner !== null);
  if (live.length < 2) return [];
  const byPosition = new Map(live.map((t) => [t.proposedPosition, t]));
  const marks = live.map(() => '?').join(', ');
  const positions = live.map((t) => t.proposedPosition);
  const candidates = db
    .prepare(
      `SELECT DISTINCT a.task_position AS a, b.task_position AS b FROM task_terms a JOIN task_terms b ON b.term = a.term AND b.task_position > a.task_position
       WHERE a.task_position IN (${marks}) AND b.task_position IN (${marks})`,
    )
    .safeIntegers(true)
    .all(...positions, ...positions) as { a: bigint; b: bigint }[];
  if (candidates.length === 0) return [];

  const dfOf = db.prepare(`SELECT n FROM task_df WHERE term = ?`).pluck();
  const weight = memoIdfOf(countOf(db, countKey.tasks('open')) + countOf(db, countKey.tasks('claimed')), (term) => Number(dfOf.get(term) ?? 0));
  const termsOf = new Map<bigint, string[]>();
  const stems = (task: TaskView) => {
    let t = termsOf.get(task.proposedPosition);
    if (!t) termsOf.set(task.proposedPosition, (t = termSet(terms(taskText({ title: task.title, description: task.description ?? undefined, tags: task.tags })))));
    return t;
  };
  const claimOf = (t: TaskView): SuggestionClaim => ({ taskId: t.taskId, title: t.title, ...(t.description ? { description: t.description } : {}), tags: t.tags, owner: t.owner! });
  return candidates.flatMap(({ a, b }) => {
    const x = byPosition.get(a)!;
    const y = byPosition.get(b)!;
    return x.owner === y.owner ? [] : [{ a: claimOf(x), b: claimOf(y), score: cosine(stems(x), stems(y), weight) }];
  });
}
