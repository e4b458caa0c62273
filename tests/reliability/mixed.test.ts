import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import Database from 'better-sqlite3';
import { fold } from '../../projections/projection.js';
import { tasksProjection } from '../../projections/tasks.js';
import { toStored } from '../../src/runtime/stored.js';
import { collect } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { dump, expectSameRows, foldedAlone } from '../readstore/fold-tables.js';
import { CLI, child, cleanEnv, run, tempDir } from './support.js';

const WORKERS = 8;
const SECONDS = 20;
const POOL = 12;

interface Line {
  args: string[];
  code: number | null;
  ids: string[];
  error?: string;
}

/**
 * Eight agents run real CLI commands against one log at once for a bounded time, racing
 * for the same tasks with short leases. Afterwards: every command ended in success or a
 * clear refusal, no acknowledged event is lost or duplicated, no task ever had two live
 * owners, the task board matches its TaskClaimed history, and the tables the processes
 * folded concurrently hold the same rows as one writer's fold.
 */
describe('8 processes running mixed commands', () => {
  const dir = tempDir('mixed');
  const path = join(dir, 'log.db');

  it('keeps every invariant', async () => {
    const env = cleanEnv({ CAIRN_STORE: path });
    const cairn = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
    expect(cairn('init').status).toBe(0);
    expect(cairn('join', '--role', 'coordinator', '--as', 'seed').status).toBe(0);
    for (let i = 0; i < POOL; i++) expect(cairn('propose', `pool task ${i}`, '--id', `t-pool-${i}`, '--as', 'seed').status).toBe(0);

    const workers = Array.from({ length: WORKERS }, (_, w) =>
      run(child('worker.mjs'), [path, `agent-${w}`, String(SECONDS), String(w + 1), String(POOL)], env),
    );
    const exits = await Promise.all(workers.map((w) => w.exited));
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    const lines = workers.flatMap((w) => w.lines.map((l) => JSON.parse(l) as Line));

    // Success or a refusal, nothing else: no crash, no "store unavailable" under contention.
    expect(lines.filter((l) => l.code !== 0 && l.code !== 1)).toEqual([]);
    expect(lines.length).toBeGreaterThan(WORKERS * 5);
    const claimsWon = lines.filter((l) => l.args[0] === 'claim' && l.code === 0).length;
    expect(claimsWon).toBeGreaterThan(0);

    const store = openSqliteStore(path);
    try {
      const events = (await collect(store.readAll())).map(toStored);
      // No lost or duplicated event ids.
      const counts = new Map<string, number>();
      for (const e of events) counts.set(e.metadata.eventId, (counts.get(e.metadata.eventId) ?? 0) + 1);
      expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
      const acknowledged = lines.flatMap((l) => l.ids);
      expect(new Set(acknowledged).size).toBe(acknowledged.length);
      expect(acknowledged.filter((id) => !counts.has(id))).toEqual([]);

      // One live owner at a time, and the board agrees with the history.
      const history = replayTaskHistory(events);
      expect(history.violations).toEqual([]);
      const state = fold(tasksProjection, events);
      for (const [taskId, expected] of history.tasks) {
        const task = state.tasks[taskId]!;
        expect({ taskId, status: task.status, owner: task.owner ?? null }).toEqual({ taskId, status: expected.status, owner: expected.owner });
      }
      expect(history.claims).toBe(events.filter((e) => e.type === 'TaskClaimed').length);

      // The tables the processes folded as they raced equal one writer's fold of the same events.
      const tables = new Database(join(`${path}.cache`, 'read.db'), { readonly: true });
      const watermark = BigInt(tables.prepare(`SELECT value FROM meta WHERE key = 'watermark'`).pluck().get() as string);
      expect(watermark).toBeGreaterThan(0n);
      expectSameRows(dump(tables), await foldedAlone(path, watermark));
    } finally {
      await store.close();
    }
  }, 90_000);
});

interface TaskFacts {
  status: 'open' | 'claimed' | 'completed' | 'abandoned';
  owner: string | null;
  leaseUntil: number;
}

/** Walks every task stream in order, checking that a claim never overlaps a live lease. */
function replayTaskHistory(events: StoredEvent[]) {
  const tasks = new Map<string, TaskFacts>();
  const violations: string[] = [];
  let claims = 0;
  for (const e of events) {
    if (!e.streamName.startsWith('task-')) continue;
    const taskId = (e.data as { taskId: string }).taskId;
    const at = Date.parse(e.metadata.at);
    const task = tasks.get(taskId);
    if (e.type === 'TaskProposed') {
      if (task) violations.push(`${taskId} proposed twice`);
      tasks.set(taskId, { status: 'open', owner: null, leaseUntil: 0 });
      continue;
    }
    if (!task) {
      violations.push(`${e.type} on unknown task ${taskId}`);
      continue;
    }
    if (task.status === 'completed' || task.status === 'abandoned') violations.push(`${e.type} on ${task.status} task ${taskId} at ${e.position}`);
    const live = task.status === 'claimed' && task.leaseUntil > at;
    switch (e.type) {
      case 'TaskClaimed':
        claims++;
        if (live) violations.push(`${e.data.owner} claimed ${taskId} at ${e.position} while ${task.owner} held it until ${new Date(task.leaseUntil).toISOString()}`);
        Object.assign(task, { status: 'claimed', owner: e.data.owner, leaseUntil: Date.parse(e.data.leaseUntil) });
        break;
      case 'ClaimRenewed':
        // The owner may renew after its lease ran out, as long as nobody claimed since.
        if (task.status !== 'claimed' || task.owner !== e.data.owner) violations.push(`${e.data.owner} renewed ${taskId} at ${e.position}, held by ${task.owner}`);
        task.leaseUntil = Date.parse(e.data.leaseUntil);
        break;
      case 'ClaimReleased':
        if (task.owner !== e.data.owner) violations.push(`${e.data.owner} released ${taskId} at ${e.position}, held by ${task.owner}`);
        Object.assign(task, { status: 'open', owner: null, leaseUntil: 0 });
        break;
      case 'TaskCompleted':
        Object.assign(task, { status: 'completed', owner: null });
        break;
      case 'TaskAbandoned':
        Object.assign(task, { status: 'abandoned', owner: null });
        break;
    }
  }
  return { tasks, violations, claims };
}
