import { defaultUpcasters, isEventType, type CairnEvent, type Envelope, type EventMetadata, type RawEvent, type UpcasterRegistry } from '../../events/index.js';
import { DATA, METADATA } from './validate/events.generated.js';

/**
 * A fast path for validating events, with validators generated from the very same zod schemas
 * (src/runtime/validate/). Replaying a log validates every event (a damaged row must be named,
 * never folded), and zod's general machinery cost more than reading and JSON-parsing the row
 * did; a one-shot CLI process that reads or appends a few events spent more on building zod
 * schemas than on the events. The generated validators answer only "valid, here is exactly
 * what zod would return" or "not sure": anything they do not accept goes through zod
 * (parseEvent, parseNewEvent), which decides and names the field. So they never accept what
 * zod would reject (tests/runtime/fast-parse.test.ts and tests/fuzz hold them to zod's answers
 * on hostile input).
 *
 * Why it is kept: zod 4 alone cannot reach the replay goal (issue 15: the core projections at
 * 0.8 of a raw read-and-parse). In one run of `npm run bench -- --quick --scale 4 --only replay`
 * (200,000 events), the core projections replayed at 0.29 of raw with zod alone, and at 0.48
 * with validators compiled from the schemas. All projections ran at 0.14 with zod alone and
 * 0.18 with them. To repeat it, swap `toStored`'s line for `parseEvent(recorded, upcasters)`
 * in dist/src/runtime/stored.js and run the same command.
 */

/** The data validator of an event type; undefined for an unknown type, or one left to zod. */
const dataOf = (type: unknown) => (isEventType(type) && Object.hasOwn(DATA, type) ? DATA[type] : undefined);

/**
 * Exactly what `parseEvent(raw)` returns, when the event is valid and of the current schema
 * version; undefined when it is not sure, and the caller must use parseEvent.
 */
export function fastParseEvent(raw: RawEvent, upcasters: UpcasterRegistry = defaultUpcasters): Envelope | undefined {
  if (METADATA === undefined || upcasters !== defaultUpcasters) return undefined;
  const metadata = METADATA(raw.metadata) as Envelope['metadata'] | undefined;
  if (metadata === undefined || metadata.schemaVersion !== upcasters.currentVersion) return undefined;
  const data = dataOf(raw.type)?.(raw.data);
  return data === undefined ? undefined : ({ type: raw.type, data, metadata } as Envelope);
}

/** Exactly what `parseNewEvent(event)` returns for a valid event; undefined when not sure. */
export function fastParseNewEvent(event: { type: unknown; data: unknown }): CairnEvent | undefined {
  const data = dataOf(event.type)?.(event.data);
  return data === undefined ? undefined : ({ type: event.type, data } as CairnEvent);
}

/** Exactly what `EventMetadata().parse(metadata)` returns when valid; undefined when not sure. */
export function fastParseMetadata(metadata: unknown): EventMetadata | undefined {
  return METADATA?.(metadata) as EventMetadata | undefined;
}
