#!/usr/bin/env node
/**
 * Whole-process cost of recording what a read showed, against a build of an earlier commit:
 * the same `findings --as bo` read, with something new to show each round, by two CLIs on two
 * copies of one log (alternating, medians). For the figure on issue 11:
 *
 *   git worktree add /tmp/landed c0ed298 && cd /tmp/landed && ln -s "$OLDPWD/node_modules" node_modules \
 *     && npx tsc -p tsconfig.json && node scripts/bundle-cli.mjs && cd -
 *   node scripts/compare-reads.mjs /tmp/landed/dist/src/cli/main.cjs dist/src/cli/main.cjs
 *
 * The log is built by the earlier CLI (300 findings), so both can read it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [before, after, rounds = '25'] = process.argv.slice(2).map((a, i) => (i < 2 ? resolve(a) : a));
if (!before || !after) {
  console.error('usage: node scripts/compare-reads.mjs BEFORE/dist/src/cli/main.cjs AFTER/dist/src/cli/main.cjs [ROUNDS]');
  process.exit(2);
}
const run = (cli, dir, args) => {
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return performance.now() - start;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = mkdtempSync(join(tmpdir(), 'cairn-compare-'));
const [dirBefore, dirAfter] = [join(root, 'before'), join(root, 'after')];
mkdirSync(dirBefore);
mkdirSync(join(dirAfter, '.cairn'), { recursive: true });
run(before, dirBefore, ['init']);
run(before, dirBefore, ['join', '--role', 'explorer', '--as', 'ada']);
run(before, dirBefore, ['join', '--role', 'builder', '--as', 'bo']);
for (let i = 0; i < 300; i++) run(before, dirBefore, ['find', `Seed finding ${i} about module ${i % 37} and how its cache behaves under load`, '--as', 'ada']);
cpSync(join(dirBefore, '.cairn', 'log.db'), join(dirAfter, '.cairn', 'log.db'));

const ratios = [];
const times = { before: [], after: [] };
for (let i = 0; i < Number(rounds); i++) {
  const summary = `Round ${i}: the cache of module ${i % 37} is cold after deploys`;
  run(before, dirBefore, ['find', summary, '--as', 'ada']);
  run(after, dirAfter, ['find', summary, '--as', 'ada']);
  // Catch each log's checkpoints up with the new finding first, without showing it to bo.
  run(before, dirBefore, ['tasks']);
  run(after, dirAfter, ['tasks']);
  const b = () => run(before, dirBefore, ['findings', '--as', 'bo']);
  const a = () => run(after, dirAfter, ['findings', '--as', 'bo']);
  const [tb, ta] = i % 2 === 0 ? [b(), a()] : [a(), b()].reverse();
  times.before.push(tb);
  times.after.push(ta);
  ratios.push(ta / tb);
}
console.log(`findings --as bo with something new to show, ${rounds} rounds: before ${median(times.before).toFixed(1)} ms, after ${median(times.after).toFixed(1)} ms, median ratio ${median(ratios).toFixed(3)} (target <= 1.2)`);
