import { CairnEventSchema, EVENT_TYPES, type CairnEvent, type Envelope } from './catalog.js';
import { CURRENT_SCHEMA_VERSION, EventMetadata } from './metadata.js';
import { upcast, type UpcasterRegistry } from './upcast.js';
import { ValidationError, issuesOf, parseOrThrow } from './validation.js';

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
