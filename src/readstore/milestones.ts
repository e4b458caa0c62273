import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ValidationError } from '../errors.js';
import { randomUuid } from '../runtime/random.js';
import { NATIVE_BINDING } from '../store/sqlite.js';
import { stillHolds, type EventStore } from '../store/port.js';
import { PastTables, type PastPoint } from './past-tables.js';
import type { ReadStoreHooks } from './read-store.js';
import { decodeLastEvent, metaOf, type LastEvent } from './tables-meta.js';
import { READ_STORE_VERSION } from './schema.js';
import type { TablePart } from './table-parts.js';

/**
 * Copies of the live tables kept at a few positions of the log, so that a replay folds on
 * from the nearest copy before its point instead of from the log's first event: a month in,
 * a replay near the end folded a million events (88 s) before it showed anything. The live
 * tables are copied as their fold passes each milestone (a catch-up, an import's fold); a
 * copy is immutable, read by copying it, and names (in its meta) its position, its last
 * event, so it is used only while the log still holds that event there, and the latest
 * stamp it holds, so a replay at a time knows whether it may start from it.
 *
 * At most `keep` copies, spread over the log: a new one is due once the fold is
 * `max(minSpacing, watermark / keep)` past the newest, and the copy whose removal leaves
 * the smallest gap goes. A replay at a position then folds at most the widest gap: about a
 * third of the log with the default four (after importing a month, copies at 302,000,
 * 547,000, 732,000 and 977,000 events). Each copy is the tables as they stood (600 MB at a
 * million events), so four cost about two and a half times the tables at the end.
 */

export interface MilestoneOptions {
  /** How many copies are kept (0: none). */
  keep: number;
  /** The fewest events between two copies: below that, folding from the log's start is quick. */
  minSpacing: bigint;
}

/** A backup step's page count that takes the rest of the file at once (SQLite's largest). */
const ALL_PAGES = 0x7fffffff;

export const DEFAULT_MILESTONES: MilestoneOptions = { keep: 4, minSpacing: 100_000n };

/** `CAIRN_REPLAY_COPIES`: how many copies to keep instead of the default (0 turns them off). */
export function milestonesFromEnv(env: NodeJS.ProcessEnv): MilestoneOptions {
  const raw = env.CAIRN_REPLAY_COPIES;
  if (raw === undefined || raw === '') return DEFAULT_MILESTONES;
  if (!/^\d{1,2}$/.test(raw)) throw new ValidationError([{ field: 'CAIRN_REPLAY_COPIES', reason: 'must be a whole number from 0 to 99' }]);
  return { ...DEFAULT_MILESTONES, keep: Number(raw) };
}

/** Whether the fold at `watermark` is far enough past the newest copy (none: the log's start) for another. */
export function due(newest: bigint | undefined, watermark: bigint, options: MilestoneOptions): boolean {
  if (options.keep === 0) return false;
  const spacing = watermark / BigInt(options.keep);
  return watermark - (newest ?? 0n) >= (spacing > options.minSpacing ? spacing : options.minSpacing);
}

/**
 * The copies to remove so that `keep` remain (positions ascending): each time the one, never
 * the newest, whose removal leaves the smallest gap between its neighbours (the log's start
 * before the first), the earliest of equals.
 */
export function thinned(positions: readonly bigint[], keep: number): bigint[] {
  const kept = [...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const removed: bigint[] = [];
  while (kept.length > keep) {
    let drop = 0;
    let smallest: bigint | undefined;
    for (let i = 0; i < kept.length - 1; i++) {
      const gap = kept[i + 1]! - (i === 0 ? 0n : kept[i - 1]!);
      if (smallest === undefined || gap < smallest) [drop, smallest] = [i, gap];
    }
    removed.push(...kept.splice(kept.length === 1 ? 0 : drop, 1));
  }
  return removed;
}

interface Copy {
  position: bigint;
  file: string;
}

export class Milestones {
  /** The newest copy's position as last read (null: not read yet): most folds are far from the next copy. */
  private newest: bigint | undefined | null = null;

  constructor(
    /** Where the copies live: a directory of their own in the log's cache. */
    private readonly dir: string,
    private readonly options: MilestoneOptions = DEFAULT_MILESTONES,
  ) {}

  /** The copies there, oldest first. */
  private copies(): Copy[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .map((name) => /^(\d+)\.db$/.exec(name)?.[1])
      .filter((p): p is string => p !== undefined)
      .map((p) => ({ position: BigInt(p), file: join(this.dir, `${p}.db`) }))
      .sort((a, b) => (a.position < b.position ? -1 : 1));
  }

  /**
   * Called by the live tables after a fold committed at `watermark` (through `db`, or through
   * another connection: an import's fold thread): copies them if a copy is due, then removes
   * what the spread no longer needs. The copy is SQLite's backup taken in one step, which reads
   * one snapshot: one consistent state however often another connection commits meanwhile
   * (taken in small steps, each such commit would start it over).
   */
  async passed(db: Database.Database, watermark: bigint): Promise<void> {
    if (this.newest === null) this.newest = this.copies().at(-1)?.position;
    if (!due(this.newest, watermark, this.options)) return;
    // Another process may have left one since.
    this.newest = this.copies().at(-1)?.position;
    if (!due(this.newest, watermark, this.options)) return;
    // Named and placed as scratch tables are: if this process is killed mid-copy, the next replay removes it.
    const partial = join(dirname(this.dir), `cairn-past-${process.pid}-milestone-${randomUuid()}.db`);
    try {
      mkdirSync(this.dir, { recursive: true });
      await db.backup(partial, { progress: () => ALL_PAGES });
      const position = forReplay(partial);
      if (position > 0n) {
        renameSync(partial, join(this.dir, `${position}.db`));
        this.newest = position;
      }
      const now = this.copies();
      for (const position of thinned(now.map((c) => c.position), this.options.keep)) rmSync(join(this.dir, `${position}.db`), { force: true });
    } catch {
      // A copy only shortens later replays: a full disk or a directory that cannot be written
      // must not fail the read whose fold passed it. It is tried again a spacing later.
      this.newest = watermark;
    } finally {
      rmSync(partial, { force: true });
    }
  }

  /** The position of the newest copy at or before `position`, if any (not yet checked against the log). */
  newestAtOrBefore(position: bigint): bigint | undefined {
    return this.copies()
      .filter((c) => c.position <= position)
      .at(-1)?.position;
  }

  /** The copies that can start a fold to `point`, newest first: at or before its position, or stamped at or before its time. */
  private startsFor(point: PastPoint): { file: string; about: About }[] {
    const starts: { file: string; about: About }[] = [];
    for (const copy of this.copies().reverse()) {
      if ('position' in point && copy.position > point.position) continue;
      const about = aboutCopy(copy.file);
      if (about === undefined) rmSync(copy.file, { force: true });
      // A time takes every event stamped by then, wherever it lies: a copy holding one stamped later cannot start it.
      else if ('position' in point || (about.maxAt !== undefined && about.maxAt <= point.time.getTime())) starts.push({ file: copy.file, about });
    }
    return starts;
  }

  /**
   * Scratch tables (under `under`) copied from the newest copy that can start a fold to
   * `point` and that this log still matches, holding `parts`; undefined when there is none.
   * A copy of another log or an older schema is removed.
   */
  async nearest(store: EventStore, point: PastPoint, under: string, parts: Iterable<TablePart>): Promise<PastTables | undefined> {
    for (const { file, about } of this.startsFor(point)) {
      const { last } = about;
      if (!(await stillHolds(store, last))) {
        rmSync(file, { force: true });
        continue;
      }
      const dir = mkdtempSync(join(under, `cairn-past-${process.pid}-`));
      try {
        copyFileSync(file, join(dir, 'read.db'));
      } catch {
        rmSync(dir, { recursive: true, force: true });
        return undefined; // removed meanwhile by a process thinning the copies
      }
      const past = PastTables.adopt(dir, parts, last);
      if (past.position === last.position) return past;
      past.close();
    }
    return undefined;
  }
}

/**
 * Readies a fresh copy of the live tables for replays: drops what no fold derives (the
 * last health verdict, each instance's hook state), which a past moment must not show.
 * Returns the position it stands at (0n: it is of another schema and was not kept).
 */
function forReplay(file: string): bigint {
  const db = new Database(file, { nativeBinding: NATIVE_BINDING });
  try {
    const meta = metaOf(db);
    if (meta('version') !== String(READ_STORE_VERSION)) return 0n;
    db.prepare(`DELETE FROM meta WHERE key LIKE 'note:%' OR key LIKE 'hook:%'`).run();
    db.pragma('journal_mode = DELETE'); // one file, copied whole by a replay
    return BigInt(meta('watermark') ?? '0');
  } finally {
    db.close();
  }
}

interface About {
  last: LastEvent;
  /** The latest `at` of the events it holds (epoch ms), where its tables kept it. */
  maxAt: number | undefined;
}

/** What a copy says of itself (its meta); undefined for a file that is not a copy of this schema. */
function aboutCopy(file: string): About | undefined {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: NATIVE_BINDING });
    try {
      const meta = metaOf(db);
      const raw = meta('last_event');
      if (raw === undefined || meta('version') !== String(READ_STORE_VERSION)) return undefined;
      const maxAt = meta('max_at');
      return { last: decodeLastEvent(raw), maxAt: maxAt === undefined ? undefined : Number(maxAt) };
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/** The copies kept for the log whose cache directory is `cacheDir`: none without one, or when turned off. */
export function milestonesFor(cacheDir: string | undefined, options: MilestoneOptions = milestonesFromEnv(process.env)): Milestones | undefined {
  return cacheDir === undefined || options.keep === 0 ? undefined : new Milestones(join(cacheDir, 'milestones'), options);
}

/** What the live tables call as they fold, so that they leave copies behind. */
export const keepingMilestones = (milestones: Milestones | undefined): ReadStoreHooks => (milestones ? { folded: (db, watermark) => milestones.passed(db, watermark) } : {});
