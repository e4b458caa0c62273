import { randomUuid } from '../runtime/random.js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CURRENT_SCHEMA_VERSION,
  EventMetadata,
  parseNewEvent,
  parseOrThrow,
  streamOf,
  type CairnEvent,
  type Envelope,
  type StoredEvent,
} from '../../events/index.js';
import { WrongExpectedRevisionError } from '../errors.js';
import type { AppendResult, EventStore } from '../store/port.js';
import { foldEvents, type Decider } from './decider.js';
import type { SnapshotStore } from '../runtime/snapshots.js';
import { loadState } from './load.js';
import { fastParseMetadata, fastParseNewEvent } from '../runtime/fast-parse.js';

/** Who writes, and what they had seen: stamped on every event the command produces. */
export interface CommandMetadata {
  instanceId: string;
  role: string;
  /** The writer's last sync position (InstanceState.lastSyncedUpTo). */
  seenUpTo: bigint;
  at: Date;
  causationId?: string;
  correlationId?: string;
}

export interface HandleCommandOptions<C, E extends CairnEvent, S> {
  store: EventStore;
  streamName: string;
  decider: Decider<C, E, S>;
  command: C;
  metadata: CommandMetadata;
  newEventId?: () => string;
  /** Attempts when other writers keep changing the stream under us. */
  maxAttempts?: number;
  /** Where the stream's snapshot is kept (long streams: an instance's). */
  snapshots?: SnapshotStore | undefined;
  /**
   * The stream is expected not to exist yet (a write-once fact with a fresh id): decide on
   * the initial state without reading it, and append with `no_stream`. If it does exist the
   * append fails and the command is decided again on what is there, as after any conflict.
   */
  expectNew?: boolean;
}

export interface HandleCommandResult<E extends CairnEvent, S> {
  /** The events appended, where they were stored; empty when the decision was "nothing to do". */
  events: StoredEvent<E>[];
  /** The stream's state after them. */
  state: S;
  /** The stream's last revision; undefined when the stream still does not exist. */
  nextExpectedRevision: bigint | undefined;
}

/**
 * The one write path: read the stream, decide, validate, append at the revision read.
 * Exclusivity comes from that expected revision: when another writer got in first, the
 * command is decided again on the new state (where it may now be refused), up to
 * `maxAttempts` times, after which the last WrongExpectedRevisionError is thrown.
 */
export async function handleCommand<C, E extends CairnEvent, S>(options: HandleCommandOptions<C, E, S>): Promise<HandleCommandResult<E, S>> {
  const { store, streamName, decider, command, newEventId = randomUuid, maxAttempts = 10 } = options;
  let guessNew = options.expectNew === true;
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = guessNew ? { state: decider.initialState(), revision: undefined } : await loadState(store, streamName, decider, options.snapshots);
    const decided = decider.decide(command, state).map((event) => validated(event, streamName));
    if (decided.length === 0) return { events: [], state, nextExpectedRevision: revision };

    const envelopes = decided.map((event) => envelope(event, options.metadata, newEventId()));
    let result: AppendResult;
    try {
      result = await store.append(
        streamName,
        envelopes.map((e) => ({ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata })),
        { expectedRevision: revision ?? 'no_stream' },
      );
    } catch (error) {
      if (guessNew && error instanceof WrongExpectedRevisionError) {
        // The stream existed after all: read it this time. The guess is not an attempt.
        guessNew = false;
        attempt--;
        continue;
      }
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw error;
      // A little jitter so that racing writers do not collide again in lockstep.
      await sleep(1 + Math.random() * 4 * attempt);
      continue;
    }
    return {
      events: await locate(store, streamName, envelopes, result),
      state: foldEvents(decider, decided, state),
      nextExpectedRevision: result.nextExpectedRevision,
    };
  }
}

/**
 * Appends facts that need no decision (what a read showed): validated like any event, in one
 * batch, without reading the stream first. Their ids make a retry safe.
 */
export async function appendFacts<E extends CairnEvent>(
  store: EventStore,
  facts: readonly E[],
  metadata: CommandMetadata,
  newEventId: () => string = randomUuid,
): Promise<StoredEvent<E>[]> {
  if (facts.length === 0) return [];
  const stream = streamOf(facts[0]!);
  const envelopes = facts.map((fact) => envelope(validated(fact, stream), metadata, newEventId()));
  const result = await store.append(
    stream,
    envelopes.map((e) => ({ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata })),
    { expectedRevision: 'any' },
  );
  return locate(store, stream, envelopes, result);
}

/**
 * Bad data never reaches the store: each event is checked against its schema and its stream.
 * Optional fields a decider left undefined are dropped first (they are simply absent in the
 * log, and zod adds none back), so a valid event takes the generated validator (fast-parse.ts)
 * and builds no zod schema; zod decides the rest.
 */
function validated<E extends CairnEvent>(event: E, streamName: string): E {
  const candidate = { ...event, data: withoutUndefined(event.data) };
  const parsed = (fastParseNewEvent(candidate) ?? parseNewEvent(candidate)) as E;
  const target = streamOf(parsed);
  // A programming error (the command names another entity than the stream), not bad input.
  if (target !== streamName) throw new Error(`${parsed.type} belongs to stream ${target}, not ${streamName}`);
  return parsed;
}

function envelope<E extends CairnEvent>(event: E, source: CommandMetadata, eventId: string): Envelope<E> {
  const candidate = withoutUndefined({
    eventId,
    instanceId: source.instanceId,
    role: source.role,
    at: source.at.toISOString(),
    seenUpTo: String(source.seenUpTo),
    causationId: source.causationId,
    correlationId: source.correlationId,
    schemaVersion: CURRENT_SCHEMA_VERSION,
  });
  const metadata = fastParseMetadata(candidate) ?? parseOrThrow(EventMetadata(), candidate, 'metadata');
  return { ...event, metadata };
}

/**
 * Where the batch landed. The append result gives the last event's revision and position;
 * earlier events of a batch have consecutive revisions, but their positions (not always
 * consecutive, e.g. in KurrentDB) are read back.
 */
async function locate<E extends CairnEvent>(
  store: EventStore,
  streamName: string,
  envelopes: Envelope<E>[],
  result: AppendResult,
): Promise<StoredEvent<E>[]> {
  const first = result.nextExpectedRevision - BigInt(envelopes.length - 1);
  const positions = new Map<string, bigint>();
  if (envelopes.length === 1) positions.set(envelopes[0]!.metadata.eventId, result.position);
  else for await (const r of store.readStream(streamName, { fromRevision: first, maxCount: envelopes.length })) positions.set(r.id, r.position);

  return envelopes.map((e, i) => {
    const position = positions.get(e.metadata.eventId);
    if (position === undefined) throw new Error(`event ${e.metadata.eventId} was appended to ${streamName} but cannot be read back`);
    return { ...e, streamName, revision: first + BigInt(i), position };
  });
}

/** Optional fields left undefined by a decider are simply absent in the log. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
