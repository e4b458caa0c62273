import * as z from 'zod';
import { InboxRead, InstanceJoined, InstanceLeft, InstanceSynced, RoleChanged } from './instance.js';
import { ClaimReleased, ClaimRenewed, TaskAbandoned, TaskClaimed, TaskCompleted, TaskProposed } from './task.js';
import { QuestionClosed, QuestionPosed } from './question.js';
import { FindingRecorded } from './finding.js';
import { MessagePosted } from './message.js';
import { SynthesisPublished } from './synthesis.js';
import { ContentShown } from './exposure.js';
import { ConvergenceJudged } from './judgment.js';
import { InvitationAccepted, InvitationIssued } from './invitation.js';
import type { EventMetadata } from './metadata.js';

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
