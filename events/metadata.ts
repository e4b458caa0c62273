import * as z from 'zod';
import { once } from '../src/memo.js';
import { Author, Id, PositionString, Role, Timestamp } from './fields.js';

/** The schema version every event is written with today. Older versions are upcast on read. */
export const CURRENT_SCHEMA_VERSION = 1;

/**
 * Metadata carried by every event. `seenUpTo` is the global position the author had last
 * synced to when it wrote the event ("0" when it never synced): the fact that lets later
 * work prove which findings were reached independently. Made on first use, as the fields are.
 */
export const EventMetadata = once(() =>
  z
    .object({
      eventId: z.uuid({ message: 'must be a UUID' }),
      instanceId: Author(),
      role: Role(),
      at: Timestamp(),
      seenUpTo: PositionString(),
      causationId: Id().optional(),
      correlationId: Id().optional(),
      schemaVersion: z.number().int().min(1),
    })
    .strict(),
);
export type EventMetadata = z.infer<ReturnType<typeof EventMetadata>>;
