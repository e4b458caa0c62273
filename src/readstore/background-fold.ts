import { Worker } from 'node:worker_threads';
import { parseStoreUrl } from '../store/open.js';

/** What the importing thread tells the fold's thread: the log grew, or it is done growing. */
export type FoldRequest = 'grew' | 'done';
/** What the fold's thread reports: the position its tables reached. */
export type FoldReport = { folded: string };

/**
 * The read models' tables folded in a thread of their own while another appends to the log
 * (`cairn import`): appending and folding each take a core instead of taking turns on one.
 * The thread opens the same log and tables (fold-worker.ts) and catches the tables up as the
 * log grows; the tables' own transactions and watermark keep it from folding anything twice.
 */
export class BackgroundFold {
  private failure: Error | undefined;
  private readonly ended: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    onFolded: (position: bigint) => void,
  ) {
    worker.on('message', (message: FoldReport) => onFolded(BigInt(message.folded)));
    this.ended = new Promise((resolve) => {
      worker.on('error', (error) => (this.failure = error));
      worker.on('exit', () => resolve());
    });
  }

  /** Starts one over the log at `storeUrl`; undefined where a second thread cannot open the same tables (an in-memory log). */
  static start(storeUrl: string, onFolded: (position: bigint) => void = () => undefined): BackgroundFold | undefined {
    if (parseStoreUrl(storeUrl).kind === 'memory') return undefined;
    return new BackgroundFold(new Worker(new URL('./fold-worker.js', import.meta.url), { workerData: { storeUrl } }), onFolded);
  }

  /** The log grew: fold it. */
  grew(): void {
    this.worker.postMessage('grew' satisfies FoldRequest);
  }

  /** Waits for the tables to reach the log's head as it now stands; rejects with what stopped the thread. */
  async finish(): Promise<void> {
    this.worker.postMessage('done' satisfies FoldRequest);
    await this.ended;
    if (this.failure) throw this.failure;
  }

  /** Stops the thread where it is (the import failed): the tables stay at their last commit. */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
