import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { PROJECTIONS } from '../../projections/index.js';
import { fold } from '../../projections/projection.js';
import { ProjectionRuntime } from '../../src/runtime/runtime.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { appendEvents } from '../projections/fixtures.js';
import { realisticLog } from '../projections/generate.js';
import { CountingStore } from './counting-store.js';
import { tempDir } from './temp-dir.js';

const projections = Object.values(PROJECTIONS);
const cacheDir = () => tempDir('cairn-replay-');
const atOf = (e: StoredEvent) => Date.parse(e.metadata.at);
const lastPosition = (events: StoredEvent[]) => events.reduce((max, e) => (e.position > max ? e.position : max), 0n);

describe.each([1, 2, 3])('replay of a realistic log (seed %i)', (seed) => {
  const log = realisticLog(seed, 400);

  it('is a log worth replaying: every event type, and clocks that disagree with log order', () => {
    expect(new Set(log.events.map((e) => e.type)).size).toBe(16);
    expect(log.events.some((e, i) => i > 0 && atOf(e) < atOf(log.events[i - 1]!))).toBe(true);
  });

  it('gives, at any position, the fold of every event up to it, for every projection', async () => {
    const store = new InMemoryEventStore();
    await appendEvents(store, log.upTo(250n));
    const runtime = new ProjectionRuntime(store, await cacheDir());
    await runtime.currentMany(projections); // a checkpoint and a state in memory at 250, past some points below
    await appendEvents(store, log.events.slice(250));
    for (const projection of projections) {
      for (const position of [0n, 1n, 57n, 133n, 249n, 250n, 251n, 320n, 400n, 10_000n]) {
        const prefix = log.upTo(position);
        expect(await runtime.at(projection, { position }), `${projection.name} at ${position}`).toEqual({
          state: fold(projection, prefix),
          position: lastPosition(prefix),
        });
      }
    }
  });

  it('gives, at any time, the fold of every event whose `at` is not later, wherever it sits in the log', async () => {
    const store = new InMemoryEventStore();
    await appendEvents(store, log.events);
    const runtime = new ProjectionRuntime(store, await cacheDir());
    const times = [0.1, 0.35, 0.5, 0.8, 1].map((f) => {
      const first = atOf(log.events[0]!);
      return new Date(first + f * (atOf(log.events[log.events.length - 1]!) - first));
    });
    await runtime.current(projections[0]!);
    for (const projection of projections) {
      for (const time of times) {
        const included = log.events.filter((e) => atOf(e) <= time.getTime());
        expect(await runtime.at(projection, { time }), `${projection.name} at ${time.toISOString()}`).toEqual({
          state: fold(projection, included),
          position: lastPosition(included),
        });
      }
    }
  });
});

describe('replay from a checkpoint', () => {
  const log = realisticLog(5, 400);

  it('starts from a checkpoint not past the requested position', async () => {
    const dir = await cacheDir();
    const first = new InMemoryEventStore();
    await appendEvents(first, log.upTo(200n));
    await new ProjectionRuntime(first, dir).currentMany(projections);

    const store = new CountingStore(new InMemoryEventStore());
    await appendEvents(store, log.events);
    store.reset();
    const runtime = new ProjectionRuntime(store, dir);
    for (const projection of projections) {
      const { state } = await runtime.at(projection, { position: 300n });
      expect(state).toEqual(fold(projection, log.upTo(300n)));
    }
    expect(store.eventsRead).toBe(1 + projections.length * 101); // 201..300, and 301 to stop
  });

  it('starts from a checkpoint for a time only if nothing it folded is later than that time', async () => {
    const dir = await cacheDir();
    const first = new InMemoryEventStore();
    await appendEvents(first, log.upTo(200n));
    const { tasks } = PROJECTIONS;
    await new ProjectionRuntime(first, dir).current(tasks);
    const maxAt = Math.max(...log.upTo(200n).map(atOf));

    const store = new CountingStore(new InMemoryEventStore());
    await appendEvents(store, log.events);
    for (const [time, read] of [
      [new Date(maxAt), 1 + 200],
      [new Date(maxAt - 1), 1 + 400],
    ] as const) {
      store.reset();
      const { state } = await new ProjectionRuntime(store, dir).at(tasks, { time });
      expect(store.eventsRead).toBe(read);
      expect(state).toEqual(fold(tasks, log.events.filter((e) => atOf(e) <= time.getTime())));
    }
  });
});
