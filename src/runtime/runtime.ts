import type { Projection, StateOf } from '../../projections/projection.js';
import { ValidationError } from '../errors.js';
import type { EventStore } from '../store/port.js';
import { CheckpointStore, type LastEvent } from './checkpoints.js';
import { copyState } from './state.js';
import { progressOver, type ProgressFactory } from './progress.js';
import { toStored } from './stored.js';

/** How often a long-lived process rewrites one projection's checkpoint at most. */
export const DEFAULT_SAVE_INTERVAL_MS = 5_000;

/** A projection's state and the position of the last event folded into it (0n: none). */
export interface Current<S> {
  state: S;
  position: bigint;
}

/**
 * A point in the log's past. `position`: every event at or before it. `time`: every event
 * whose `at` is at or before it, wherever it sits: writers' clocks may be skewed, so log
 * order and `at` order can disagree, and replay reads the whole log rather than stopping at
 * the first later event. Both: the events meeting both. Neither: the whole log.
 */
export interface ReplayPoint {
  position?: bigint;
  time?: Date;
}

/** A state that includes every event up to `position` (`maxAt`: latest `at` folded, epoch ms). */
interface Start {
  state: unknown;
  position: bigint;
  maxAt: number | null;
  /** The event at `position` (null before any). */
  last: LastEvent | null;
}

interface Run extends Start {
  readonly projection: Projection<unknown>;
  /** The state has been handed to a caller: copy it before folding into it. */
  shared: boolean;
  folded: number;
}

/**
 * Runs projections over a store: resumes from the latest state in memory or a checkpoint,
 * folds only what is new, and saves a checkpoint when something was. States it returns are
 * shared with later calls: read them, never mutate them.
 */
export class ProjectionRuntime {
  private readonly checkpoints: CheckpointStore | undefined;
  /** Latest state per projection, so a long-lived process catches up from memory. */
  private readonly latest = new Map<string, Start & { version: number }>();
  private logId: string | undefined;

  /** When this process last saved each projection's checkpoint (wall-clock ms). */
  private readonly savedAt = new Map<string, number>();

  /**
   * `saveIntervalMs`: a long-lived process (the server) keeps states in memory and rewrites a
   * checkpoint at most this often, instead of after every call that folded something; the
   * first save in a process is never delayed, so short CLI runs still leave one behind.
   */
  constructor(
    private readonly store: EventStore,
    cacheDir?: string,
    private readonly options: { saveIntervalMs?: number; progress?: ProgressFactory } = {},
  ) {
    this.checkpoints = cacheDir === undefined ? undefined : new CheckpointStore(cacheDir);
  }

  async current<S>(projection: Projection<S>): Promise<Current<S>> {
    const [result] = await this.currentMany([projection]);
    return result;
  }

  /** Catches several projections up in one pass over the log. */
  async currentMany<const P extends readonly Projection<unknown>[]>(
    projections: P,
  ): Promise<{ -readonly [K in keyof P]: Current<StateOf<P[K]>> }> {
    const { runs, head } = await this.prepare(projections, {});
    await this.foldInto(runs, {}, head);
    await Promise.all(runs.map((run) => this.keep(run)));
    return runs.map(({ state, position }) => ({ state, position })) as { -readonly [K in keyof P]: Current<StateOf<P[K]>> };
  }

  /** The state as of a past point; starts from a checkpoint only if it is not past that point. */
  async at<S>(projection: Projection<S>, point: ReplayPoint): Promise<Current<S>> {
    if (point.time !== undefined && Number.isNaN(point.time.getTime())) {
      throw new ValidationError([{ field: 'time', reason: 'must be a valid date' }]);
    }
    const { runs, head } = await this.prepare([projection], point);
    await this.foldInto(runs, point, head);
    const [run] = runs;
    return { state: run!.state as S, position: run!.position };
  }

  private async prepare(projections: readonly Projection<unknown>[], point: ReplayPoint): Promise<{ runs: Run[]; head: bigint }> {
    const logId = await this.firstEventId();
    const starts = await Promise.all(projections.map((projection) => this.startOf(projection, logId, point)));
    // Read after loading, so a checkpoint another process saved meanwhile is not mistaken for one of another log.
    const head = await this.store.headPosition();
    const runs = projections.map((projection, i): Run => {
      const start = starts[i];
      return start && start.position <= head
        ? { projection, ...start, folded: 0 }
        : { projection, state: projection.initialState(), position: 0n, maxAt: null, last: null, shared: false, folded: 0 };
    });
    return { runs, head };
  }

  private async startOf(projection: Projection<unknown>, logId: string | undefined, point: ReplayPoint) {
    const fits = (start: Start) =>
      (point.position === undefined || start.position <= point.position) &&
      (point.time === undefined || start.maxAt === null || start.maxAt <= point.time.getTime());
    const latest = this.latest.get(projection.name);
    if (latest && latest.version === projection.version && fits(latest)) {
      return { state: latest.state, position: latest.position, maxAt: latest.maxAt, last: latest.last, shared: true };
    }
    const saved = logId !== undefined ? await this.checkpoints?.load(projection, logId) : undefined;
    if (saved && fits(saved) && (await this.stillHolds(saved.last, saved.position))) {
      return { state: saved.state, position: saved.position, maxAt: saved.maxAt, last: saved.last, shared: false };
    }
    return undefined;
  }

  /** Whether the log still holds a checkpoint's last event where it was folded. */
  private async stillHolds(last: LastEvent | null, position: bigint): Promise<boolean> {
    if (last === null) return position === 0n;
    for await (const recorded of this.store.readStream(last.streamName, { fromRevision: last.revision, maxCount: 1 })) {
      return recorded.id === last.id && recorded.position === position;
    }
    return false;
  }

  /** One pass over the log after the earliest run, folding each event into every run not yet past it. */
  private async foldInto(runs: Run[], point: ReplayPoint, head: bigint): Promise<void> {
    const after = runs.reduce((min, run) => (run.position < min ? run.position : min), head);
    const until = point.position;
    if (after >= head || (until !== undefined && after >= until)) return;
    const notAfter = point.time?.getTime();
    const end = until !== undefined && until < head ? until : head;
    const shown = await progressOver(this.options.progress, `folding ${runs.map((r) => r.projection.name).join(', ')}`, end - after);
    try {
      const at = shown.at;
      await this.foldEach(runs, after, until, notAfter, at && ((position) => at(position - after)));
    } finally {
      shown.finish();
    }
  }

  private async foldEach(runs: Run[], after: bigint, until: bigint | undefined, notAfter: number | undefined, reached: ((position: bigint) => void) | undefined): Promise<void> {
    for await (const recorded of this.store.readAll({ after })) {
      if (until !== undefined && recorded.position > until) break;
      reached?.(recorded.position);
      const event = toStored(recorded);
      const at = Date.parse(event.metadata.at);
      if (notAfter !== undefined && at > notAfter) continue;
      for (const run of runs) {
        if (recorded.position <= run.position) continue;
        if (run.shared) {
          run.state = copyState(run.state);
          run.shared = false;
        }
        run.state = run.projection.evolve(run.state, event);
        run.position = recorded.position;
        run.last = { id: recorded.id, streamName: recorded.streamName, revision: recorded.revision };
        if (run.maxAt === null || at > run.maxAt) run.maxAt = at;
        run.folded++;
      }
    }
  }

  /** Remembers a caught-up state, and saves a checkpoint if it holds anything new. */
  private async keep(run: Run): Promise<void> {
    const { projection, state, position, maxAt, last } = run;
    const { name, version } = projection;
    const known = this.latest.get(name);
    // Concurrent calls may finish out of order: never go back to an older state.
    if (known && known.version === version && known.position >= position) return;
    this.latest.set(name, { version, state, position, maxAt, last });
    const savedAt = this.savedAt.get(name);
    if (run.folded === 0 || (savedAt !== undefined && Date.now() - savedAt < (this.options.saveIntervalMs ?? DEFAULT_SAVE_INTERVAL_MS))) return;
    const logId = await this.firstEventId();
    if (logId === undefined || !this.checkpoints) return;
    this.savedAt.set(name, Date.now());
    await this.checkpoints.save({ name, version, position, logId, maxAt, last, state });
  }

  /** Identifies the log; the first event never changes, so it is read once. */
  private async firstEventId(): Promise<string | undefined> {
    if (this.logId === undefined) for await (const first of this.store.readAll({ maxCount: 1 })) this.logId = first.id;
    return this.logId;
  }
}
