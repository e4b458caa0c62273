// node append-once.mjs STORE STREAM
// Appends one event from a process of its own and prints its id: a writer another process can wake up to.
import { randomUUID } from 'node:crypto';
const { openStore } = await import(new URL('../../../dist/src/store/open.js', import.meta.url).href);

const [url, stream] = process.argv.slice(2);
const { store } = await openStore(url);
const id = randomUUID();
await store.append(stream, [{ id, type: 'Noted', data: {}, metadata: {} }]);
await store.close();
process.stdout.write(`${id}\n`);
