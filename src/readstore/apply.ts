import type Database from 'better-sqlite3';
import { lazily } from '../runtime/lazily.js';
import { ANONYMOUS, type StoredEvent } from '../../events/index.js';
import { topicKey } from '../../projections/shared.js';
import { CausalityTables } from './causality.js';
import { ActivityTables } from './activity.js';
import { ConvergenceTables } from './convergence.js';
import { HealthTables } from './health.js';
import { searchDocOf } from './search-docs.js';
import { SeenInstances } from './seen-instances.js';
import { countKey, Counters } from './counters.js';
import { taskText } from '../signals/compare.js';
import { termSet } from '../similarity/tfidf.js';
import { terms } from '../similarity/tokenize.js';
import { EVERY_PART, PART_OF, withReads, type TablePart } from './table-parts.js';

/** What a writer keeps: every part unless `parts` names some (with the parts they read). */
export interface TableWrites {
  parts?: Iterable<TablePart> | undefined;
}

/**
 * Applies one event to the read models' tables: the same facts the folds in projections/
 * derive (tasks.ts, findings.ts, questions.ts, inbox.ts, causality.ts), written as rows so a
 * read touches only the rows it shows. Called in log order, inside the catch-up transaction.
 */
export class TableWriter {
  private readonly causality: CausalityTables;
  private readonly convergence: ConvergenceTables;
  private readonly health: HealthTables;
  private readonly activity: ActivityTables;
  private readonly counters: Counters;
  private readonly instances: SeenInstances;
  private readonly s;
  private readonly parts: ReadonlySet<TablePart>;
  /** Also the tables only search, advice, suggestions and the hook read (the `search` part). */
  private readonly full: boolean;
  /** How far this transaction moved each open task stem's count (task_df), written at its end: only reads outside a fold read it. */
  private readonly stemCounts = new Map<string, number>();

  constructor(db: Database.Database, { parts = EVERY_PART }: TableWrites = {}) {
    this.parts = withReads(parts);
    this.full = this.parts.has('search');
    this.causality = new CausalityTables(db);
    this.counters = new Counters(db);
    this.convergence = new ConvergenceTables(db, this.causality, this.counters);
    this.health = new HealthTables(db);
    this.activity = new ActivityTables(db);
    this.instances = new SeenInstances(db);
    const prepare = (sql: string) => db.prepare(sql);
    this.s = lazily({
      joined: () => prepare(`UPDATE instances SET role = ?, joined = 1, left_at = NULL WHERE id = ?`),
      role: () => prepare(`UPDATE instances SET role = ? WHERE id = ?`),
      left: () => prepare(`UPDATE instances SET left_at = ? WHERE id = ?`),
      synced: () => prepare(`UPDATE instances SET synced_up_to = max(synced_up_to, ?) WHERE id = ?`),
      inboxRead: () => prepare(`UPDATE instances SET inbox_cursor = ? WHERE id = ?`),
      propose: () => prepare(`INSERT OR IGNORE INTO tasks (id, title, description, tags, proposed_by, proposed_at, proposed_position, status, position, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`),
      taskStatus: () => prepare(`SELECT status FROM tasks WHERE id = ?`).pluck(),
      taskText: () => prepare(`SELECT title, description, tags, proposed_position FROM tasks WHERE id = ?`),
      addTerm: () => prepare(`INSERT OR IGNORE INTO task_terms (term, task_position) VALUES (?, ?)`),
      dropTerm: () => prepare(`DELETE FROM task_terms WHERE term = ? AND task_position = ?`),
      df: () => prepare(`INSERT INTO task_df (term, n) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET n = n + excluded.n`),
      questionStatus: () => prepare(`SELECT status FROM questions WHERE id = ?`).pluck(),
      taskTag: () => prepare(`INSERT OR IGNORE INTO task_tags (tag, task_id) VALUES (?, ?)`),
      claim: () => prepare(`UPDATE tasks SET status = 'claimed', owner = ?, last_owner = ?, lease_until = ?, lease_until_ms = ?, claimed_at = ?, claims = claims + 1, position = ?, updated_at = ? WHERE id = ?`),
      renew: () => prepare(`UPDATE tasks SET status = 'claimed', owner = ?, last_owner = ?, lease_until = ?, lease_until_ms = ?, position = ?, updated_at = ? WHERE id = ?`),
      endClaim: () => prepare(`UPDATE tasks SET status = ?, owner = NULL, lease_until = NULL, lease_until_ms = NULL, claimed_at = NULL, position = ?, updated_at = ? WHERE id = ?`),
      completed: () => prepare(`UPDATE tasks SET completed_by = ?, outcome = ? WHERE id = ?`),
      abandoned: () => prepare(`UPDATE tasks SET abandoned_by = ?, abandon_reason = ? WHERE id = ?`),
      finding: () => prepare(`INSERT OR IGNORE INTO findings (position, kind, id, by, role, summary, topic, topic_key, tags, cites, question_id, at, at_ms, seen_up_to, instance)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      findingTag: () => prepare(`INSERT OR IGNORE INTO finding_tags (tag_key, position) VALUES (?, ?)`),
      topicWork: () => prepare(`INSERT INTO topic_work (topic_key, instance, findings, last_position, topic) VALUES (?, ?, 1, ?, ?)
        ON CONFLICT (topic_key, instance) DO UPDATE SET findings = findings + 1, last_position = excluded.last_position`),
      message: () => prepare(`INSERT OR IGNORE INTO messages (position, id, sender, recipient, body, reply_to, at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      talked: () => prepare(`INSERT OR IGNORE INTO talked (a, b) VALUES (?, ?)`),
      searchable: () => prepare(`INSERT INTO search (rowid, words, text, kind, ref, author, role, topic, at_ms, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      ofRole: () => prepare(`SELECT id FROM instances WHERE role = ? AND id != ?`).pluck(),
      ask: () => prepare(`INSERT OR IGNORE INTO questions (id, text, tags, asked_by, asked_at, position, status) VALUES (?, ?, ?, ?, ?, ?, 'open')`),
      close: () => prepare(`UPDATE questions SET status = 'closed', closed_by = ?, closed_at = ?, resolution = ? WHERE id = ?`),
    });
  }

  /** Starts a transaction: what was cached from the tables may have changed since. */
  reset(): void {
    this.stemCounts.clear(); // a rolled-back transaction's
    this.instances.reset();
    this.counters.reset();
    this.causality.reset();
    this.convergence.reset();
    this.health.reset();
    this.activity.reset();
  }

  /** Ends a transaction: writes what was kept for its end. */
  finish(): void {
    // Every stem touched is written, even one that came back to where it was, as one upsert per change left it.
    for (const [term, delta] of this.stemCounts) this.s.df.run(term, delta);
    this.stemCounts.clear();
    this.instances.flush();
    this.counters.finish();
    this.causality.finish();
    this.convergence.finish();
    this.health.finish();
    this.activity.finish();
  }

  /** Counts a task leaving its status for another; an ended task leaves the term index. */
  private moved(taskId: string, to: string): void {
    const from = this.s.taskStatus.get(taskId) as string | undefined;
    if (from === undefined || from === to) return;
    this.counters.bump(countKey.tasks(from), -1);
    this.counters.bump(countKey.tasks(to));
    const active = (status: string) => status === 'open' || status === 'claimed';
    if (active(from) !== active(to)) this.indexTerms(taskId, active(to) ? 1 : -1);
  }

  /** Adds a task's stems to the index (+1) or takes them out (-1). */
  private indexTerms(taskId: string, delta: 1 | -1): void {
    if (!this.full) return;
    const row = this.s.taskText.get(taskId) as { title: string; description: string | null; tags: string; proposed_position: number | bigint } | undefined;
    if (!row) return;
    const text = taskText({ title: row.title, description: row.description ?? undefined, tags: JSON.parse(row.tags) as string[] });
    for (const term of termSet(terms(text))) {
      (delta > 0 ? this.s.addTerm : this.s.dropTerm).run(term, row.proposed_position);
      this.stemCounts.set(term, (this.stemCounts.get(term) ?? 0) + delta);
    }
  }

  /** The event's document in the full-text index (search-docs.ts), once, when its entity is new. */
  private searchable(event: StoredEvent): void {
    if (!this.full) return;
    const doc = searchDocOf(event);
    if (!doc) return;
    this.s.searchable.run(doc.position, doc.words, doc.text, doc.kind, doc.ref, doc.author, doc.role, doc.topic, doc.atMs, doc.length);
    this.counters.bump(countKey.searchDocs());
    this.counters.bump(countKey.searchWords(), doc.length);
  }

  private countFinding(kind: 'finding' | 'synthesis', by: string, questionId: string | undefined, topic: string | null): void {
    const c = this.counters;
    c.bump(countKey.findings(kind));
    c.bump(countKey.findingsBy(kind, by));
    if (questionId !== undefined) c.bump(countKey.findingsOnQuestion(kind, questionId));
    if (topic !== null) c.bump(countKey.findingsByTopic(topic));
  }

  apply(event: StoredEvent): void {
    const { instanceId: author, role, at } = event.metadata;
    const position = event.position;
    const s = this.s;
    // An instance that never joined is known by the role its first event carried.
    if (author !== ANONYMOUS) this.instances.seen(author, role, at, position);
    let newFinding = false;
    const parts = this.parts;
    // Before the task rows change: a claim asks who held the task until now.
    if (parts.has('activity')) this.activity.apply(event);
    const part = PART_OF[event.type];
    // A switch, not ts-pattern's match: this runs once per event of a million-event catch-up,
    // and the `never` below keeps it exhaustive all the same.
    if (part === undefined || parts.has(part)) switch (event.type) {
      case 'InstanceJoined': {
        const { data } = event;
        this.instances.flushOne(data.instanceId);
        this.instances.write(data.instanceId, data.role, at, position);
        s.joined.run(data.role, data.instanceId);
        break;
      }
      case 'RoleChanged':
        this.instances.flushOne(event.data.instanceId);
        s.role.run(event.data.to, event.data.instanceId);
        break;
      case 'InstanceLeft':
        this.instances.flushOne(event.data.instanceId);
        s.left.run(at, event.data.instanceId);
        break;
      case 'InstanceSynced':
        this.instances.flushOne(event.data.instanceId);
        s.synced.run(BigInt(event.data.upTo), event.data.instanceId);
        break;
      case 'InboxRead':
        this.instances.flushOne(event.data.instanceId);
        s.inboxRead.run(BigInt(event.data.upTo), event.data.instanceId);
        break;
      case 'TaskProposed': {
        const { data } = event;
        const inserted = s.propose.run(data.taskId, data.title, data.description ?? null, JSON.stringify(data.tags), data.proposedBy, at, position, position, at);
        if (inserted.changes === 0) break;
        for (const tag of data.tags) s.taskTag.run(topicKey(tag), data.taskId);
        this.counters.bump(countKey.tasks('open'));
        this.indexTerms(data.taskId, 1);
        this.searchable(event);
        break;
      }
      case 'TaskClaimed': {
        const { data } = event;
        this.moved(data.taskId, 'claimed');
        s.claim.run(data.owner, data.owner, data.leaseUntil, Date.parse(data.leaseUntil), at, position, at, data.taskId);
        break;
      }
      case 'ClaimRenewed': {
        const { data } = event;
        this.moved(data.taskId, 'claimed');
        s.renew.run(data.owner, data.owner, data.leaseUntil, Date.parse(data.leaseUntil), position, at, data.taskId);
        break;
      }
      case 'ClaimReleased':
        this.moved(event.data.taskId, 'open');
        s.endClaim.run('open', position, at, event.data.taskId);
        break;
      case 'TaskCompleted':
        this.moved(event.data.taskId, 'completed');
        s.endClaim.run('completed', position, at, event.data.taskId);
        s.completed.run(event.data.by, event.data.outcome ?? null, event.data.taskId);
        break;
      case 'TaskAbandoned':
        this.moved(event.data.taskId, 'abandoned');
        s.endClaim.run('abandoned', position, at, event.data.taskId);
        s.abandoned.run(event.data.by, event.data.reason ?? null, event.data.taskId);
        break;
      case 'FindingRecorded': {
        const { data } = event;
        const key = data.topic === undefined ? null : topicKey(data.topic);
        const row = [position, 'finding', data.findingId, data.by, role, data.summary, data.topic ?? null, key, JSON.stringify(data.tags), JSON.stringify(data.cites)] as const;
        const inserted = s.finding.run(...row, data.questionId ?? null, at, Date.parse(at), BigInt(event.metadata.seenUpTo), author);
        if (inserted.changes === 0) break;
        newFinding = true;
        this.countFinding('finding', data.by, data.questionId, key);
        for (const tag of data.tags) s.findingTag.run(topicKey(tag), position);
        if (key !== null && this.full) s.topicWork.run(key, data.by, position, data.topic!.trim());
        this.searchable(event);
        break;
      }
      case 'SynthesisPublished': {
        const { data } = event;
        const row = [position, 'synthesis', data.synthesisId, data.by, role, data.summary, null, null, JSON.stringify(data.tags), JSON.stringify(data.integrates)] as const;
        const inserted = s.finding.run(...row, data.questionId ?? null, at, Date.parse(at), BigInt(event.metadata.seenUpTo), author);
        if (inserted.changes === 0) break;
        this.countFinding('synthesis', data.by, data.questionId, null);
        for (const tag of data.tags) s.findingTag.run(topicKey(tag), position);
        this.searchable(event);
        break;
      }
      case 'MessagePosted': {
        const { data } = event;
        if (s.message.run(position, data.messageId, data.from, data.to, data.body, data.replyTo ?? null, at).changes > 0) {
          this.counters.bump(countKey.messages());
          this.searchable(event);
        }
        if (data.to === 'all' || !this.full) break;
        if (data.to.startsWith('role:')) this.instances.flushNew();
        const others = data.to.startsWith('role:') ? (s.ofRole.all(data.to.slice(5), data.from) as string[]) : [data.to];
        for (const other of others) if (other !== data.from) s.talked.run(...(data.from < other ? [data.from, other] : [other, data.from]));
        break;
      }
      case 'QuestionPosed': {
        const { data } = event;
        if (s.ask.run(data.questionId, data.text, JSON.stringify(data.tags), data.askedBy, at, position).changes > 0) {
          this.counters.bump(countKey.questions('open'));
          this.searchable(event);
        }
        break;
      }
      case 'QuestionClosed':
        if (s.questionStatus.get(event.data.questionId) === 'open') {
          this.counters.bump(countKey.questions('open'), -1);
          this.counters.bump(countKey.questions('closed'));
        }
        s.close.run(event.data.by, at, event.data.resolution ?? null, event.data.questionId);
        break;
      case 'ContentShown':
      case 'ConvergenceJudged':
      case 'InvitationIssued':
      case 'InvitationAccepted':
        break;
      default:
        event satisfies never;
    }
    if (parts.has('convergence')) {
      // Causality first: a finding's own cites are part of what its author knew when writing it.
      this.causality.apply(event);
      if (newFinding && event.type === 'FindingRecorded') this.convergence.addFinding(event);
      if (event.type === 'ConvergenceJudged') this.convergence.judged(event);
    }
    if (parts.has('health')) this.health.apply(event);
  }
}
