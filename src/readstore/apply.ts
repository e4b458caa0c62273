import type Database from 'better-sqlite3';
import { match } from 'ts-pattern';
import { ANONYMOUS, type StoredEvent } from '../../events/index.js';
import { topicKey } from '../../projections/shared.js';
import { CausalityTables } from './causality.js';

/**
 * Applies one event to the read models' tables: the same facts the folds in projections/
 * derive (tasks.ts, findings.ts, questions.ts, inbox.ts, causality.ts), written as rows so a
 * read touches only the rows it shows. Called in log order, inside the catch-up transaction.
 */
export class TableWriter {
  private readonly causality: CausalityTables;
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.causality = new CausalityTables(db);
    const prepare = (sql: string) => db.prepare(sql);
    this.s = {
      seen: prepare(`INSERT INTO instances (id, role, joined, last_seen, last_position) VALUES (?, ?, 0, ?, ?)
        ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, last_position = excluded.last_position`),
      joined: prepare(`UPDATE instances SET role = ?, joined = 1, left_at = NULL WHERE id = ?`),
      role: prepare(`UPDATE instances SET role = ? WHERE id = ?`),
      left: prepare(`UPDATE instances SET left_at = ? WHERE id = ?`),
      synced: prepare(`UPDATE instances SET synced_up_to = max(synced_up_to, ?) WHERE id = ?`),
      inboxRead: prepare(`UPDATE instances SET inbox_cursor = ? WHERE id = ?`),
      propose: prepare(`INSERT OR IGNORE INTO tasks (id, title, description, tags, proposed_by, proposed_at, proposed_position, status, position, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`),
      taskTag: prepare(`INSERT OR IGNORE INTO task_tags (tag, task_id) VALUES (?, ?)`),
      claim: prepare(`UPDATE tasks SET status = 'claimed', owner = ?, last_owner = ?, lease_until = ?, lease_until_ms = ?, claimed_at = ?, claims = claims + 1, position = ?, updated_at = ? WHERE id = ?`),
      renew: prepare(`UPDATE tasks SET status = 'claimed', owner = ?, last_owner = ?, lease_until = ?, lease_until_ms = ?, position = ?, updated_at = ? WHERE id = ?`),
      endClaim: prepare(`UPDATE tasks SET status = ?, owner = NULL, lease_until = NULL, lease_until_ms = NULL, claimed_at = NULL, position = ?, updated_at = ? WHERE id = ?`),
      completed: prepare(`UPDATE tasks SET completed_by = ?, outcome = ? WHERE id = ?`),
      abandoned: prepare(`UPDATE tasks SET abandoned_by = ?, abandon_reason = ? WHERE id = ?`),
      finding: prepare(`INSERT OR IGNORE INTO findings (position, kind, id, by, role, summary, topic, topic_key, tags, cites, question_id, at, at_ms, seen_up_to)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      findingTag: prepare(`INSERT OR IGNORE INTO finding_tags (tag_key, position) VALUES (?, ?)`),
      topicWork: prepare(`INSERT INTO topic_work (topic_key, instance, findings, last_position, topic) VALUES (?, ?, 1, ?, ?)
        ON CONFLICT (topic_key, instance) DO UPDATE SET findings = findings + 1, last_position = excluded.last_position`),
      message: prepare(`INSERT OR IGNORE INTO messages (position, id, sender, recipient, body, reply_to, at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      talked: prepare(`INSERT OR IGNORE INTO talked (a, b) VALUES (?, ?)`),
      ofRole: prepare(`SELECT id FROM instances WHERE role = ? AND id != ?`).pluck(),
      ask: prepare(`INSERT OR IGNORE INTO questions (id, text, tags, asked_by, asked_at, position, status) VALUES (?, ?, ?, ?, ?, ?, 'open')`),
      close: prepare(`UPDATE questions SET status = 'closed', closed_by = ?, closed_at = ?, resolution = ? WHERE id = ?`),
    };
  }

  /** Starts a transaction: what was cached from the tables may have changed since. */
  reset(): void {
    this.causality.reset();
  }

  apply(event: StoredEvent): void {
    const { instanceId: author, role, at } = event.metadata;
    const position = event.position;
    const s = this.s;
    // An instance that never joined is known by the role its first event carried.
    if (author !== ANONYMOUS) s.seen.run(author, role, at, position);
    match(event)
      .with({ type: 'InstanceJoined' }, ({ data }) => {
        s.seen.run(data.instanceId, data.role, at, position);
        s.joined.run(data.role, data.instanceId);
      })
      .with({ type: 'RoleChanged' }, ({ data }) => void s.role.run(data.to, data.instanceId))
      .with({ type: 'InstanceLeft' }, ({ data }) => void s.left.run(at, data.instanceId))
      .with({ type: 'InstanceSynced' }, ({ data }) => void s.synced.run(BigInt(data.upTo), data.instanceId))
      .with({ type: 'InboxRead' }, ({ data }) => void s.inboxRead.run(BigInt(data.upTo), data.instanceId))
      .with({ type: 'TaskProposed' }, ({ data }) => {
        const inserted = s.propose.run(data.taskId, data.title, data.description ?? null, JSON.stringify(data.tags), data.proposedBy, at, position, position, at);
        if (inserted.changes > 0) for (const tag of data.tags) s.taskTag.run(topicKey(tag), data.taskId);
      })
      .with({ type: 'TaskClaimed' }, ({ data }) => void s.claim.run(data.owner, data.owner, data.leaseUntil, Date.parse(data.leaseUntil), at, position, at, data.taskId))
      .with({ type: 'ClaimRenewed' }, ({ data }) => void s.renew.run(data.owner, data.owner, data.leaseUntil, Date.parse(data.leaseUntil), position, at, data.taskId))
      .with({ type: 'ClaimReleased' }, ({ data }) => void s.endClaim.run('open', position, at, data.taskId))
      .with({ type: 'TaskCompleted' }, ({ data }) => {
        s.endClaim.run('completed', position, at, data.taskId);
        s.completed.run(data.by, data.outcome ?? null, data.taskId);
      })
      .with({ type: 'TaskAbandoned' }, ({ data }) => {
        s.endClaim.run('abandoned', position, at, data.taskId);
        s.abandoned.run(data.by, data.reason ?? null, data.taskId);
      })
      .with({ type: 'FindingRecorded' }, ({ data }) => {
        const key = data.topic === undefined ? null : topicKey(data.topic);
        const row = [position, 'finding', data.findingId, data.by, role, data.summary, data.topic ?? null, key, JSON.stringify(data.tags), JSON.stringify(data.cites)] as const;
        const inserted = s.finding.run(...row, data.questionId ?? null, at, Date.parse(at), BigInt(event.metadata.seenUpTo));
        if (inserted.changes === 0) return;
        for (const tag of data.tags) s.findingTag.run(topicKey(tag), position);
        if (key !== null) s.topicWork.run(key, data.by, position, data.topic!.trim());
      })
      .with({ type: 'SynthesisPublished' }, ({ data }) => {
        const row = [position, 'synthesis', data.synthesisId, data.by, role, data.summary, null, null, JSON.stringify(data.tags), JSON.stringify(data.integrates)] as const;
        const inserted = s.finding.run(...row, data.questionId ?? null, at, Date.parse(at), BigInt(event.metadata.seenUpTo));
        if (inserted.changes > 0) for (const tag of data.tags) s.findingTag.run(topicKey(tag), position);
      })
      .with({ type: 'MessagePosted' }, ({ data }) => {
        s.message.run(position, data.messageId, data.from, data.to, data.body, data.replyTo ?? null, at);
        const others = data.to === 'all' ? [] : data.to.startsWith('role:') ? (s.ofRole.all(data.to.slice(5), data.from) as string[]) : [data.to];
        for (const other of others) if (other !== data.from) s.talked.run(...(data.from < other ? [data.from, other] : [other, data.from]));
      })
      .with({ type: 'QuestionPosed' }, ({ data }) => void s.ask.run(data.questionId, data.text, JSON.stringify(data.tags), data.askedBy, at, position))
      .with({ type: 'QuestionClosed' }, ({ data }) => void s.close.run(data.by, at, data.resolution ?? null, data.questionId))
      .with({ type: 'ContentShown' }, { type: 'ConvergenceJudged' }, () => undefined)
      .exhaustive();
    this.causality.apply(event);
  }
}
