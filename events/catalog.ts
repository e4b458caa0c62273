import type * as z from 'zod';
import { instanceEvents } from './instance.js';
import { taskEvents } from './task.js';
import { questionEvents } from './question.js';
import { findingEvents } from './finding.js';
import { messageEvents } from './message.js';
import { synthesisEvents } from './synthesis.js';
import { exposureEvents } from './exposure.js';
import { judgmentEvents } from './judgment.js';
import { invitationEvents } from './invitation.js';
import type { EventMetadata } from './metadata.js';

/**
 * Every event cairn knows, by type: what makes the schema of its data. A schema is made on
 * first use and kept. The twenty types take some 190 zod schemas, and making them all was a
 * third of loading the CLI, for each call, while a call appends one event and folds a few.
 */
const EVENT_DATA = {
  ...instanceEvents,
  ...taskEvents,
  ...questionEvents,
  ...findingEvents,
  ...messageEvents,
  ...synthesisEvents,
  ...exposureEvents,
  ...judgmentEvents,
  ...invitationEvents,
};
type EventData = typeof EVENT_DATA;

export type EventType = keyof EventData;
/** Every event cairn knows, as `{ type, data }`. */
export type CairnEvent = { [T in EventType]: { type: T; data: z.output<ReturnType<EventData[T]>> } }[EventType];
export type EventOf<T extends EventType> = Extract<CairnEvent, { type: T }>;
export type DataOf<T extends EventType> = EventOf<T>['data'];

export const EVENT_TYPES = Object.keys(EVENT_DATA) as readonly EventType[];

export const isEventType = (type: unknown): type is EventType => typeof type === 'string' && Object.hasOwn(EVENT_DATA, type);

const made = new Map<EventType, z.ZodType>();

/** The schema of an event type's data (unknown keys refused), made the first time it is asked for. */
export function dataSchemaOf<T extends EventType>(type: T): z.ZodType<DataOf<T>> {
  let schema = made.get(type);
  if (schema === undefined) made.set(type, (schema = EVENT_DATA[type]()));
  return schema as z.ZodType<DataOf<T>>;
}

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
