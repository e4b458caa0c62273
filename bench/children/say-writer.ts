import { openApp } from '../../src/app/app.js';
import { say } from '../../src/app/record-commands.js';
import { readyThenGo } from './go.js';

/** node dist/bench/children/say-writer.js DB INSTANCE COUNT: posts COUNT messages to all with `say`. */
const [path, instanceId, countText] = process.argv.slice(2);
const app = await openApp(path!);
await readyThenGo();
let posted = 0;
for (let i = 0; i < Number(countText); i++) {
  await say.run(app, { body: `update ${i} from ${instanceId}`, to: 'all' }, { instanceId });
  posted++;
}
await app.close();
process.stdout.write(`${JSON.stringify({ posted })}\n`);
