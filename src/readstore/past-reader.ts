import type { ProgressFactory } from '../runtime/progress.js';
import type { EventStore } from '../store/port.js';
import type { Milestones } from './milestones.js';
import { park, takeParked } from './parked-copy.js';
import { PastTables, stopIfAbandoned, type PastPoint } from './past-tables.js';
import { VIEW_PARTS, type TablePart } from './table-parts.js';

/** What a read of the past may say besides its point. */
export interface PastRead {
  /** Fires when whoever asked went away: a read waiting never folds, one folding stops after its batch. */
  signal?: AbortSignal | undefined;
  /** The parts of the tables the read looks at (every view's when absent). */
  parts?: readonly TablePart[] | undefined;
}

/**
 * One scratch copy of the tables kept between reads of the past, read by one at a time: a
 * read at the same or a later position folds on from where the copy stands (a time slider
 * moved forward, a replay asked again), any other starts a copy anew. The log before a
 * position never changes, so a kept copy stays true.
 */
export class PastReader {
  private kept: { past: PastTables; point: PastPoint } | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  /** Whether the copy a process before this one left (parked-copy.ts) was looked for. */
  private lookedForParked = false;
  /** The parts this process's reads asked for: a copy anew holds them all. */
  private readonly asked = new Set<TablePart>();

  constructor(
    private readonly store: EventStore,
    private readonly options: { progress?: ProgressFactory | undefined; under?: string | undefined; milestones?: Milestones | undefined } = {},
  ) {}

  /** Runs `use` on the tables as they stood at `point`, once the reads before it are done. */
  read<T>(point: PastPoint, use: (past: PastTables) => T | Promise<T>, options: PastRead = {}): Promise<T> {
    const run = this.turn.then(async () => use(await this.at(point, options)));
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async at(point: PastPoint, { signal, parts = VIEW_PARTS }: PastRead): Promise<PastTables> {
    stopIfAbandoned(signal);
    const under = this.options.under;
    if (!this.lookedForParked && under !== undefined && this.kept === undefined) {
      this.lookedForParked = true;
      const parked = await takeParked(this.store, under);
      if (parked) this.kept = { past: parked.past, point: { position: parked.past.position } };
    }
    const kept = this.kept?.past.holds(parts) ? this.kept : undefined;
    if (kept && 'time' in point && 'time' in kept.point && kept.point.time.getTime() === point.time.getTime()) return kept.past;
    const foldOn = kept !== undefined && 'position' in point && 'position' in kept.point && kept.point.position <= point.position && !this.copyIsNearer(kept.point.position, point.position);
    // A copy anew also holds what this process's reads asked for before: they come back to the
    // same views (the dashboard asks for the lists, then the clusters, at each position). Not
    // what a parked copy held: another process's replay of every view would make a replay of
    // one view here fold them all.
    for (const part of parts) this.asked.add(part);
    if (!foldOn) this.drop();
    const past = foldOn ? kept.past : await this.anew(point);
    const fold = 'position' in point ? { until: point.position } : { notAfter: point.time.getTime() };
    try {
      await past.fold(this.store, { ...fold, progress: this.options.progress, signal });
    } catch (error) {
      // A copy stopped short of a position stands at its last batch, and the next read may fold
      // on from there; one stopped short of a time holds events of every position: drop it.
      if ('position' in point) this.kept = { past, point: { position: past.position } };
      else {
        past.close();
        this.kept = undefined;
      }
      throw error;
    }
    this.kept = { past, point };
    return past;
  }

  /** Whether a kept copy of the live tables stands between the copy at `from` and `to`: folding on from it is shorter. */
  private copyIsNearer(from: bigint, to: bigint): boolean {
    const copy = this.options.milestones?.newestAtOrBefore(to);
    return copy !== undefined && copy > from;
  }

  /**
   * Tables to fold to `point` from: a copy of the live tables kept before it (milestones.ts:
   * at or before its position, or holding nothing stamped after its time), or empty ones.
   */
  private async anew(point: PastPoint): Promise<PastTables> {
    const { under, milestones } = this.options;
    const parts = [...this.asked];
    const copied = under === undefined ? undefined : await milestones?.nearest(this.store, point, under, parts);
    return copied ?? PastTables.open(under, parts);
  }

  /** Leaves the kept copy of a position for the next process (under the log's cache directory), or removes it. */
  close(): void {
    const under = this.options.under;
    if (this.kept && 'position' in this.kept.point && under !== undefined) park(this.kept.past, under);
    else this.kept?.past.close();
    this.kept = undefined;
  }

  private drop(): void {
    this.kept?.past.close();
    this.kept = undefined;
  }
}
