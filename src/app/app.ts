import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUuid } from '../runtime/random.js';
import type { EventStore } from '../store/port.js';
import { openStore } from '../store/open.js';
import type { ProgressFactory } from '../runtime/progress.js';
import { FileSnapshots, type SnapshotStore } from '../runtime/snapshots.js';
import { ReadStore } from '../readstore/read-store.js';
import { keepingMilestones, milestonesFor, type MilestoneOptions } from '../readstore/milestones.js';
import { PastReader, type PastRead } from '../readstore/past-reader.js';
import { PastTables, type PastPoint } from '../readstore/past-tables.js';
import { park, takeParked } from '../readstore/parked-copy.js';
import type { TablePart } from '../readstore/table-parts.js';

/** Everything an operation needs: the log, the read models over it, and the clock. */
export interface App {
  readonly store: EventStore;
  /** Snapshots of long streams (each instance's), beside the log's cache; none for a log without one. */
  readonly snapshots: SnapshotStore | undefined;
  /** The read models as indexed tables, caught up with the log: what everyday reads answer from. */
  tables(): Promise<ReadStore>;
  /** Runs `use` on the same tables as they stood at a past moment (a scratch copy, kept for the next such read). */
  readPast<T>(point: PastPoint, use: (past: PastTables) => T | Promise<T>, options?: PastRead): Promise<T>;
  /** Empty scratch tables to fold into yourself (a series), of the parts given: close them after reading. */
  scratchTables(parts?: readonly TablePart[]): PastTables;
  /** Leaves scratch tables for the next process as `name`, with `extra` (JSON) to go on from; closes them where the log keeps no cache. */
  parkScratch(past: PastTables, name: string, extra: unknown): void;
  /** Takes over the scratch tables a process left as `name`, if they were folded from this log. */
  takeScratch(name: string): Promise<{ past: PastTables; extra: unknown } | undefined>;
  /** Where the log lives, for messages (never secrets). */
  readonly describe: string;
  clock(): Date;
  newEventId(): string;
  /** `atExit`: a one-shot process about to exit (see EventStore.close). */
  close(options?: { atExit?: boolean }): Promise<void>;
}

export interface OpenAppOptions {
  create?: boolean;
  clock?: () => Date;
  /** Shows long folds (a cold cache over a big log) to someone watching. */
  progress?: ProgressFactory;
}

export async function openApp(storeUrl: string, options: OpenAppOptions = {}): Promise<App> {
  const { store, cacheDir, describe } = await openStore(storeUrl, { create: options.create ?? false });
  return appOver(store, { cacheDir, describe, clock: options.clock, progress: options.progress });
}

/** Scratch tables live beside the log's cache, on its disk. */
function scratchDir(cacheDir: string | undefined): string | undefined {
  if (cacheDir === undefined) return undefined;
  mkdirSync(cacheDir, { recursive: true });
  return cacheDir;
}

/** An App over a store that is already open (tests, the server). */
export function appOver(
  store: EventStore,
  options: {
    cacheDir?: string | undefined;
    describe?: string;
    clock?: (() => Date) | undefined;
    progress?: ProgressFactory | undefined;
    /** Copies of the tables kept for replays (CAIRN_REPLAY_COPIES by default). */
    milestones?: MilestoneOptions | undefined;
  } = {},
): App {
  let reads: ReadStore | undefined;
  const milestones = milestonesFor(options.cacheDir, options.milestones);
  const past = new PastReader(store, { progress: options.progress, under: scratchDir(options.cacheDir), milestones });
  return {
    store,
    snapshots: options.cacheDir === undefined ? undefined : new FileSnapshots(join(options.cacheDir, 'snapshots')),
    async tables() {
      reads ??= ReadStore.open(options.cacheDir, {}, keepingMilestones(milestones));
      await reads.catchUp(store, options.progress);
      return reads;
    },
    readPast: (point, use, options) => past.read(point, use, options),
    scratchTables: (parts) => PastTables.open(scratchDir(options.cacheDir), parts),
    parkScratch: (tables, name, extra) => {
      const under = scratchDir(options.cacheDir);
      if (under === undefined) tables.close();
      else park(tables, under, name, extra);
    },
    takeScratch: async (name) => {
      const under = scratchDir(options.cacheDir);
      return under === undefined ? undefined : takeParked(store, under, name);
    },
    describe: options.describe ?? 'store',
    clock: options.clock ?? (() => new Date()),
    newEventId: randomUuid,
    close: async (options = {}) => {
      past.close();
      reads?.close(options);
      await store.close(options);
    },
  };
}
