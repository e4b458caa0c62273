import { postMessage } from '../baselines/json-file-store.js';
import { readyThenGo } from './go.js';

/** node dist/bench/children/json-writer.js FILE WRITER COUNT: posts COUNT messages to the naive JSON file. */
const [file, writer, countText] = process.argv.slice(2);
await readyThenGo();
let tornReads = 0;
let failed = 0;
for (let i = 0; i < Number(countText); i++) {
  const result = postMessage(file!, { from: writer!, to: 'all', content: `update ${i} from ${writer}` });
  tornReads += result.tornReads;
  if (!result.written) failed++;
}
process.stdout.write(`${JSON.stringify({ posted: Number(countText) - failed, failed, tornReads })}\n`);
