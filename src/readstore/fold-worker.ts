import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open.js';
import { ReadStore } from './read-store.js';
import type { FoldReport, FoldRequest } from './background-fold.js';

/**
 * The thread of a BackgroundFold (background-fold.ts): it opens the log and its tables
 * itself and catches the tables up each time the importing thread says the log grew, until
 * it says it is done; then it catches up one last time, to the final head, and ends. It
 * leaves no copy for replays: the importing thread does, from its own connection, while this
 * one folds on (BackgroundFold's `tables`).
 */

const port = parentPort!;
const report = (message: FoldReport) => port.postMessage(message);

let grew = false;
let done = false;
let wake: (() => void) | undefined;
port.on('message', (message: FoldRequest) => {
  if (message === 'done') done = true;
  grew = true;
  wake?.();
});

const { store, cacheDir } = await openStore((workerData as { storeUrl: string }).storeUrl);
const tables = ReadStore.open(cacheDir);
try {
  for (;;) {
    // Read before the catch-up: a `done` that arrives during it still gets a last one.
    const last = done;
    grew = false;
    await tables.catchUp(store, undefined, (position) => report({ folded: String(position) }));
    if (last) break;
    if (!grew) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
} finally {
  tables.close();
  await store.close();
  port.unref(); // listening for requests no longer keeps the thread alive
}
