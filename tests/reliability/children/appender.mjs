// node appender.mjs STORE NAME SEED   (STORE: a SQLite path or a postgres:// URL)
// Appends events as fast as it can, mixing single events, batches of three and expected
// revisions, and writes each acknowledged event id to stdout synchronously, right after
// append() returned: whatever it printed must survive a kill -9 at any moment.
import { writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
const { openStore } = await import(new URL('../../../dist/src/store/open.js', import.meta.url).href);

const [path, name, seedText] = process.argv.slice(2);
let seed = Number(seedText) >>> 0;
const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
const { store } = await openStore(path);
const event = (n) => {
  const id = randomUUID();
  return {
    id,
    type: 'MessagePosted',
    data: { messageId: `${name}-${n}`, from: name, to: 'all', body: `message ${n} from ${name} ${'x'.repeat(Math.floor(random() * 400))}` },
    metadata: { eventId: id, instanceId: name, role: 'builder', at: new Date().toISOString(), seenUpTo: '0', schemaVersion: 1 },
  };
};
writeSync(1, 'ready\n');
const revisions = new Map();
for (let n = 0; ; n++) {
  const roll = random();
  if (roll < 0.5) {
    const e = event(n);
    await store.append(`message-${name}-${n}`, [e], { expectedRevision: 'no_stream' });
    writeSync(1, `${e.id}\n`);
  } else {
    // A conversation stream of the writer's own, appended to at the revision it last saw.
    const stream = `message-${name}-thread-${n % 5}`;
    const batch = [event(n), event(n), event(n)].map((e, i) => ({ ...e, data: { ...e.data, messageId: `${name}-${n}-${i}` } }));
    const expected = revisions.get(stream) ?? 'no_stream';
    const result = await store.append(stream, roll < 0.8 ? batch : batch.slice(0, 1), { expectedRevision: expected });
    revisions.set(stream, result.nextExpectedRevision);
    writeSync(1, `${(roll < 0.8 ? batch : batch.slice(0, 1)).map((e) => e.id).join('\n')}\n`);
  }
}
