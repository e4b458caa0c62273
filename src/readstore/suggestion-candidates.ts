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
 *    finding on the topic (topic_work), paired across instances (related by the topic alone
 *    when the links did not find them similar);
 *  - near-duplicate claims: live claims that share a stem (task_terms), scored with the
 *    active tasks' word weights (task_df).
 */

type FindingRow = { position: bigint; id: string; by: string; summary: string; topic: string | null };

const suggestionFinding = (row: FindingRow): SuggestionFinding => ({ findingId: row.id, by: row.by, summary: row.summary, ...(row.topic === null ? {} : { topic: row.topic }) });

/** Related pairs of findings, newest first (by the later finding, then the earlier): at most `links` links and the topics of the newest `findings` findings. */
export function relatedFindingPairs(db: Database.Database, threshold: number, limits: { links: number; findings: number }): RelatedFindings[] {
  const pairs = new Map<string, { later: FindingRow; earlier: FindingRow; score: number }>();
  const keep = (a: FindingRow, b: FindingRow, score: number) => {
    if (a.by === b.by) return;
    const [later, earlier] = a.position > b.position ? [a, b] : [b, a];
    const key = `${later.position}:${earlier.position}`;
    if (!pairs.has(key)) pairs.set(key, { later, earlier, score });
  };

  const links = db
    .prepare(
      `SELECT l.lexical, a.position AS a_position, a.id AS a_id, a.by AS a_by, a.summary AS a_summary, a.topic AS a_topic,
         b.position AS b_position, b.id AS b_id, b.by AS b_by, b.summary AS b_summary, b.topic AS b_topic
       FROM (SELECT later, earlier, lexical FROM links WHERE lexical >= ? ORDER BY later DESC, rank DESC LIMIT ?) l
       JOIN findings a ON a.position = l.later JOIN findings b ON b.position = l.earlier`,
    )
    .safeIntegers(true)
    .all(threshold, limits.links) as Record<string, unknown>[];
  const side = (row: Record<string, unknown>, p: 'a' | 'b'): FindingRow => ({ position: row[`${p}_position`] as bigint, id: row[`${p}_id`] as string, by: row[`${p}_by`] as string, summary: row[`${p}_summary`] as string, topic: row[`${p}_topic`] as string | null });
  for (const row of links) keep(side(row, 'a'), side(row, 'b'), Number(row.lexical));

  // Each pair of instances on a topic, by their latest findings on it: related by the topic alone
  // (score 0) unless the links above found them similar.
  const topics = db.prepare(`SELECT DISTINCT topic_key FROM (SELECT topic_key FROM findings WHERE kind = 'finding' ORDER BY position DESC LIMIT ?) WHERE topic_key IS NOT NULL`).pluck().all(limits.findings) as string[];
  const latestOn = db
    .prepare(`SELECT f.position, f.id, f.by, f.summary, f.topic FROM topic_work w JOIN findings f ON f.position = w.last_position WHERE w.topic_key = ? ORDER BY w.instance`)
    .safeIntegers(true);
  for (const topic of topics) {
    const latest = latestOn.all(topic) as FindingRow[];
    latest.forEach((a, i) => latest.slice(i + 1).forEach((b) => keep(a, b, 0)));
  }

  return [...pairs.values()]
    .sort((a, b) => (a.later.position === b.later.position ? (a.earlier.position > b.earlier.position ? -1 : 1) : a.later.position > b.later.position ? -1 : 1))
    .map(({ later, earlier, score }) => ({ later: suggestionFinding(later), earlier: suggestionFinding(earlier), score }));
}

/** Pairs of the given live claims, held by different instances, whose tasks share a stem, with their similarity. */
export function duplicateClaimPairs(db: Database.Database, claims: readonly TaskView[]): DuplicateClaims[] {
  const live = claims.filter((t) => t.owner !== null);
  if (live.length < 2) return [];
  const stems = live.map((t) => termSet(terms(taskText({ title: t.title, description: t.description ?? undefined, tags: t.tags }))));
  // Which of these claims hold each stem: pairs come only from shared stems, never from every pair.
  const holders = new Map<string, number[]>();
  stems.forEach((words, i) => {
    for (const word of words) {
      const list = holders.get(word);
      if (list) list.push(i);
      else holders.set(word, [i]);
    }
  });
  const candidates = new Set<number>();
  for (const list of holders.values()) for (let x = 0; x < list.length; x++) for (let y = x + 1; y < list.length; y++) candidates.add(list[x]! * live.length + list[y]!);
  if (candidates.size === 0) return [];

  const dfOf = db.prepare(`SELECT n FROM task_df WHERE term = ?`).pluck();
  const weight = memoIdfOf(countOf(db, countKey.tasks('open')) + countOf(db, countKey.tasks('claimed')), (term) => Number(dfOf.get(term) ?? 0));
  const claimOf = (t: TaskView): SuggestionClaim => ({ taskId: t.taskId, title: t.title, ...(t.description ? { description: t.description } : {}), tags: t.tags, owner: t.owner! });
  return [...candidates]
    .sort((a, b) => a - b)
    .flatMap((pair) => {
      const [i, j] = [Math.floor(pair / live.length), pair % live.length];
      const [x, y] = [live[i]!, live[j]!];
      return x.owner === y.owner ? [] : [{ a: claimOf(x), b: claimOf(y), score: cosine(stems[i]!, stems[j]!, weight) }];
    });
}
