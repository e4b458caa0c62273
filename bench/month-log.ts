import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { monthOfWork } from './support/month.js';

/** node dist/bench/month-log.js --events 1000000 --out month.ndjson [--ends-now]: a month of work as `cairn export` writes it. */
const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '11' }, out: { type: 'string' }, 'ends-now': { type: 'boolean', default: false } } });
const out = values.out ? createWriteStream(values.out) : process.stdout;
for (const event of monthOfWork({ events: Number(values.events), seed: Number(values.seed), ...(values['ends-now'] ? { endsAt: Date.now() } : {}) })) {
  if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
}
if (values.out) out.end();
