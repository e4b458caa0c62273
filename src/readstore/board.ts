import type Database from 'better-sqlite3';
import { countKey, countOf } from './counters.js';

/** What the coordinator's board reads besides tasks and questions: counts, who is active, what suggestions need. */

export function boardCounts(db: Database.Database) {
  const count = (sql: string) => Number(db.prepare(sql).pluck().get());
  return {
    instances: count(`SELECT count(*) FROM instances WHERE joined = 1 AND left_at IS NULL`),
    findings: countOf(db, countKey.findings('finding')),
    syntheses: countOf(db, countKey.findings('synthesis')),
    messages: countOf(db, countKey.messages()),
    questions: { open: countOf(db, countKey.questions('open')), closed: countOf(db, countKey.questions('closed')) },
  };
}

/** The `limit` instances that joined and were seen most recently, by id. */
export function activeInstances(db: Database.Database, limit: number): { instanceId: string; role: string; left: boolean; lastSeen: string }[] {
  const rows = db.prepare(`SELECT id, role, left_at, last_seen FROM instances WHERE joined = 1 ORDER BY last_position DESC LIMIT ?`).all(limit) as { id: string; role: string; left_at: string | null; last_seen: string }[];
  return rows.map((r) => ({ instanceId: r.id, role: r.role, left: r.left_at !== null, lastSeen: r.last_seen })).sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
}

/** Pairs of instances that have exchanged a message (directly or through a role they held). */
export const talkedPairs = (db: Database.Database): [string, string][] => (db.prepare(`SELECT a, b FROM talked`).raw().all() as [string, string][]);
