import type Database from 'better-sqlite3';
import type { FindingFilter as FindingsFold, FindingRecord, SynthesisRecord } from '../../projections/findings.js';
import type { Message } from '../../projections/inbox.js';
import type { QuestionRecord } from '../../projections/questions.js';
import { topicKey } from '../../projections/shared.js';
import { taskView, type TaskRecord, type TaskStatus, type TaskView } from '../../projections/tasks.js';
import { pageInfo, sqlLimit, withinChars, type PageInfo, type PageRequest } from './page.js';
import { countKey, countOf } from './counters.js';
import { termSet, type Corpus } from '../similarity/tfidf.js';
import { terms } from '../similarity/tokenize.js';

/**
 * Bounded reads over the tables: each is one or two index seeks plus the rows it returns,
 * newest first (oldest first where reading in order matters), continuing after a cursor,
 * with the count of everything that matches.
 */

export interface Page<T> {
  items: T[];
  page: PageInfo;
}

type Row = Record<string, unknown>;
const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const list = (v: unknown): string[] => JSON.parse(String(v)) as string[];

/** A WHERE clause and its parameters, built from the filters a caller gave. */
class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  /** Few rows match, through an index of their own: read those and sort them, rather than walk the key's order testing each. */
  few = false;
  add(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }
  get sql(): string {
    return this.parts.length === 0 ? '1' : this.parts.join(' AND ');
  }
}

type Order = 'newest' | 'oldest';

/** The characters of a row's texts: what its item will carry (summaries, bodies, outcomes). */
const rowChars = (row: Row): number => {
  let n = 0;
  for (const v of Object.values(row)) if (typeof v === 'string') n += v.length;
  return n;
};

/**
 * One page, and how many match: `total` from the counters when the caller has it (a count
 * over an index still reads every entry), and what remains as the total less the pages
 * before this one and this one (counting back to the cursor costs the pages walked, not the rest).
 */
function paged<T>(db: Database.Database, table: string, key: string, where: Where | Where[], request: PageRequest, toItem: (row: Row) => T, order: Order = 'newest', total?: number): Page<T> {
  const [after, direction, upTo] = order === 'newest' ? ['<', 'DESC', '>='] : ['>', 'ASC', '<='];
  // Disjoint branches, each read in key order from its own index and merged: an OR or an IN
  // would make SQLite sort every match to return a page of them.
  const branches = Array.isArray(where) ? where : [where];
  const cursor = request.cursor === undefined ? '' : ` AND ${key} ${after} ?`;
  const cursorParams = request.cursor === undefined ? [] : [request.cursor];
  const limit = sqlLimit(request);
  // `+key` keeps SQLite from walking the key's index for a branch whose own index finds its few rows.
  const orderOf = (w: Where) => `${w.few ? '+' : ''}${key}`;
  const select = (w: Where) => `SELECT * FROM (SELECT * FROM ${table} WHERE ${w.sql}${cursor} ORDER BY ${orderOf(w)} ${direction} LIMIT ?)`;
  const sql = branches.length === 1 ? `SELECT * FROM ${table} WHERE ${branches[0]!.sql}${cursor} ORDER BY ${orderOf(branches[0]!)} ${direction} LIMIT ?` : `${branches.map(select).join(' UNION ALL ')} ORDER BY ${key} ${direction} LIMIT ?`;
  const params = [...branches.flatMap((w) => [...w.params, ...cursorParams, ...(branches.length === 1 ? [] : [limit])]), limit];
  const rows = withinChars(db.prepare(sql).safeIntegers(true).all(...params) as Row[], request.chars, rowChars);
  const count = (extra: string, ...extraParams: unknown[]) =>
    branches.reduce((n, w) => n + Number(db.prepare(`SELECT count(*) FROM ${table} WHERE ${w.sql}${extra}`).pluck().get(...w.params, ...extraParams)), 0);
  const positions = rows.map((row) => big(row[key]));
  const all = total ?? count('');
  const before = request.cursor === undefined ? 0 : count(` AND ${key} ${upTo} ?`, request.cursor);
  return { items: rows.map(toItem), page: pageInfo(positions, all, Math.max(0, all - before - positions.length)) };
}

// ---- tasks ----

export interface TaskFilter {
  /** Effective status at `now`: a claim whose lease ran out is open. */
  status?: TaskStatus;
  /** Every status; otherwise open and claimed only. */
  all?: boolean;
  /** Live claims of this instance. */
  owner?: string;
  /** Only claims whose lease ran out unreleased: the ones that need attention. */
  stale?: boolean;
}

function taskRecord(row: Row): TaskRecord {
  return {
    taskId: String(row.id),
    title: String(row.title),
    description: str(row.description),
    tags: list(row.tags),
    proposedBy: String(row.proposed_by),
    proposedAt: String(row.proposed_at),
    proposedPosition: big(row.proposed_position),
    status: row.status as TaskStatus,
    owner: str(row.owner),
    leaseUntil: str(row.lease_until),
    claimedAt: str(row.claimed_at),
    lastOwner: str(row.last_owner),
    completedBy: str(row.completed_by),
    outcome: str(row.outcome),
    abandonedBy: str(row.abandoned_by),
    abandonReason: str(row.abandon_reason),
    claims: Number(row.claims),
    position: big(row.position),
    updatedAt: String(row.updated_at),
  };
}

/** One task as the tables hold it, undefined for a task never proposed. */
export function taskById(db: Database.Database, taskId: string): TaskRecord | undefined {
  const row = db.prepare(`SELECT * FROM tasks WHERE id = ?`).safeIntegers(true).get(taskId) as Row | undefined;
  return row && taskRecord(row);
}

/** The filter as disjoint branches, each a status (and lease) an index serves in order. */
export function taskWhere(filter: TaskFilter, now: Date): Where[] {
  const nowMs = now.getTime();
  const status = (value: string) => new Where().add('status = ?', value);
  // Live claims are few (the leases running now): found by the lease index, then sorted. Stale
  // ones can be most of a month's claims: `+lease_until_ms` reads them newest first from the
  // status index and tests each lease, rather than sort every expired one to return a page.
  const live = () => Object.assign(status('claimed').add('lease_until_ms > ?', nowMs), { few: true });
  const stale = () => status('claimed').add(`+lease_until_ms <= ${nowMs}`);
  let branches: Where[];
  if (filter.stale) branches = [stale()];
  else if (filter.owner !== undefined) branches = filter.status === undefined || filter.status === 'claimed' ? [live()] : [new Where().add('0')];
  else if (filter.status === 'open') branches = [status('open'), stale()];
  else if (filter.status === 'claimed') branches = [live()];
  else if (filter.status !== undefined) branches = [status(filter.status)];
  else if (!filter.all) branches = [status('open'), status('claimed')];
  else branches = [new Where()];
  if (filter.owner !== undefined) for (const b of branches) b.add('owner = ?', filter.owner);
  return branches;
}

export function tasksPage(db: Database.Database, filter: TaskFilter, now: Date, request: PageRequest): Page<TaskView> {
  return paged(db, 'tasks', 'proposed_position', taskWhere(filter, now), request, (row) => taskView(taskRecord(row), now), 'newest', taskTotal(db, filter, now));
}

/** How many tasks a filter matches, from the counters and the (few) stale claims. */
function taskTotal(db: Database.Database, filter: TaskFilter, now: Date): number | undefined {
  if (filter.owner !== undefined) return undefined;
  const counts = taskCounts(db, now);
  if (filter.stale) return counts.stale;
  if (filter.status !== undefined) return counts[filter.status];
  return counts.open + counts.claimed + (filter.all ? counts.completed + counts.abandoned : 0);
}

/** Open and claimed tasks sharing stems with `text`, those sharing the most first, at most `limit`. */
export function relatedActiveTasks(db: Database.Database, text: string, now: Date, limit = 500): TaskView[] {
  const wanted = termSet(terms(text));
  if (wanted.length === 0) return [];
  const marks = wanted.map(() => '?').join(', ');
  const rows = db
    .prepare(`SELECT t.* FROM (SELECT task_position, count(*) AS shared FROM task_terms WHERE term IN (${marks}) GROUP BY task_position ORDER BY shared DESC, task_position DESC LIMIT ?) m
      JOIN tasks t ON t.proposed_position = m.task_position ORDER BY m.shared DESC, t.proposed_position DESC`)
    .safeIntegers(true)
    .all(...wanted, limit) as Row[];
  return rows.map((row) => taskView(taskRecord(row), now));
}

/**
 * The word weights of every open and claimed task, with `extra` counted as one more
 * document, for the stems of `texts`: what IDF-weighted cosine over them needs, as if it
 * had read every active task.
 */
export function activeTaskCorpus(db: Database.Database, texts: readonly string[], extra: string): Corpus {
  const dfOf = db.prepare(`SELECT n FROM task_df WHERE term = ?`).pluck();
  const inExtra = new Set(terms(extra));
  const df: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const text of [extra, ...texts]) for (const term of terms(text)) df[term] ??= Number(dfOf.get(term) ?? 0) + (inExtra.has(term) ? 1 : 0);
  return { docs: countOf(db, countKey.tasks('open')) + countOf(db, countKey.tasks('claimed')) + 1, df };
}

/** How many tasks have each effective status at `now`. */
export function taskCounts(db: Database.Database, now: Date): Record<TaskStatus | 'stale', number> {
  const counts = { open: 0, claimed: 0, completed: 0, abandoned: 0, stale: 0 };
  for (const status of ['open', 'claimed', 'completed', 'abandoned'] as const) counts[status] = countOf(db, countKey.tasks(status));
  counts.stale = Number(db.prepare(`SELECT count(*) FROM tasks WHERE status = 'claimed' AND lease_until_ms <= ?`).pluck().get(now.getTime()));
  counts.claimed -= counts.stale;
  counts.open += counts.stale;
  return counts;
}

// ---- findings and syntheses ----

/** The findings projection's filters, and which of the two kinds. */
export interface FindingFilter extends FindingsFold {
  kind?: 'finding' | 'synthesis';
}

export type FindingOrSynthesis = { kind: 'finding'; record: FindingRecord } | { kind: 'synthesis'; record: SynthesisRecord };

function findingItem(row: Row): FindingOrSynthesis {
  const common = { by: String(row.by), summary: String(row.summary), tags: list(row.tags), questionId: str(row.question_id), at: String(row.at), position: big(row.position) };
  if (row.kind === 'synthesis') return { kind: 'synthesis', record: { synthesisId: String(row.id), ...common, integrates: list(row.cites) } };
  return {
    kind: 'finding',
    record: { findingId: String(row.id), ...common, role: String(row.role), topic: str(row.topic), cites: list(row.cites), seenUpTo: big(row.seen_up_to) },
  };
}

export function findingsPage(db: Database.Database, filter: FindingFilter, request: PageRequest): Page<FindingOrSynthesis> {
  const where = new Where();
  if (filter.kind !== undefined) where.add('kind = ?', filter.kind);
  if (filter.topic !== undefined) where.add('topic_key = ?', topicKey(filter.topic));
  if (filter.tag !== undefined) where.add('position IN (SELECT position FROM finding_tags WHERE tag_key = ?)', topicKey(filter.tag));
  if (filter.questionId !== undefined) where.add('question_id = ?', filter.questionId);
  if (filter.by !== undefined) where.add('by = ?', filter.by);
  if (typeof filter.since === 'bigint') where.add('position > ?', filter.since);
  else if (filter.since !== undefined) where.add('at_ms >= ?', filter.since.getTime());
  return paged(db, 'findings', 'position', where, request, findingItem, 'newest', findingTotal(db, filter));
}

/** The counter for a filter on one thing (a topic, an author, a question), if it is that simple. */
function findingTotal(db: Database.Database, filter: FindingFilter): number | undefined {
  const given = [filter.topic, filter.tag, filter.questionId, filter.by, filter.since].filter((f) => f !== undefined).length;
  const kinds: ('finding' | 'synthesis')[] = filter.kind === undefined ? ['finding', 'synthesis'] : [filter.kind];
  const sum = (key: (kind: 'finding' | 'synthesis') => string) => {
    let n = 0;
    for (const kind of kinds) n += countOf(db, key(kind));
    return n;
  };
  if (given === 0) return sum(countKey.findings);
  if (given > 1) return undefined;
  if (filter.topic !== undefined) return countOf(db, countKey.findingsByTopic(topicKey(filter.topic)));
  if (filter.by !== undefined) return sum((kind) => countKey.findingsBy(kind, filter.by!));
  if (filter.questionId !== undefined) return sum((kind) => countKey.findingsOnQuestion(kind, filter.questionId!));
  return undefined;
}

// ---- messages ----

function message(row: Row): Message {
  return { messageId: String(row.id), from: String(row.sender), to: String(row.recipient), body: String(row.body), replyTo: str(row.reply_to), at: String(row.at), position: big(row.position) };
}

/**
 * Messages that reach `instanceId` (to it; to its role or all, unless it sent them). `after`:
 * only those past that position (the unread ones), oldest first, so reading a page and
 * marking it read never skips one; otherwise every message, newest first.
 */
export function inboxPage(db: Database.Database, instanceId: string, role: string | undefined, after: bigint | undefined, request: PageRequest): Page<Message> {
  // One branch per address, each served in order by the recipient index (see `paged`).
  const to = (recipient: string) => new Where().add('recipient = ?', recipient).add('position > ?', after ?? 0n);
  const broadcasts = ['all', ...(role === undefined ? [] : [`role:${role}`])].map((address) => to(address).add('sender != ?', instanceId));
  return paged(db, 'messages', 'position', [to(instanceId), ...broadcasts], request, message, after === undefined ? 'newest' : 'oldest');
}

/** Every message, newest first: the board's message panel. */
export const messagesPage = (db: Database.Database, request: PageRequest): Page<Message> =>
  paged(db, 'messages', 'position', new Where(), request, message, 'newest', countOf(db, countKey.messages()));

/** An instance's role and read cursor, as the tables know them. */
export function instanceRow(db: Database.Database, instanceId: string): { role: string; inboxCursor: bigint } | undefined {
  const row = db.prepare(`SELECT role, inbox_cursor FROM instances WHERE id = ?`).safeIntegers(true).get(instanceId) as Row | undefined;
  return row && { role: String(row.role), inboxCursor: big(row.inbox_cursor) };
}

// ---- questions ----

/**
 * How many findings (not syntheses) a question has, and the id of the `nth` in log order,
 * read from its own index rows; undefined for a question never posed.
 */
export function questionWork(db: Database.Database, questionId: string, nth: number): { findings: number; nth: string | undefined } | undefined {
  if (db.prepare(`SELECT 1 FROM questions WHERE id = ?`).get(questionId) === undefined) return undefined;
  const findings = Number(db.prepare(`SELECT count(*) FROM findings WHERE question_id = ? AND kind = 'finding'`).pluck().get(questionId));
  const id = db.prepare(`SELECT id FROM findings WHERE question_id = ? AND kind = 'finding' ORDER BY position LIMIT 1 OFFSET ?`).pluck().get(questionId, nth - 1);
  return { findings, nth: id === undefined ? undefined : String(id) };
}

export function questionsPage(db: Database.Database, status: 'open' | 'closed' | undefined, request: PageRequest): Page<QuestionRecord> {
  const where = new Where();
  if (status !== undefined) where.add('status = ?', status);
  const workOn = db.prepare(`SELECT kind, id FROM findings WHERE question_id = ? ORDER BY position`);
  const total = status === undefined ? countOf(db, countKey.questions('open')) + countOf(db, countKey.questions('closed')) : countOf(db, countKey.questions(status));
  return paged(db, 'questions', 'position', where, request, (row) => {
    const work = workOn.all(String(row.id)) as { kind: string; id: string }[];
    return {
      questionId: String(row.id),
      text: String(row.text),
      tags: list(row.tags),
      askedBy: String(row.asked_by),
      askedAt: String(row.asked_at),
      position: big(row.position),
      status: row.status as 'open' | 'closed',
      closedBy: str(row.closed_by),
      closedAt: str(row.closed_at),
      resolution: str(row.resolution),
      findings: work.filter((w) => w.kind === 'finding').map((w) => w.id),
      syntheses: work.filter((w) => w.kind === 'synthesis').map((w) => w.id),
    };
  }, 'newest', total);
}
