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
  const snapshot = (await snapshots?.load(streamName)) as Snapshot<S> | undefined;
  const folded = (snapshot && (await foldStream(store, streamName, decider, snapshot))) || (await foldStream(store, streamName, decider, undefined))!;
  const { state, last, read } = folded;
  if (snapshots && last !== undefined && read >= SNAPSHOT_AFTER) await snapshots.save(streamName, { state, revision: last.revision, id: last.id, position: last.position });
  return { state, revision: last?.revision };
}

/** A stream folded: its state, its last event, and how many events were folded past the snapshot (all of them, without one). */
interface Folded<S> {
  state: S;
  last: RecordedEvent | undefined;
  read: number;
}

/** The stream folded, from `snapshot` when given; undefined when the snapshot's event is not where it was. */
async function foldStream<C, E extends CairnEvent, S>(store: EventStore, streamName: string, decider: Decider<C, E, S>, snapshot: Snapshot<S> | undefined): Promise<Folded<S> | undefined> {
  let state = snapshot ? snapshot.state : decider.initialState();
  let last: RecordedEvent | undefined;
  let read = 0;
  for await (const recorded of store.readStream(streamName, snapshot ? { fromRevision: snapshot.revision } : undefined)) {
    if (snapshot && last === undefined) {
      // The snapshot's own event, first: still where it was, or the snapshot is of another log.
      if (recorded.revision !== snapshot.revision || recorded.id !== snapshot.id || recorded.position !== snapshot.position) return undefined;
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
    last = recorded;
    read++;
  }
  if (snapshot && last === undefined) return undefined;
  return { state, last, read };
}
