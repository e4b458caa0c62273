import { describe, expect, it } from 'vitest';
import { activityProjection } from '../../projections/activity.js';
import { fold } from '../../projections/projection.js';
import { tasksProjection, type TasksState } from '../../projections/tasks.js';
import { CorruptEventError, ValidationError } from '../../src/errors.js';
import { ProjectionRuntime } from '../../src/runtime/runtime.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { appendEvents, uuidOf } from '../projections/fixtures.js';
import { realisticLog } from '../projections/generate.js';
import { CountingStore } from './counting-store.js';
import { tempDir } from './temp-dir.js';

const cacheDir = () => tempDir('cairn-runtime-');

async function storeWith(count: number) {
  const log = realisticLog(7, count);
  const store = new CountingStore(new InMemoryEventStore());
  await appendEvents(store, log.events);
  store.reset();
  return { log, store };
}

describe('ProjectionRuntime.current', () => {
  it('gives the fold of the whole log and the position of its last event', async () => {
    const { log, store } = await storeWith(200);
    const { state, position } = await new ProjectionRuntime(store).current(tasksProjection);
    expect(position).toBe(200n);
    expect(state).toEqual(fold(tasksProjection, log.events));
  });

  it('gives the initial state at position 0 for an empty log', async () => {
    const runtime = new ProjectionRuntime(new InMemoryEventStore(), await cacheDir());
    expect(await runtime.current(tasksProjection)).toEqual({ state: { tasks: {} }, position: 0n });
  });

  it('reads only the new events on the next call, and nothing when nothing is new', async () => {
    const log = realisticLog(7, 300);
    const inner = new InMemoryEventStore();
    await appendEvents(inner, log.events.slice(0, 200));
    const counting = new CountingStore(inner);
    const runtime = new ProjectionRuntime(counting);

    await runtime.current(tasksProjection);
    expect(counting.eventsRead).toBe(201); // the first event once more, to identify the log
    counting.reset();

    await appendEvents(inner, log.events.slice(200));
    const { state, position } = await runtime.current(tasksProjection);
    expect(counting.eventsRead).toBe(100);
    expect(position).toBe(300n);
    expect(state).toEqual(fold(tasksProjection, log.events));
    counting.reset();

    await runtime.current(tasksProjection);
    expect(counting.reads).toBe(0);
  });

  it('never changes a state it handed out when it catches up later', async () => {
    const log = realisticLog(3, 150);
    const store = new InMemoryEventStore();
    await appendEvents(store, log.events.slice(0, 100));
    const runtime = new ProjectionRuntime(store);
    const first = await runtime.current(tasksProjection);
    const snapshot = structuredClone(first.state);
    await appendEvents(store, log.events.slice(100));
    const second = await runtime.current(tasksProjection);
    expect(first.state).toEqual(snapshot);
    expect(first.state).toEqual(fold(tasksProjection, log.upTo(100n)));
    expect(second.state).toEqual(fold(tasksProjection, log.events));
  });

  it('catches several projections up in one pass', async () => {
    const { log, store } = await storeWith(250);
    const runtime = new ProjectionRuntime(store);
    await runtime.current(tasksProjection); // tasks is now ahead of activity
    store.reset();
    const [tasks, activity] = await runtime.currentMany([tasksProjection, activityProjection]);
    expect(store.reads).toBe(1);
    expect(store.eventsRead).toBe(250);
    expect(tasks.state satisfies TasksState).toEqual(fold(tasksProjection, log.events));
    expect(activity.state).toEqual(fold(activityProjection, log.events));
    expect([tasks.position, activity.position]).toEqual([250n, 250n]);
  });

  it('throws CorruptEventError naming the position of an event that does not parse', async () => {
    const { log, store } = await storeWith(20);
    await store.append('task-x', [{ id: uuidOf(999), type: 'TaskClaimed', data: { taskId: 'x' }, metadata: log.events[0]!.metadata }]);
    const runtime = new ProjectionRuntime(store, await cacheDir());
    await expect(runtime.current(tasksProjection)).rejects.toThrow(CorruptEventError);
    await expect(runtime.current(tasksProjection)).rejects.toMatchObject({ position: 21n });
    await expect(runtime.at(tasksProjection, { position: 20n })).resolves.toMatchObject({ position: 20n });
  });
});

describe('ProjectionRuntime.at', () => {
  it('refuses an invalid time', async () => {
    const runtime = new ProjectionRuntime(new InMemoryEventStore());
    await expect(runtime.at(tasksProjection, { time: new Date('nope') })).rejects.toThrow(ValidationError);
  });

  it('does not start from a later state it holds, and does not replace it', async () => {
    const { log, store } = await storeWith(200);
    const runtime = new ProjectionRuntime(store, await cacheDir());
    const now = await runtime.current(tasksProjection);
    const past = await runtime.at(tasksProjection, { position: 120n });
    expect(past).toEqual({ state: fold(tasksProjection, log.upTo(120n)), position: 120n });
    store.reset();
    const again = await runtime.current(tasksProjection);
    expect(again).toEqual({ state: now.state, position: 200n });
    expect(again.state).toBe(now.state);
    expect(store.reads).toBe(0);
  });

  it('starts from the state it holds when that is not past the point', async () => {
    const { log, store } = await storeWith(200);
    const runtime = new ProjectionRuntime(store);
    await runtime.current(tasksProjection);
    const later = realisticLog(7, 260).events.slice(200);
    await appendEvents(store, later);
    store.reset();
    const { state, position } = await runtime.at(tasksProjection, { position: 230n });
    expect(store.eventsRead).toBe(31); // 201..230, and 231 to know it is past the point
    expect(position).toBe(230n);
    expect(state).toEqual(fold(tasksProjection, [...log.events, ...later].filter((e) => e.position <= 230n)));
  });
});

describe('checkpoints in a long-lived process', () => {
  /** A second process's view: how many events it must read to catch up from the checkpoint left behind. */
  async function readByNextProcess(inner: InMemoryEventStore, dir: string) {
    const counting = new CountingStore(inner);
    const { position } = await new ProjectionRuntime(counting, dir).current(tasksProjection);
    return { position, eventsRead: counting.eventsRead };
  }

  it('rewrites a checkpoint at most once per interval, keeping the newer state in memory meanwhile', async () => {
    const log = realisticLog(5, 300);
    const inner = new InMemoryEventStore();
    const dir = await cacheDir();
    await appendEvents(inner, log.events.slice(0, 100));
    const server = new ProjectionRuntime(inner, dir, { saveIntervalMs: 60_000 });
    await server.current(tasksProjection); // the first save in a process is never delayed
    await appendEvents(inner, log.events.slice(100, 200));
    expect((await server.current(tasksProjection)).position).toBe(200n);

    // The checkpoint still says 100: the next process reads the 100 events after it (and the first, to identify the log).
    expect(await readByNextProcess(inner, dir)).toEqual({ position: 200n, eventsRead: 101 });
  });

  it('with no interval saves after every call that folded something', async () => {
    const log = realisticLog(5, 200);
    const inner = new InMemoryEventStore();
    const dir = await cacheDir();
    await appendEvents(inner, log.events.slice(0, 100));
    const server = new ProjectionRuntime(inner, dir, { saveIntervalMs: 0 });
    await server.current(tasksProjection);
    await appendEvents(inner, log.events.slice(100));
    await server.current(tasksProjection);
    expect(await readByNextProcess(inner, dir)).toEqual({ position: 200n, eventsRead: 1 });
  });
});
