import { z } from 'zod';
import { InboxRead, InstanceJoined, InstanceLeft, InstanceSynced, RoleChanged } from './instance.js';
import { ClaimReleased, ClaimRenewed, TaskAbandoned, TaskClaimed, TaskCompleted, TaskProposed } from './task.js';
import { QuestionClosed, QuestionPosed } from './question.js';
import { FindingRecorded } from './finding.js';
import { MessagePosted } from './message.js';
import { SynthesisPublished } from './synthesis.js';
import { ContentShown } from './exposure.js';
import { ConvergenceJudged } from './judgment.js';
import { InvitationAccepted, InvitationIssued } from './invitation.js';
import { CURRENT_SCHEMA_VERSION, EventMetadata } from './metadata.js';
import { ValidationError, issuesOf, parseOrThrow } from './validation.js';
import { upcast, type UpcasterRegistry } from './upcast.js';

export * from './fields.js';
export * from './metadata.js';
export * from './validation.js';
export * from './streams.js';
export * from './upcast.js';
export { ANONYMOUS, MAX_SHOWN_STREAMS, ShownStream } from './exposure.js';

/** Every event cairn knows, as `{ type, data }`. */
export const CairnEventSchema = z.discriminatedUnion('type', [
  InstanceJoined,
  RoleChanged,
  InstanceLeft,
  InstanceSynced,
  InboxRead,
  TaskProposed,
  TaskClaimed,
  ClaimRenewed,
  ClaimReleased,
  TaskCompleted,
  TaskAbandoned,
  QuestionPosed,
  QuestionClosed,
  FindingRecorded,
  MessagePosted,
  SynthesisPublished,
  ContentShown,
  ConvergenceJudged,
  InvitationIssued,
  InvitationAccepted,
]);
export type CairnEvent = z.infer<typeof CairnEventSchema>;
export type EventType = CairnEvent['type'];
export type EventOf<T extends EventType> = Extract<CairnEvent, { type: T }>;
export type DataOf<T extends EventType> = EventOf<T>['data'];

export const EVENT_TYPES: readonly EventType[] = CairnEventSchema.options.map((o) => o.shape.type.value);

/** An event with its metadata, as written by an instance. */
export type Envelope<E extends CairnEvent = CairnEvent> = E & { metadata: EventMetadata };

/** An envelope as read back from the log, with where it sits. */
export type StoredEvent<E extends CairnEvent = CairnEvent> = Envelope<E> & {
  streamName: string;
  /** Revision within its stream, from 0. */
  revision: bigint;
  /** Global position in the whole log; strictly increasing in log order. */
  position: bigint;
};

export const defaultUpcasters: UpcasterRegistry = { currentVersion: CURRENT_SCHEMA_VERSION, steps: {} };

export interface RawEvent {
  type: unknown;
  data: unknown;
  metadata: unknown;
}

/**
 * The one way into the domain: validates metadata, lifts older schema versions with the
 * upcasters, then validates the data against the event's schema. Throws ValidationError
 * naming each bad field.
 */
export function parseEvent(raw: RawEvent, upcasters: UpcasterRegistry = defaultUpcasters): Envelope {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError([{ field: '(event)', reason: 'must be an object with type, data and metadata' }]);
  }
  const metadata = parseOrThrow(EventMetadata, raw.metadata, 'metadata');
  if (metadata.schemaVersion > upcasters.currentVersion) {
    throw new ValidationError([
      { field: 'metadata.schemaVersion', reason: `${metadata.schemaVersion} is newer than this cairn understands (${upcasters.currentVersion})` },
    ]);
  }
  if (typeof raw.type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(raw.type)) {
    throw new ValidationError([{ field: 'type', reason: `must be one of ${EVENT_TYPES.join(', ')}` }]);
  }
  if (typeof raw.data !== 'object' || raw.data === null || Array.isArray(raw.data)) {
    throw new ValidationError([{ field: 'data', reason: 'must be an object' }]);
  }
  const data = upcast(raw.type, raw.data as Record<string, unknown>, metadata.schemaVersion, upcasters);
  const parsed = CairnEventSchema.safeParse({ type: raw.type, data });
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return { ...parsed.data, metadata: { ...metadata, schemaVersion: upcasters.currentVersion } };
}

/** Validates an event about to be written (current version only). */
export function parseNewEvent(event: unknown): CairnEvent {
  return parseOrThrow(CairnEventSchema, event);
}
