import { openSqliteStore } from '../../src/store/sqlite.js';
import { epochMs } from './go.js';

/**
 * node dist/bench/children/waiter.js DB COUNT
 * Subscribes to the log from its head and prints "<messageId> <epoch ms>" the moment each
 * new event reaches it, until COUNT events arrived.
 */
const [path, countText] = process.argv.slice(2);
const store = openSqliteStore(path!);
let left = Number(countText);
const subscription = store.subscribe({ after: await store.headPosition() });
process.stdout.write('ready\n');
for await (const event of subscription) {
  const woke = epochMs();
  process.stdout.write(`${String(event.data.messageId)} ${woke}\n`);
  if (--left <= 0) break;
}
await subscription.close();
await store.close();
