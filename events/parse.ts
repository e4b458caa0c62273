import { EVENT_TYPES, dataSchemaOf, isEventType, type CairnEvent, type Envelope } from './catalog.js';
import { CURRENT_SCHEMA_VERSION, EventMetadata } from './metadata.js';
import { upcast, type UpcasterRegistry } from './upcast.js';
import { ValidationError, issuesOf, parseOrThrow } from './validation.js';

const UNKNOWN_TYPE = { field: 'type', reason: `must be one of ${EVENT_TYPES.join(', ')}` };

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
  const metadata = parseOrThrow(EventMetadata(), raw.metadata, 'metadata');
  if (metadata.schemaVersion > upcasters.currentVersion) {
    throw new ValidationError([
      { field: 'metadata.schemaVersion', reason: `${metadata.schemaVersion} is newer than this cairn understands (${upcasters.currentVersion})` },
    ]);
  }
  if (!isEventType(raw.type)) throw new ValidationError([UNKNOWN_TYPE]);
  if (typeof raw.data !== 'object' || raw.data === null || Array.isArray(raw.data)) {
    throw new ValidationError([{ field: 'data', reason: 'must be an object' }]);
  }
  const data = upcast(raw.type, raw.data as Record<string, unknown>, metadata.schemaVersion, upcasters);
  const parsed = dataSchemaOf(raw.type).safeParse(data);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error, 'data'));
  return { type: raw.type, data: parsed.data, metadata: { ...metadata, schemaVersion: upcasters.currentVersion } } as Envelope;
}

/** Validates an event about to be written (current version only). */
export function parseNewEvent(event: unknown): CairnEvent {
  const { type, data } = (typeof event === 'object' && event !== null ? event : {}) as { type?: unknown; data?: unknown };
  if (!isEventType(type)) throw new ValidationError([UNKNOWN_TYPE]);
  return { type, data: parseOrThrow(dataSchemaOf(type), data, 'data') } as CairnEvent;
}
