import type { App } from '../app/app.js';
import type { View } from '../app/views.js';
import type { PastTables } from '../readstore/past-tables.js';
import { READ_STORE_VERSION } from '../readstore/schema.js';
import { sampleOf, type SeriesPoint } from './series.js';

/**
 * A live series kept between requests, so a refresh folds only what was appended since the
 * last one instead of the log from its first event (a minute at a million events, every few
 * minutes for as long as a dashboard is open). Its samples sit at fixed moments, the first
 * event's time plus a multiple of a step; when they outgrow twice the points asked for, the
 * step doubles and every other sample goes, so each one kept stays as it was taken and
 * nothing is folded twice. It shows `points - 1` of them, spread evenly, and the view now.
 *
 * A sample is the tables as they stood when the first event stamped after its moment was
 * read, or, for a moment after the log's last event, as they stood at the refresh that passed
 * it: an event appended after that yet stamped before the moment (a writer's clock behind, a
 * slow append) is not in it, where a series folded anew would hold it.
 *
 * A server that closes leaves each series it follows for the next start (`park`): its tables
 * under the log's cache, its samples beside them. The next start's first refresh folds on
 * from there instead of from the first event (about a minute at a million events), if the copy was
 * folded from this log and by tables of this version.
 */
export class LiveSeries {
  private past: PastTables | undefined;
  /** Whether a copy an earlier server left (`park`) was looked for. */
  private lookedForParked = false;
  /** The first event's time (epoch ms): sample k is at start + k * step. */
  private start: number | undefined;
  /** Set when the first event is read, from the span up to that refresh's end. */
  private step: number | undefined;
  /** Samples taken, at k = 0, 1, 2… of the current step. */
  private samples: SeriesPoint[] = [];
  /** One refresh at a time: a fold left by its requests may still be ending its batch. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly app: App,
    private readonly view: View,
    private readonly points: number,
    /** What the copy left for the next start is called: one per view and number of points. */
    private readonly name = 'series',
  ) {}

  /** The samples up to `end` and the view at `end`, after folding what is new. */
  read(end: Date, signal?: AbortSignal): Promise<SeriesPoint[]> {
    const run = this.turn.then(() => this.refresh(end, signal));
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Removes the scratch tables, once a refresh under way has ended. */
  close(): Promise<void> {
    const run = this.turn.then(() => this.reset());
    this.turn = run;
    return run;
  }

  /** Leaves the tables and samples for the next start (the server closes), once a refresh under way has ended. */
  park(): Promise<void> {
    const run = this.turn.then(() => {
      if (this.past === undefined || this.start === undefined || this.step === undefined) return this.reset();
      const kept: Parked = { tables: READ_STORE_VERSION, start: this.start, step: this.step, samples: this.samples };
      this.app.parkScratch(this.past, this.name, kept);
      this.past = undefined;
      this.reset();
    });
    this.turn = run;
    return run;
  }

  /** The copy an earlier server left, once: its tables, and the samples taken from them. */
  private async takeParked(): Promise<void> {
    this.lookedForParked = true;
    const parked = await this.app.takeScratch(this.name);
    if (!parked) return;
    const kept = parked.extra as Partial<Parked> | undefined;
    const fits = kept?.tables === READ_STORE_VERSION && typeof kept.start === 'number' && typeof kept.step === 'number' && kept.step > 0 && Array.isArray(kept.samples);
    if (!fits || !parked.past.holds(this.view.reads)) return parked.past.close();
    this.past = parked.past;
    this.start = kept.start;
    this.step = kept.step;
    this.samples = kept.samples!;
  }

  private reset(): void {
    this.past?.close();
    this.past = undefined;
    this.start = undefined;
    this.step = undefined;
    this.samples = [];
  }

  private async refresh(end: Date, signal: AbortSignal | undefined): Promise<SeriesPoint[]> {
    const endMs = end.getTime();
    if (this.past === undefined && !this.lookedForParked) await this.takeParked();
    const past = (this.past ??= this.app.scratchTables(this.view.reads));
    this.fit(endMs);
    try {
      await past.fold(this.app.store, {
        signal,
        before: (event, flush) => {
          const at = Date.parse(event.metadata.at);
          if (this.start === undefined) {
            this.start = Math.min(at, endMs);
            this.fit(endMs);
          }
          if (this.due() < Math.min(at, endMs)) {
            flush();
            this.sampleBefore(Math.min(at, endMs), past);
          }
        },
      });
    } catch (error) {
      // Stopped between batches, the tables and samples agree and the next refresh folds on;
      // anything else may have left them apart: start anew.
      if (!signal?.aborted) this.reset();
      throw error;
    }
    // The moments since the last event: the tables stand at the head.
    this.sampleBefore(endMs, past);
    return [...spread(this.samples, this.room()), sampleOf(this.view, past, end)];
  }

  /** Takes every sample due before `limit` from the tables as they stand. */
  private sampleBefore(limit: number, past: PastTables): void {
    while (this.due() < limit) this.samples.push(sampleOf(this.view, past, new Date(this.due())));
  }

  /** The next sample's moment. */
  private due(): number {
    return this.start === undefined || this.step === undefined ? Number.POSITIVE_INFINITY : this.start + this.samples.length * this.step;
  }

  /** Samples shown beside the view now. */
  private room(): number {
    return Math.max(1, this.points - 1);
  }

  /**
   * Doubles the step until the samples up to `endMs` are at most twice the room, so that
   * after a doubling there are still as many as are shown.
   */
  private fit(endMs: number): void {
    if (this.start === undefined) return;
    const room = this.room();
    // The least step that fills the room.
    this.step ??= Math.floor((endMs - this.start) / room) + 1;
    while (Math.floor((endMs - this.start) / this.step) + 1 > 2 * room) {
      this.step *= 2;
      this.samples = this.samples.filter((_, k) => k % 2 === 0);
    }
  }
}

/** The live series followed, at most `max`: when one more is asked for, the one asked for least recently goes. */
export class FollowedSeries {
  private readonly followed = new Map<string, LiveSeries>();

  constructor(
    private readonly app: App,
    private readonly max = 4,
  ) {}

  of(view: View, name: string, points: number): LiveSeries {
    const key = `${name}:${points}`;
    let series = this.followed.get(key);
    if (series) this.followed.delete(key);
    else series = new LiveSeries(this.app, view, points, `series-${name}-${points}`);
    this.followed.set(key, series);
    for (const [oldest, left] of this.followed) {
      if (this.followed.size <= this.max) break;
      this.followed.delete(oldest);
      void left.close();
    }
    return series;
  }

  /** The server closes: each series is left for the next start. */
  async close(): Promise<void> {
    const all = [...this.followed.values()];
    this.followed.clear();
    await Promise.all(all.map((series) => series.park()));
  }
}

/** What a series leaves for the next start beside its tables. */
interface Parked {
  /** The tables' version (src/readstore/schema.ts): samples of another would show another shape. */
  tables: number;
  start: number;
  step: number;
  samples: SeriesPoint[];
}

/** `n` of the samples, first and last included, as evenly spread as their indices allow. */
function spread(samples: SeriesPoint[], n: number): SeriesPoint[] {
  if (samples.length <= n) return samples;
  if (n === 1) return samples.slice(-1);
  return Array.from({ length: n }, (_, j) => samples[Math.round((j * (samples.length - 1)) / (n - 1))]!);
}
