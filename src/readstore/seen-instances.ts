import type Database from 'better-sqlite3';

/**
 * Each instance's row as its events reach it (last seen, last position; the role its first
 * event carried), kept in memory through a transaction and written once at its end rather
 * than once per event, or earlier for a statement that needs a row to exist.
 */
export class SeenInstances {
  private readonly upsert;
  /** Instances seen in this transaction, not written yet. */
  private readonly pending = new Map<string, [role: string, at: string, position: bigint]>();
  /** Instances whose row this writer wrote while its caches hold: the row and its role are in the table. */
  private readonly written = new Set<string>();

  constructor(db: Database.Database) {
    this.upsert = db.prepare(`INSERT INTO instances (id, role, joined, last_seen, last_position) VALUES (?, ?, 0, ?, ?)
      ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, last_position = excluded.last_position`);
  }

  /** What was read from the tables may have changed since. */
  reset(): void {
    this.pending.clear();
    this.written.clear();
  }

  /** An event by `instance`: its row is written later. */
  seen(instance: string, role: string, at: string, position: bigint): void {
    const known = this.pending.get(instance);
    if (known) {
      known[1] = at;
      known[2] = position;
    } else this.pending.set(instance, [role, at, position]);
  }

  /** Writes the row now (a new row takes `role`; an existing one keeps its own). */
  write(instance: string, role: string, at: string, position: bigint): void {
    this.upsert.run(instance, role, at, position);
    this.written.add(instance);
  }

  /** At the end of a transaction: every instance row as it stands. */
  flush(): void {
    for (const [instance, seen] of this.pending) this.write(instance, ...seen);
    this.pending.clear();
  }

  /**
   * Before a read of the instances' roles: the instances that have no row yet. What an
   * instance writes never changes the role in its row, so the others can wait for the end.
   */
  flushNew(): void {
    for (const [instance, seen] of this.pending) {
      if (this.written.has(instance)) continue;
      this.write(instance, ...seen);
      this.pending.delete(instance);
    }
  }

  /** Before a write to one instance's row: only that row must exist (a sync or inbox read each event of ten instances would write all ten). */
  flushOne(instance: string): void {
    const seen = this.pending.get(instance);
    if (!seen) return;
    this.write(instance, ...seen);
    this.pending.delete(instance);
  }
}
