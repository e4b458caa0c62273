import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from '../src/app/app.js';
import { join as joinOp } from '../src/app/join.js';
import { propose } from '../src/app/task-commands.js';
import { collect } from '../src/store/port.js';
import { startChild } from './support/children.js';
import { sized, type Benchmark } from './support/figure.js';

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
    const processes = 8;
    const taskCount = sized(ctx, 200, 30, 5);
    const path = join(ctx.dir, 'claims.db');
    const app = await openApp(path, { create: true });
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
    const tasksFile = join(ctx.dir, 'tasks.json');
    writeFileSync(tasksFile, JSON.stringify(tasks));

    const children = instances.map((id, i) => startChild('claimer', [path, id, tasksFile, String(i + 1)]));
    await Promise.all(children.map((c) => c.ready));
    const start = performance.now();
    for (const child of children) child.go();
    await Promise.all(children.map((c) => c.exited));
    const wallMs = performance.now() - start;

    const results = children.map((c) => JSON.parse(c.lines.at(-1)!) as { won: string[]; refused: number; ms: number });
    const won = results.flatMap((r) => r.won);
    const attempts = results.reduce((n, r) => n + r.won.length + r.refused, 0);
    const check = await openApp(path);
    let claimedEvents: number;
    try {
      claimedEvents = (await collect(check.store.readAll({ streamPrefixes: ['task-'] }))).filter((e) => e.type === 'TaskClaimed').length;
    } finally {
      await check.close();
    }
    const oneWinnerEach = won.length === taskCount && new Set(won).size === taskCount && claimedEvents === taskCount;
    const command = 'npm run bench -- --only claim-race';
    return [
      {
        id: 'claim-race.throughput',
        name: `claim race, ${processes} processes x ${taskCount} tasks: attempts per second`,
        value: (attempts / wallMs) * 1000,
        unit: 'claims/s',
        target: '(reported)',
        met: null,
        command,
        details: { wallMs, attempts, tasks: taskCount, processes, tasksResolvedPerSecond: (taskCount / wallMs) * 1000 },
      },
      {
        id: 'claim-race.winners',
        name: 'claim race: tasks with exactly one winner (and one TaskClaimed)',
        value: oneWinnerEach ? taskCount : won.length,
        unit: `of ${taskCount}`,
        target: 'all tasks, 1 winner each',
        met: oneWinnerEach,
        command,
        details: { winners: won.length, distinct: new Set(won).size, claimedEvents },
      },
    ];
  },
};
