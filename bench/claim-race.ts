import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from '../src/app/app.js';
import { join as joinOp } from '../src/app/join.js';
import { propose } from '../src/app/task-commands.js';
import { collect } from '../src/store/port.js';
import { startChild } from './support/children.js';
import { sized, type BenchContext, type Benchmark } from './support/figure.js';

/**
 * Claim race: 8 processes try to claim the same tasks at once, each in its own order, with
 * the same `claim` operation the CLI, HTTP and MCP run. Exclusivity comes from optimistic
 * concurrency on the task stream, so the figure that matters most is a count: exactly one
 * winner per task. Throughput is claim attempts per second across all 8.
 */
export const claimRaceBenchmark: Benchmark = {
  name: 'claim-race',
  description: 'claim race throughput with 8 processes, and exactly one winner per task',
  async run(ctx) {
    const race = await raceClaims(ctx, join(ctx.dir, 'claims.db'));
    const command = 'npm run bench -- --only claim-race';
    return [
      {
        id: 'claim-race.throughput',
        name: `claim race, ${race.processes} processes x ${race.tasks} tasks: attempts per second`,
        value: race.attemptsPerSecond,
        unit: 'claims/s',
        target: '(reported)',
        met: null,
        command,
        details: { ...race },
      },
      {
        id: 'claim-race.winners',
        name: 'claim race: tasks with exactly one winner (and one TaskClaimed)',
        value: race.oneWinnerEach ? race.tasks : race.winners,
        unit: `of ${race.tasks}`,
        target: 'all tasks, 1 winner each',
        met: race.oneWinnerEach,
        command,
        details: { winners: race.winners, distinct: race.distinct, claimedEvents: race.claimedEvents },
      },
    ];
  },
};

export interface ClaimRace {
  processes: number;
  tasks: number;
  attempts: number;
  wallMs: number;
  attemptsPerSecond: number;
  winners: number;
  distinct: number;
  claimedEvents: number;
  oneWinnerEach: boolean;
}

/** Runs the race on the log at `storeUrl` (created here): a SQLite path or a postgres:// URL. */
export async function raceClaims(ctx: BenchContext, storeUrl: string): Promise<ClaimRace> {
  const processes = 8;
  const taskCount = sized(ctx, 200, 30, 5);
  const app = await openApp(storeUrl, { create: true });
  const instances = Array.from({ length: processes }, (_, i) => `claimer-${i}`);
  const tasks: string[] = [];
  try {
    for (const id of instances) await joinOp.run(app, { role: 'builder' }, { instanceId: id });
    for (let i = 0; i < taskCount; i++) {
      const result = await propose.run(app, { title: `contested task ${i}`, tags: [], id: `t-race-${i}` }, { instanceId: instances[0] });
      tasks.push(result.taskId);
    }
  } finally {
    await app.close();
  }
  const tasksFile = join(ctx.dir, `tasks-${Date.now()}.json`);
  writeFileSync(tasksFile, JSON.stringify(tasks));

  const children = instances.map((id, i) => startChild('claimer', [storeUrl, id, tasksFile, String(i + 1)]));
  await Promise.all(children.map((c) => c.ready));
  const start = performance.now();
  for (const child of children) child.go();
  await Promise.all(children.map((c) => c.exited));
  const wallMs = performance.now() - start;

  const results = children.map((c) => JSON.parse(c.lines.at(-1)!) as { won: string[]; refused: number; ms: number });
  const won = results.flatMap((r) => r.won);
  const attempts = results.reduce((n, r) => n + r.won.length + r.refused, 0);
  const check = await openApp(storeUrl);
  let claimedEvents: number;
  try {
    claimedEvents = (await collect(check.store.readAll({ streamPrefixes: ['task-'] }))).filter((e) => e.type === 'TaskClaimed').length;
  } finally {
    await check.close();
  }
  return {
    processes,
    tasks: taskCount,
    attempts,
    wallMs,
    attemptsPerSecond: (attempts / wallMs) * 1000,
    winners: won.length,
    distinct: new Set(won).size,
    claimedEvents,
    oneWinnerEach: won.length === taskCount && new Set(won).size === taskCount && claimedEvents === taskCount,
  };
}
