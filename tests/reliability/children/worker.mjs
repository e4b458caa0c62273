// node worker.mjs DB NAME SECONDS SEED POOL_SIZE
// One agent for a bounded time: runs real CLI commands one after another (join, propose,
// claim, renew, release, done, find, say, sync, inbox, status, tasks), and prints one JSON
// line per command: {args, code, ids} with the event ids the command said it appended.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../dist/src/cli/main.cjs', import.meta.url));
const [path, name, secondsText, seedText, poolText] = process.argv.slice(2);
let seed = Number(seedText) >>> 0;
const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
const pick = (items) => items[Math.floor(random() * items.length)];
const pool = Array.from({ length: Number(poolText) }, (_, i) => `t-pool-${i}`);
const mine = [];
const held = new Set();
const deadline = Date.now() + Number(secondsText) * 1000;

function cairn(...args) {
  const result = spawnSync(process.execPath, [CLI, ...args, '--as', name, '--json'], {
    env: { ...process.env, CAIRN_STORE: path },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  let out;
  try {
    out = JSON.parse(result.stdout);
  } catch {
    out = undefined;
  }
  const ids = (out?.events ?? []).map((e) => e.metadata.eventId);
  process.stdout.write(`${JSON.stringify({ args, code: result.status, ids, error: result.status > 1 ? result.stderr || result.stdout : undefined })}\n`);
  return { code: result.status, out };
}

cairn('join', '--role', pick(['explorer', 'builder', 'reflector', 'coordinator']));
for (let n = 0; Date.now() < deadline; n++) {
  const roll = random();
  if (roll < 0.1) {
    const id = `t-${name}-${n}`;
    if (cairn('propose', `task ${n} of ${name}`, '--id', id, '--tag', 'load').code === 0) mine.push(id);
  } else if (roll < 0.35) {
    const task = pick([...pool, ...mine]);
    if (cairn('claim', task, '--lease', pick(['2s', '5s', '30s'])).code === 0) held.add(task);
  } else if (roll < 0.42 && held.size > 0) {
    cairn('renew', pick([...held]), '--lease', '5s');
  } else if (roll < 0.5 && held.size > 0) {
    const task = pick([...held]);
    held.delete(task);
    cairn('release', task);
  } else if (roll < 0.54 && held.size > 0) {
    const task = pick([...held]);
    held.delete(task);
    cairn('done', task, '--outcome', 'delivered');
  } else if (roll < 0.66) {
    cairn('find', `finding ${n} by ${name} about retries and backoff`, '--topic', pick(['retries', 'leases', 'sync']));
  } else if (roll < 0.78) {
    cairn('say', `note ${n} from ${name}`, '--to', pick(['all', 'role:builder', 'role:explorer']));
  } else if (roll < 0.86) {
    cairn('sync');
  } else if (roll < 0.9) {
    cairn('inbox', '--mark-read');
  } else {
    cairn(pick(['status', 'tasks']));
  }
}
