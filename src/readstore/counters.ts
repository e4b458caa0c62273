import type Database from 'better-sqlite3';

/**
 * Counts of the rows common filters match, kept as the tables are written: counting a
 * month's 200,000 findings row by row would cost more than the page that reports it.
 */
export const countKey = {
  findings: (kind: 'finding' | 'synthesis') => `findings:${kind}`,
  findingsByTopic: (topicKey: string) => `findings:finding:topic:${topicKey}`,
  findingsBy: (kind: 'finding' | 'synthesis', by: string) => `findings:${kind}:by:${by}`,
  findingsOnQuestion: (kind: 'finding' | 'synthesis', questionId: string) => `findings:${kind}:question:${questionId}`,
  tasks: (status: string) => `tasks:${status}`,
  questions: (status: string) => `questions:${status}`,
  messages: () => 'messages',
  /** Searchable documents, and their words in all. */
  searchDocs: () => 'search:docs',
  searchWords: () => 'search:words',
} as const;

export class Counters {
  private readonly pending = new Map<string, number>();
  private readonly add;
  private readonly dropZero;

  constructor(db: Database.Database) {
    this.add = db.prepare(`INSERT INTO counts (key, n) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`);
    this.dropZero = db.prepare(`DELETE FROM counts WHERE key = ? AND n = 0`);
  }

  bump(key: string, by = 1): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + by);
  }

  /** Writes the batch's changes: once per key per transaction. */
  finish(): void {
    for (const [key, n] of this.pending) {
      if (n === 0) continue;
      this.add.run(key, n);
      if (n < 0) this.dropZero.run(key); // no row is a count of zero
    }
    this.pending.clear();
  }

  reset(): void {
    this.pending.clear();
  }
}

export const countOf = (db: Database.Database, key: string): number => Number(db.prepare(`SELECT n FROM counts WHERE key = ?`).pluck().get(key) ?? 0);
