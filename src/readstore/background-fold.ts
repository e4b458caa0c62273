import { Worker } from 'node:worker_threads';
import { parseStoreUrl } from '../store/open.js';
import type { ReadStore } from './read-store.js';

/** What the importing thread tells the fold's thread: the log grew, or it is done growing. */
export type FoldRequest = 'grew' | 'done';
/** What the fold's thread reports: the position its tables reached. */
export type FoldReport = { folded: string };

export interface BackgroundFoldOptions {
  /** Hears the position the tables reached after each of the thread's batches. */
  onFolded?: (position: bigint) => void;
  /**
   * The starting thread's own connection to the same tables: it leaves the copies kept for
   * replays as the fold passes them (ReadStore.foldedElsewhere), on this thread, which is idle
   * while the other folds. Without it, no copy is left.
   */
  tables?: ReadStore;
}

/**
 * The read models' tables folded in a thread of their own while another appends to the log
 * (`cairn import`): appending and folding each take a core instead of taking turns on one.
 * The thread opens the same log and tables (fold-worker.ts) and catches the tables up as the
 * log grows; the tables' own transactions and watermark keep it from folding anything twice.
 */
export class BackgroundFold {
  private failure: Error | undefined;
  private readonly ended: Promise<void>;
  /** The copies being left, one after another, for the positions reported so far. */
  private copying: Promise<void> = Promise.resolve();

  private constructor(
    private readonly worker: Worker,
    { onFolded, tables }: BackgroundFoldOptions,
  ) {
    worker.on('message', (message: FoldReport) => {
      const position = BigInt(message.folded);
      onFolded?.(position);
      if (tables) this.copying = this.copying.then(() => tables.foldedElsewhere(position));
    });
    this.ended = new Promise((resolve) => {
      worker.on('error', (error) => (this.failure = error));
      worker.on('exit', () => resolve());
    });
  }

  /** Starts one over the log at `storeUrl`; undefined where a second thread cannot open the same tables (an in-memory log). */
  static start(storeUrl: string, options: BackgroundFoldOptions = {}): BackgroundFold | undefined {
    if (parseStoreUrl(storeUrl).kind === 'memory') return undefined;
    return new BackgroundFold(new Worker(new URL('./fold-worker.js', import.meta.url), { workerData: { storeUrl } }), options);
  }

  /** The log grew: fold it. */
  grew(): void {
    this.worker.postMessage('grew' satisfies FoldRequest);
  }

  /** Waits for the tables to reach the log's head as it now stands, and for the copies they passed; rejects with what stopped the thread. */
  async finish(): Promise<void> {
    this.worker.postMessage('done' satisfies FoldRequest);
    await this.ended;
    await this.copying;
    if (this.failure) throw this.failure;
  }

  /** Stops the thread where it is (the import failed): the tables stay at their last commit. */
  async stop(): Promise<void> {
    await this.worker.terminate();
    await this.copying;
  }
}
