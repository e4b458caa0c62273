import { defaultUpcasters, parseEvent, type StoredEvent, type UpcasterRegistry } from '../../events/index.js';
import { CorruptEventError } from '../errors.js';
import type { RecordedEvent } from '../store/port.js';

/**
 * A recorded event as the domain sees it: validated, upcast, with where it sits. An event
 * that does not parse throws CorruptEventError naming its position; it never silently vanishes.
 */
export function toStored(recorded: RecordedEvent, upcasters: UpcasterRegistry = defaultUpcasters): StoredEvent {
  try {
    const envelope = parseEvent(recorded, upcasters);
    return { ...envelope, streamName: recorded.streamName, revision: recorded.revision, position: recorded.position };
  } catch (error) {
    throw new CorruptEventError(recorded.position, error instanceof Error ? error.message : String(error));
  }
}
