import { parentPort } from 'node:worker_threads';
import { targetsIn, type LineBatch } from './line-targets.js';

/** The second thread of an import's first pass (line-targets.ts): checks each batch it is sent. */
const port = parentPort!;
port.on('message', (batch: LineBatch) => port.postMessage(targetsIn(batch)));
