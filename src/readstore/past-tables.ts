import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredEvent } from '../../events/index.js';
import { AbandonedError } from '../errors.js';
import { progressOver, type ProgressFactory } from '../runtime/progress.js';
import { toStored } from '../runtime/stored.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import { VIEW_PARTS, withReads, type TablePart } from './table-parts.js';
import { ReadStore } from './read-store.js';

/** A moment of the log's history: a position, or a time (every event stamped at or before it). */
export type PastPoint = { position: bigint } | { time: Date };

/** Events folded per transaction, as the live tables fold them. */
const BATCH = 5_000;

export interface PastFold {
  /** The last position to read (the head when absent or beyond it). */
  until?: bigint | undefined;
  /** Leaves out events stamped after this time (epoch ms): a replay at a time. */
  notAfter?: number | undefined;
  progress?: ProgressFactory | undefined;
  /** Called before each event is folded; `flush` folds what came before it, so the tables can be read as they stood then. */
  before?: (event: StoredEvent, flush: () => void) => void;
  /** Stops the fold between batches (whoever asked went away); the tables stay at the last batch. */
  signal?: AbortSignal | undefined;
}

/**
 * The read models' tables as they stood at a past moment: a scratch file folded from the
 * log's first event by the same writer as the live tables (apply.ts), so a replay shows what
 * the board showed then, bounded as the board is, in memory that does not grow with the log.
 * Folding projections/ in memory instead held every candidate link of a month of findings
 * and ran out of memory at a million events. The file is removed on close.
 */
export class PastTables {
  /** The last event folded, also to know the log again when another process takes the copy over (parked-copy.ts). */
  last: Pick<RecordedEvent, 'id' | 'streamName' | 'revision' | 'position'> | undefined;

  private constructor(
    readonly tables: ReadStore,
    readonly dir: string,
    /** The parts of the tables folded (apply.ts): what the views asked for read. */
    readonly parts: ReadonlySet<TablePart>,
  ) {}

  /**
   * Empty tables, to fold into, in a directory of their own under `under` (the log's cache
   * directory, on the log's disk: /tmp may be memory), or the system's temporary directory.
   * Only `parts` are folded (and what they read): every view's by default, never search's.
   */
  static open(under: string | undefined, parts: Iterable<TablePart> = VIEW_PARTS): PastTables {
    const parent = under ?? tmpdir();
    removeOrphans(parent);
    return PastTables.in(mkdtempSync(join(parent, `cairn-past-${process.pid}-`)), parts);
  }

  /**
   * Tables a process left in `dir` (parked-copy.ts), folded to `last`. Tables of an older
   * version are emptied on opening (read-store.ts): they stand nowhere, at position 0.
   */
  static adopt(dir: string, parts: Iterable<TablePart>, last: NonNullable<PastTables['last']>): PastTables {
    const past = PastTables.in(dir, parts);
    if (past.tables.watermark() === last.position) past.last = last;
    return past;
  }

  private static in(dir: string, parts: Iterable<TablePart>): PastTables {
    const folded = withReads(parts);
    return new PastTables(ReadStore.open(dir, { parts: folded }), dir, folded);
  }

  /** The position the tables stand at: the last event folded (0n: none). */
  get position(): bigint {
    return this.last?.position ?? 0n;
  }

  /** Closes the tables, leaving their files in `dir`. */
  closeTables(): void {
    this.tables.close();
  }

  /** Whether the tables hold what `parts` read. */
  holds(parts: Iterable<TablePart>): boolean {
    return [...withReads(parts)].every((part) => this.parts.has(part));
  }

  /** Folds the log from where the tables stand, in log order, in batches. */
  async fold(store: EventStore, { until, notAfter, progress, before, signal }: PastFold = {}): Promise<void> {
    stopIfAbandoned(signal);
    const head = await store.headPosition();
    const end = until !== undefined && until < head ? until : head;
    const from = this.tables.watermark();
    if (end <= from) return;
    const shown = await progressOver(progress, 'folding the log as it stood then', end - from);
    let batch: StoredEvent[] = [];
    let through = from;
    // Events read since the loop last had a turn: `before` may flush batches short of BATCH.
    let read = 0;
    const flush = () => {
      if (through > this.tables.watermark()) this.tables.foldEvents(batch, through);
      batch = [];
    };
    try {
      for await (const recorded of store.readAll({ after: from })) {
        if (recorded.position > end) break;
        const event = toStored(recorded);
        before?.(event, flush);
        if (notAfter === undefined || Date.parse(event.metadata.at) <= notAfter) {
          batch.push(event);
          this.last = recorded;
        }
        through = recorded.position;
        shown.at?.(through - from);
        if (++read >= BATCH) {
          read = 0;
          flush();
          // Reading a page of the log resolves at once: without a turn of the event loop, a
          // server folding a month would answer nobody else for minutes.
          await new Promise<void>((resolve) => setImmediate(resolve));
          stopIfAbandoned(signal);
        }
      }
      flush();
    } finally {
      shown.finish();
    }
  }

  close(): void {
    this.tables.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Its reason can be anything (a closed request's is a string): the error says what happened. */
export function stopIfAbandoned(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbandonedError();
}

/** Scratch tables a killed process left behind: their directory names a process that is gone. */
function removeOrphans(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = /^cairn-past-(\d+)-/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
