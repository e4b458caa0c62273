import type Database from 'better-sqlite3';
import * as z from 'zod';
import type { StoredEvent } from '../../events/index.js';
import { inboxPage, instanceRow } from '../readstore/queries.js';
import type { HookState } from '../readstore/read-store.js';
import { storedBetween } from '../runtime/stored.js';
import { taskText } from '../signals/compare.js';
import { terms } from '../similarity/tokenize.js';
import { requireIdentity } from './actor.js';
import type { App } from './app.js';
import { duration } from './duration.js';
import { defineOperation, type Caller } from './operation.js';

/**
 * `cairn hook`: what is new for an instance since the hook last ran, for an agent's hooks to
 * put in front of it between turns (news comes to the agent; it need not think to ask):
 * messages to it, its role or all; its claims whose leases run out soon; tasks released or
 * lapsed near its topics; convergences and echoes with its findings; for a reflector, new
 * candidates to judge. Bounded, never repeated, silent when nothing is new, and recorded as a
 * read like any other (its items carry what they quote). What it has shown is remembered in
 * the tables (HookState), on the log's machine: over CAIRN_URL, the server's.
 */

/** One piece of news, as facts: src/render words it. Each carries the content it quotes, so the read is recorded (exposure.ts finds it by shape). */
export type HookItem =
  | { kind: 'lease'; taskId: string; title: string; leaseUntil: string; remainingMs: number }
  | { kind: 'message'; messageId: string; from: string; to: string; body: string }
  | { kind: 'convergence'; yours: string; theirs: { findingId: string; by: string; summary: string }; echo: boolean; similarity: number }
  | { kind: 'task'; taskId: string; title: string; how: 'released' | 'lapsed'; by: string; topic: string }
  | { kind: 'unjudged'; count: number };

export interface HookDigest {
  instanceId: string;
  /** The log position the digest covers up to. */
  upTo: bigint;
  items: HookItem[];
  /** New items not shown, for `--limit` or the commands named. */
  more: number;
}

interface HookOptions {
  limit: number;
  /** Warn of the caller's leases running out within this. */
  leaseWarningMs: number;
}

/** Events read per run at most: a hook runs every turn, so there are few; after a long absence the newest. */
const SCAN = 5_000;

export const hook = defineOperation({
  name: 'hook',
  summary: 'What is new for you since you last asked: messages, your leases running out, tasks released near your topics, convergences with your findings; nothing twice',
  input: () => z.strictObject({ limit: z.number().int().min(1).max(50).default(6), leaseWarning: duration().default(5 * 60_000) }),
  // It needs the caller's identity, and remembers what it showed them.
  writes: true,
  run: (app, input, caller) => hookDigest(app, caller, { limit: input.limit, leaseWarningMs: input.leaseWarning }),
});

async function hookDigest(app: App, caller: Caller, options: HookOptions): Promise<HookDigest> {
  const me = requireIdentity(caller);
  const tables = await app.tables();
  const { db } = tables;
  const now = app.clock();
  const upTo = tables.watermark();
  const row = instanceRow(db, me);
  const state = tables.hookState(me) ?? { upTo: firstCursor(db, me), atMs: now.getTime(), warned: {} };
  const since = state.upTo;
  const fresh = await storedBetween(app.store, since > upTo - BigInt(SCAN) ? since : upTo - BigInt(SCAN), upTo, SCAN);

  const warned: Record<string, string> = {};
  const leases = leaseWarnings(db, me, now, options.leaseWarningMs, state.warned, warned);
  const messages = inboxPage(db, me, row?.role, since > (row?.inboxCursor ?? 0n) ? since : row?.inboxCursor ?? 0n, { limit: options.limit, cursor: undefined });
  const news: HookItem[] = [
    ...leases,
    ...messages.items.map((m): HookItem => ({ kind: 'message', messageId: m.messageId, from: m.from, to: m.to, body: m.body })),
    ...withMyFindings(db, me, fresh, row?.role === 'reflector'),
    ...nearMyTopics(db, me, fresh, { fromMs: state.atMs, toMs: now.getTime() }),
  ];
  const items = news.slice(0, options.limit);
  const more = news.length - items.length + Math.max(0, messages.page.total - messages.items.length);
  tables.setHookState(me, { upTo, atMs: now.getTime(), warned });
  return { instanceId: me, upTo, items, more };
}

/** With no hook run yet, what the instance has already seen: its inbox cursor or its last sync. */
function firstCursor(db: Database.Database, me: string): bigint {
  const row = db.prepare(`SELECT max(inbox_cursor, synced_up_to) FROM instances WHERE id = ?`).pluck().safeIntegers(true).get(me) as bigint | undefined;
  return row ?? 0n;
}

/** The caller's claims whose leases run out within the warning, each lease warned of once. */
function leaseWarnings(db: Database.Database, me: string, now: Date, withinMs: number, before: HookState['warned'], warned: HookState['warned']): HookItem[] {
  const rows = db
    .prepare(`SELECT id, title, lease_until, lease_until_ms FROM tasks WHERE owner = ? AND status = 'claimed' AND lease_until_ms <= ? ORDER BY lease_until_ms`)
    .all(me, now.getTime() + withinMs) as { id: string; title: string; lease_until: string; lease_until_ms: number }[];
  const items: HookItem[] = [];
  for (const task of rows) {
    warned[task.id] = task.lease_until;
    if (before[task.id] === task.lease_until) continue;
    items.push({ kind: 'lease', taskId: task.id, title: task.title, leaseUntil: task.lease_until, remainingMs: task.lease_until_ms - now.getTime() });
  }
  return items;
}

type LinkRow = { earlier_id: string; earlier_by: string; earlier_summary: string; later_id: string; later_by: string; later_summary: string; lexical: number; echo: number; status: string };

/** Convergences and echoes with the caller's findings among the new ones; for a reflector, how many new candidates await judgment. */
function withMyFindings(db: Database.Database, me: string, fresh: readonly StoredEvent[], reflector: boolean): HookItem[] {
  const links = db.prepare(
    `SELECT e.id AS earlier_id, e.by AS earlier_by, e.summary AS earlier_summary, f.id AS later_id, f.by AS later_by, f.summary AS later_summary, l.lexical, l.echo, l.status
     FROM links l JOIN findings e ON e.position = l.earlier JOIN findings f ON f.position = l.later
     WHERE l.later = ? AND l.similar = 1 AND l.status != 'rejected' ORDER BY l.rank`,
  );
  const items: HookItem[] = [];
  let unjudged = 0;
  for (const event of fresh) {
    if (event.type !== 'FindingRecorded') continue;
    for (const link of links.all(event.position) as LinkRow[]) {
      if (link.status === 'unjudged' && link.echo === 0) unjudged++;
      const mine = link.later_by === me ? 'later' : link.earlier_by === me ? 'earlier' : undefined;
      if (mine === undefined || link.later_by === link.earlier_by) continue;
      const [yours, theirs] = mine === 'later' ? [link.later_id, { id: link.earlier_id, by: link.earlier_by, summary: link.earlier_summary }] : [link.earlier_id, { id: link.later_id, by: link.later_by, summary: link.later_summary }];
      items.push({ kind: 'convergence', yours, theirs: { findingId: theirs.id, by: theirs.by, summary: theirs.summary }, echo: link.echo === 1, similarity: link.lexical });
    }
  }
  if (reflector && unjudged > 0) items.push({ kind: 'unjudged', count: unjudged });
  return items;
}

/** Tasks others released among the new events, or whose claims lapsed since the last run, that share a word with the caller's topics. */
function nearMyTopics(db: Database.Database, me: string, fresh: readonly StoredEvent[], lapsed: { fromMs: number; toMs: number }): HookItem[] {
  const topics = db.prepare(`SELECT topic FROM topic_work WHERE instance = ?`).pluck().all(me) as string[];
  const taskRow = db.prepare(`SELECT id, title, description, tags, status, owner, lease_until_ms FROM tasks WHERE id = ?`);
  type TaskRow = { id: string; title: string; description: string | null; tags: string; status: string; owner: string | null; lease_until_ms: number | null };
  const near = (task: TaskRow): string | undefined => {
    const words = terms(taskText({ title: task.title, description: task.description ?? undefined, tags: JSON.parse(task.tags) as string[] }));
    return topics.find((t) => terms(t).some((w) => words.includes(w)));
  };
  const items: HookItem[] = [];
  for (const event of fresh) {
    if (event.type !== 'ClaimReleased' || event.data.owner === me) continue;
    const task = taskRow.get(event.data.taskId) as TaskRow | undefined;
    const topic = task && task.status === 'open' && task.owner === null ? near(task) : undefined;
    if (task && topic !== undefined) {
      items.push({ kind: 'task', taskId: task.id, title: task.title, how: 'released', by: event.data.owner, topic });
    }
  }
  const stale = db
    .prepare(`SELECT id, title, description, tags, status, owner, lease_until_ms FROM tasks WHERE status = 'claimed' AND lease_until_ms > ? AND lease_until_ms <= ? AND owner != ?`)
    .all(lapsed.fromMs, lapsed.toMs, me) as TaskRow[];
  for (const task of stale) {
    const topic = near(task);
    if (topic !== undefined) items.push({ kind: 'task', taskId: task.id, title: task.title, how: 'lapsed', by: task.owner!, topic });
  }
  return items;
}
