import { defaultUpcasters, parseEvent, type StoredEvent, type UpcasterRegistry } from '../../events/index.js';
import { CorruptEventError } from '../errors.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import { fastParseEvent } from './fast-parse.js';

/**
 * A recorded event as the domain sees it: validated, upcast, with where it sits. An event
 * that does not parse throws CorruptEventError naming its position; it never silently vanishes.
 * Valid current-version events take the compiled fast path (fast-parse.ts); anything else,
 * and every rejection, goes through parseEvent.
 */
export function toStored(recorded: RecordedEvent, upcasters: UpcasterRegistry = defaultUpcasters): StoredEvent {
  try {
    const envelope = fastParseEvent(recorded, upcasters) ?? parseEvent(recorded, upcasters);
    // A literal rather than a spread: replay builds one of these per event.
    return {
      type: envelope.type,
      data: envelope.data,
      metadata: envelope.metadata,
      streamName: recorded.streamName,
      revision: recorded.revision,
      position: recorded.position,
    } as StoredEvent;
  } catch (error) {
    throw new CorruptEventError(recorded.position, error instanceof Error ? error.message : String(error));
  }
}

/** The events after `after` up to `upTo` (a head read before), at most `maxCount`, parsed. */
export async function storedBetween(store: EventStore, after: bigint, upTo: bigint, maxCount: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  if (after >= upTo) return events;
  for await (const recorded of store.readAll({ after, maxCount })) {
    if (recorded.position > upTo) break;
    events.push(toStored(recorded));
  }
  return events;
}
