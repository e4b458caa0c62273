import { match } from 'ts-pattern';
import { streamOf, type EventOf } from '../../events/index.js';
import type { EventStore } from '../store/port.js';
import { refuse, type Decider } from './decider.js';
import { handleCommand, type CommandMetadata, type HandleCommandResult } from './handle.js';

/**
 * Facts that are written once to a stream of their own and never change: no rules beyond
 * their schema. The command is the event itself; the only refusal is an id already taken.
 */
export type WriteOnceEvent = EventOf<'FindingRecorded' | 'MessagePosted' | 'SynthesisPublished'>;

export interface WriteOnceState {
  recorded: boolean;
}

export const recordDecider: Decider<WriteOnceEvent, WriteOnceEvent, WriteOnceState> = {
  initialState: () => ({ recorded: false }),
  decide: (fact, state) => (state.recorded ? refuse('already_exists', `${describe(fact)} already exists`) : [fact]),
  evolve: () => ({ recorded: true }),
};

/** Appends a write-once fact to its own new stream (expected revision `no_stream`). */
export const record = ({ fact, ...rest }: {
  store: EventStore;
  fact: WriteOnceEvent;
  metadata: CommandMetadata;
  newEventId?: () => string;
}): Promise<HandleCommandResult<WriteOnceEvent, WriteOnceState>> =>
  // A fact's stream is new unless its id was chosen twice: skip reading it (see expectNew).
  handleCommand({ ...rest, streamName: streamOf(fact), decider: recordDecider, command: fact, expectNew: true });

const describe = (fact: WriteOnceEvent): string =>
  match(fact)
    .with({ type: 'FindingRecorded' }, ({ data }) => `finding ${data.findingId}`)
    .with({ type: 'MessagePosted' }, ({ data }) => `message ${data.messageId}`)
    .with({ type: 'SynthesisPublished' }, ({ data }) => `synthesis ${data.synthesisId}`)
    .exhaustive();
