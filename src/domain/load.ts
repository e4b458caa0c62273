import { streamOf, type CairnEvent } from '../../events/index.js';
import { CorruptEventError } from '../errors.js';
import { toStored } from '../runtime/stored.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import type { Snapshot, SnapshotStore } from '../runtime/snapshots.js';
import type { Decider } from './decider.js';

export interface Loaded<S> {
  state: S;
  /** Revision of the stream's last event; undefined when the stream does not exist yet. */
  revision: bigint | undefined;
}

/** Events read past a snapshot before a new one is kept: an instance's stream gains one per sync and per inbox read. */
const SNAPSHOT_AFTER = 50;

/**
 * Reads one stream and folds it with the decider's evolve: the state a command is decided on.
 * With `snapshots`, starts from the stream's snapshot if its event is still where it was, and
 * keeps a new one once more than a few events were read past it.
 */
export async function loadState<C, E extends CairnEvent, S>(
  store: EventStore,
  streamName: string,
  decider: Decider<C, E, S>,
  snapshots?: SnapshotStore,
): Promise<Loaded<S>> {
  const snapshot = await snapshots?.load(streamName);
  if (snapshot) {
    const loaded = await foldStream(store, streamName, decider, snapshot as Snapshot<S>);
    if (loaded) return keep(loaded, streamName, snapshots!);
  }
  const loaded = (await foldStream(store, streamName, decider, undefined))!;
  return snapshots ? keep(loaded, streamName, snapshots) : { state: loaded.state, revision: loaded.revision };
}

interface Folded<S> extends Loaded<S> {
  /** Events folded after the snapshot (all of them, without one). */
  read: number;
  last: RecordedEvent | undefined;
}

/** The stream folded, from `snapshot` when given; undefined when the snapshot's event is not where it was. */
async function foldStream<C, E extends CairnEvent, S>(store: EventStore, streamName: string, decider: Decider<C, E, S>, snapshot: Snapshot<S> | undefined): Promise<Folded<S> | undefined> {
  let state = snapshot ? snapshot.state : decider.initialState();
  let revision: bigint | undefined;
  let last: RecordedEvent | undefined;
  let read = 0;
  for await (const recorded of store.readStream(streamName, snapshot ? { fromRevision: snapshot.revision } : undefined)) {
    if (snapshot && revision === undefined) {
      if (recorded.revision !== snapshot.revision || recorded.id !== snapshot.id || recorded.position !== snapshot.position) return undefined;
      revision = recorded.revision;
      last = recorded;
      continue;
    }
    const event = toStored(recorded);
    // Deciders only ever write an event to its own stream (see handleCommand), which is what
    // makes it safe to hand it to this decider's evolve.
    if (streamOf(event) !== streamName) {
      throw new CorruptEventError(recorded.position, `${event.type} belongs to ${streamOf(event)}, not ${streamName}`);
    }
    state = decider.evolve(state, event as CairnEvent as E);
    revision = recorded.revision;
    last = recorded;
    read++;
  }
  if (snapshot && revision === undefined) return undefined;
  return { state, revision, read, last };
}

async function keep<S>({ state, revision, read, last }: Folded<S>, streamName: string, snapshots: SnapshotStore): Promise<Loaded<S>> {
  if (read >= SNAPSHOT_AFTER && last !== undefined) await snapshots.save(streamName, { state, revision: last.revision, id: last.id, position: last.position });
  return { state, revision };
}
