import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activityProjection } from '../../projections/activity.js';
import { fold, type Projection } from '../../projections/projection.js';
import { tasksProjection, type TasksState } from '../../projections/tasks.js';
import { CheckpointStore, type Checkpoint } from '../../src/runtime/checkpoints.js';
import { decodeJson } from '../../src/runtime/json.js';
import { ProjectionRuntime } from '../../src/runtime/runtime.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { appendEvents, eventLog, type EventLog } from '../projections/fixtures.js';
import { realisticLog } from '../projections/generate.js';
import { CountingStore } from './counting-store.js';
import { tempDir } from './temp-dir.js';

const cacheDir = () => tempDir('cairn-checkpoints-');

async function storeOf(log: EventLog, upTo = log.head) {
  const store = new CountingStore(new InMemoryEventStore());
  await appendEvents(store, log.upTo(upTo));
  store.reset();
  return store;
}

/** Runs one projection to the head of a store with a cache, as a CLI process would. */
async function warm(log: EventLog, dir: string, projection: Projection<unknown> = tasksProjection, upTo = log.head) {
  await new ProjectionRuntime(await storeOf(log, upTo), dir).current(projection);
}

describe('checkpoints', () => {
  it('saves <name>.json with the projection, its version, position, log id and state, and no temporary files', async () => {
    const log = realisticLog(11, 120);
    const dir = await cacheDir();
    await warm(log, dir);
    expect(await readdir(dir)).toEqual(['tasks.json']);
    const saved = decodeJson<Checkpoint<TasksState>>(await readFile(join(dir, 'tasks.json'), 'utf8'));
    expect(saved).toMatchObject({ name: 'tasks', version: 1, position: 120n, logId: log.events[0]!.metadata.eventId });
    expect(saved.state).toEqual(fold(tasksProjection, log.events));
  });

  it('lets another process resume from the checkpoint and read only the new events', async () => {
    const log = realisticLog(11, 300);
    const dir = await cacheDir();
    await warm(log, dir, tasksProjection, 200n);
    const store = await storeOf(log);
    const { state, position } = await new ProjectionRuntime(store, dir).current(tasksProjection);
    expect(store.eventsRead).toBe(1 + 100);
    expect(position).toBe(300n);
    expect(state).toEqual(fold(tasksProjection, log.events));
  });

  it('does not write again when nothing new was folded', async () => {
    const log = realisticLog(11, 50);
    const dir = await cacheDir();
    const runtime = new ProjectionRuntime(await storeOf(log), dir);
    await runtime.current(tasksProjection);
    await rm(join(dir, 'tasks.json'));
    await runtime.current(tasksProjection);
    await new ProjectionRuntime(await storeOf(log), dir).current(activityProjection);
    expect(await readdir(dir)).toEqual(['activity.json']);
  });

  it.each([
    ['garbage', 'not json at all'],
    ['a torn file', '{"name":"tasks","version":1,"position":{"$bigint":"3"'],
    ['the wrong shape', '{"name":"tasks","version":1,"position":5}'],
    ['an empty file', ''],
  ])('ignores a checkpoint file holding %s and rebuilds it', async (_what, content) => {
    const log = realisticLog(11, 80);
    const dir = await cacheDir();
    await writeFile(join(dir, 'tasks.json'), content);
    const store = await storeOf(log);
    const { state } = await new ProjectionRuntime(store, dir).current(tasksProjection);
    expect(state).toEqual(fold(tasksProjection, log.events));
    expect(store.eventsRead).toBe(1 + 80);
    expect(decodeJson<Checkpoint>(await readFile(join(dir, 'tasks.json'), 'utf8')).position).toBe(80n);
  });

  it('ignores a checkpoint of another log (another first event), even a shorter one', async () => {
    const other = realisticLog(11, 50, { salt: 1 });
    const log = realisticLog(11, 80);
    const dir = await cacheDir();
    await warm(other, dir);
    const store = await storeOf(log);
    const { state } = await new ProjectionRuntime(store, dir).current(tasksProjection);
    expect(store.eventsRead).toBe(1 + 80);
    expect(state).toEqual(fold(tasksProjection, log.events));
  });

  it('ignores a checkpoint of a log that shares its start but diverged later (a restored backup)', async () => {
    const original = realisticLog(11, 80);
    const dir = await cacheDir();
    await warm(original, dir, tasksProjection, 60n);
    // The same first 40 events, then another history: the checkpoint's event 60 is not in it.
    const diverged = [...original.upTo(40n), ...realisticLog(12, 80, { salt: 2 }).events.slice(40)];
    const store = new InMemoryEventStore();
    await appendEvents(store, diverged);
    const { state, position } = await new ProjectionRuntime(store, dir).current(tasksProjection);
    expect(position).toBe(80n);
    expect(state).toEqual(fold(tasksProjection, diverged));
  });

  it('ignores a checkpoint past the end of the log', async () => {
    const log = realisticLog(11, 80);
    const dir = await cacheDir();
    await warm(log, dir);
    const store = await storeOf(log, 60n);
    const { state, position } = await new ProjectionRuntime(store, dir).current(tasksProjection);
    expect(position).toBe(60n);
    expect(state).toEqual(fold(tasksProjection, log.upTo(60n)));
  });

  it('ignores a checkpoint written by another version of the projection', async () => {
    const log = realisticLog(11, 80);
    const dir = await cacheDir();
    await warm(log, dir);
    const store = await storeOf(log);
    const bumped = { ...tasksProjection, version: 2 };
    await new ProjectionRuntime(store, dir).current(bumped);
    expect(store.eventsRead).toBe(1 + 80);
    expect(decodeJson<Checkpoint>(await readFile(join(dir, 'tasks.json'), 'utf8')).version).toBe(2);
  });

  it('keeps working when the cache cannot be written', async () => {
    const log = realisticLog(11, 40);
    const dir = await cacheDir();
    await writeFile(join(dir, 'file'), 'in the way');
    const { state } = await new ProjectionRuntime(await storeOf(log), join(dir, 'file', 'cache')).current(tasksProjection);
    expect(state).toEqual(fold(tasksProjection, log.events));
  });

  it('keeps ids and topics named like Object.prototype members as plain keys through a checkpoint', async () => {
    const log = eventLog()
      .add('TaskProposed', { taskId: 'constructor', title: 'odd', tags: ['hasOwnProperty'], proposedBy: 'a' })
      .add('FindingRecorded', { findingId: 'toString', by: 'a', summary: 's', topic: '__proto__', tags: [], cites: [] });
    const dir = await cacheDir();
    await warm(log, dir, activityProjection, 1n);
    await warm(log, dir, tasksProjection, 1n);
    log
      .add('TaskClaimed', { taskId: 'constructor', owner: 'a', leaseUntil: '2030-01-01T00:00:00Z' })
      .add('TaskProposed', { taskId: 'valueOf', title: 'odd too', tags: [], proposedBy: 'a' });
    const store = await storeOf(log);
    const [tasks, activity] = await new ProjectionRuntime(store, dir).currentMany([tasksProjection, activityProjection]);
    expect(store.eventsRead).toBe(1 + 3);
    expect(tasks.state).toEqual(fold(tasksProjection, log.events));
    expect(Object.keys(tasks.state.tasks)).toEqual(['constructor', 'valueOf']);
    expect(activity.state).toEqual(fold(activityProjection, log.events));
    expect(Object.keys(activity.state.instances.a!.topics)).toEqual(['__proto__', 'hasownproperty']);
  });

  it('never lets a reader see a half-written checkpoint while others write', async () => {
    const dir = await cacheDir();
    const checkpoints = new CheckpointStore(dir);
    const big = (n: number): Checkpoint => ({ name: 'tasks', version: 1, position: BigInt(n), logId: 'log', maxAt: n, last: null, state: { filler: 'x'.repeat(200_000 + n) } });
    const writes = Array.from({ length: 20 }, (_, n) => checkpoints.save(big(n + 1)));
    const reads = Array.from({ length: 40 }, () => checkpoints.load({ name: 'tasks', version: 1 }, 'log'));
    expect(await Promise.all(writes)).toEqual(Array(20).fill(true));
    for (const read of await Promise.all(reads)) {
      if (read) expect((read.state as { filler: string }).filler).toHaveLength(200_000 + Number(read.position));
    }
    expect(await readdir(dir)).toEqual(['tasks.json']);
  });
});
