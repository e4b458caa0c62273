import { openApp } from '../../src/app/app.js';
import { say } from '../../src/app/record-commands.js';
import { postMessage } from '../baselines/json-file-store.js';
import { messageBody } from '../json-store.js';

/**
 * node dist/bench/children/poster.js naive|cairn PATH COUNT WARMUP
 * Posts WARMUP + COUNT messages to everyone, one at a time, in a process of its own (so
 * neither store pays for the other's garbage), and prints the time of each counted post.
 */
const [kind, path, countText, warmUpText] = process.argv.slice(2);
const count = Number(countText);
const warmUp = Number(warmUpText);
const times: number[] = [];
if (kind === 'naive') {
  for (let i = 0; i < warmUp + count; i++) {
    const start = performance.now();
    postMessage(path!, { from: 'bo', to: 'all', content: messageBody(i) });
    if (i >= warmUp) times.push(performance.now() - start);
  }
} else {
  const app = await openApp(path!);
  for (let i = 0; i < warmUp + count; i++) {
    const start = performance.now();
    await say.run(app, { body: messageBody(i), to: 'all' }, { instanceId: 'bo' });
    if (i >= warmUp) times.push(performance.now() - start);
  }
  await app.close();
}
process.stdout.write(`${JSON.stringify(times)}\n`);
