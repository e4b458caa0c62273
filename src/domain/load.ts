import { streamOf, type CairnEvent } from '../../events/index.js';
import { CorruptEventError } from '../errors.js';
import { toStored } from '../runtime/stored.js';
import type { EventStore } from '../store/port.js';
import type { Decider } from './decider.js';

export interface Loaded<S> {
  state: S;
  /** Revision of the stream's last event; undefined when the stream does not exist yet. */
  revision: bigint | undefined;
}

/** Reads one stream and folds it with the decider's evolve: the state a command is decided on. */
export async function loadState<C, E extends CairnEvent, S>(
  store: EventStore,
  streamName: string,
  decider: Decider<C, E, S>,
): Promise<Loaded<S>> {
  let state = decider.initialState();
  let revision: bigint | undefined;
  for await (const recorded of store.readStream(streamName)) {
    const event = toStored(recorded);
    // Deciders only ever write an event to its own stream (see handleCommand), which is what
    // makes it safe to hand it to this decider's evolve.
    if (streamOf(event) !== streamName) {
      throw new CorruptEventError(recorded.position, `${event.type} belongs to ${streamOf(event)}, not ${streamName}`);
    }
    state = decider.evolve(state, event as CairnEvent as E);
    revision = recorded.revision;
  }
  return { state, revision };
}
