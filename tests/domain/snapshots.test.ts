/**
 * An instance's stream gains an event per sync and per inbox read: 13,000 a month in, and
 * every write the instance makes, every read it records, folded them all. A snapshot beside
 * the log's cache keeps its state as of one event; a load reads only what came after it, and
 * gives the state and revision a full read gives. A snapshot that does not fit is ignored.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleCommand } from '../../src/domain/handle.js';
import { instanceDecider, loadInstance, type InstanceCommand } from '../../src/domain/instance.js';
import { FileSnapshots } from '../../src/runtime/snapshots.js';
import type { EventStore } from '../../src/store/port.js';
import { InMemoryEventStore } from '../../src/store/memory.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const snapshotsDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-snapshots-'));
  dirs.push(dir);
  return dir;
};

const metadata = { instanceId: 'ada', role: 'explorer', seenUpTo: 0n, at: new Date('2026-12-01T10:00:00Z') };
const run = (store: EventStore, command: InstanceCommand) => handleCommand({ store, streamName: 'instance-ada', decider: instanceDecider, command, metadata });

/** ada joins, changes role, and syncs and reads her inbox `rounds` times. */
async function busyInstance(rounds: number, store: EventStore = new InMemoryEventStore()): Promise<EventStore> {
  await run(store, { type: 'join', instanceId: 'ada', role: 'explorer' });
  await run(store, { type: 'changeRole', instanceId: 'ada', role: 'reflector' });
  for (let i = 1; i <= rounds; i++) {
    await run(store, { type: 'sync', instanceId: 'ada', upTo: BigInt(i * 10) });
    await run(store, { type: 'markRead', instanceId: 'ada', upTo: BigInt(i * 10 + 5) });
  }
  return store;
}

/** How many events the stream reads deliver while `load` runs. */
async function eventsRead(store: EventStore, load: () => Promise<unknown>): Promise<number> {
  const readStream = store.readStream.bind(store);
  let read = 0;
  const spy = vi.spyOn(store, 'readStream').mockImplementation(async function* (name, options) {
    for await (const event of readStream(name, options)) {
      read++;
      yield event;
    }
  });
  try {
    await load();
    return read;
  } finally {
    spy.mockRestore();
  }
}

describe('snapshots of an instance stream', () => {
  it('a load reads only what came after the snapshot, and gives what a full read gives', async () => {
    const store = await busyInstance(100);
    const snapshots = new FileSnapshots(snapshotsDir());
    const whole = await loadInstance(store, 'ada');
    expect(whole.state).toEqual({ joined: true, left: false, role: 'reflector', lastSyncedUpTo: 1_000n, inboxCursor: 1_005n });

    expect(await eventsRead(store, () => loadInstance(store, 'ada', snapshots))).toBe(202); // no snapshot yet: all, and one is kept
    expect(await loadInstance(store, 'ada', snapshots)).toEqual(whole);
    await run(store, { type: 'sync', instanceId: 'ada', upTo: 2_000n });
    // The snapshot's own event, to know the stream again, and the one after it.
    expect(await eventsRead(store, () => loadInstance(store, 'ada', snapshots))).toBe(2);
    expect(await loadInstance(store, 'ada', snapshots)).toEqual(await loadInstance(store, 'ada'));

    // Commands decided on a snapshot append at the right revision.
    const decided = await handleCommand({ store, streamName: 'instance-ada', decider: instanceDecider, command: { type: 'markRead', instanceId: 'ada', upTo: 3_000n }, metadata, snapshots });
    expect(decided.nextExpectedRevision).toBe(203n);
    expect((await loadInstance(store, 'ada', snapshots)).state.inboxCursor).toBe(3_000n);
  });

  it('is ignored when its event is not where it was (another log in the same place), or when it cannot be read', async () => {
    const dir = snapshotsDir();
    const snapshots = new FileSnapshots(dir);
    await loadInstance(await busyInstance(100), 'ada', snapshots);
    // Another log: the same stream, other events (other ids) at the same revisions, fewer syncs.
    const other = await busyInstance(60);
    expect(await loadInstance(other, 'ada', snapshots)).toEqual(await loadInstance(other, 'ada'));
    expect((await loadInstance(other, 'ada', snapshots)).state.lastSyncedUpTo).toBe(600n);

    for (const file of readdirSync(dir)) writeFileSync(join(dir, file), '{"version":1,"stream":"instance-ada","revision":');
    expect(await loadInstance(other, 'ada', snapshots)).toEqual(await loadInstance(other, 'ada'));
  });
});
