import { readFileSync } from 'node:fs';
import { openApp } from '../../src/app/app.js';
import { claim } from '../../src/app/task-commands.js';
import { DomainError } from '../../src/errors.js';
import { readyThenGo } from './go.js';

/**
 * node dist/bench/children/claimer.js DB INSTANCE TASKS_JSON SEED
 * Tries to claim every task in its own shuffled order, as fast as it can, and prints
 * {"won": [...], "refused": n, "ms": t} when done.
 */
const [path, instanceId, tasksFile, seedText] = process.argv.slice(2);
const tasks = JSON.parse(readFileSync(tasksFile!, 'utf8')) as string[];
let seed = Number(seedText) >>> 0;
const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
for (let i = tasks.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [tasks[i], tasks[j]] = [tasks[j]!, tasks[i]!];
}
const app = await openApp(path!);
await readyThenGo();
const start = performance.now();
const won: string[] = [];
let refused = 0;
for (const task of tasks) {
  try {
    await claim.run(app, { task, lease: 3_600_000 }, { instanceId });
    won.push(task);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refused++;
  }
}
const ms = performance.now() - start;
await app.close();
process.stdout.write(`${JSON.stringify({ won, refused, ms })}\n`);
