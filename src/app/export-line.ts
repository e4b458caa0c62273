import { parseEvent, type StoredEvent } from '../../events/index.js';
import { ValidationError } from '../../events/validation.js';
import { fastParseEvent } from '../runtime/fast-parse.js';

/** One line of `cairn export`: a stored event, its bigints as strings. */
export interface ExportedEvent {
  id: string;
  type: string;
  streamName: string;
  revision: string;
  position: string;
  data: unknown;
  metadata: unknown;
}

/** One line of an export as a validated event; a bad line is refused naming its number. */
export function parseExportLine(raw: string, line: number): StoredEvent {
  let json: Partial<ExportedEvent>;
  try {
    json = JSON.parse(raw) as Partial<ExportedEvent>;
  } catch {
    throw new ValidationError([{ field: `line ${line}`, reason: 'is not valid JSON' }]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ValidationError([{ field: `line ${line}`, reason: 'must be a JSON object (one event)' }]);
  }
  try {
    if (typeof json.streamName !== 'string' || !/^\d{1,20}$/.test(String(json.revision ?? '')) || !/^\d{1,20}$/.test(String(json.position ?? ''))) {
      throw new ValidationError([{ field: 'streamName/revision/position', reason: 'must be present as written by cairn export' }]);
    }
    const raw = { type: json.type as string, data: json.data as Record<string, unknown>, metadata: json.metadata as Record<string, unknown> };
    // The compiled validator first; zod only for what it does not take, and for the reasons.
    const envelope = fastParseEvent(raw) ?? parseEvent(raw);
    if (json.id !== undefined && json.id !== envelope.metadata.eventId) {
      throw new ValidationError([{ field: 'id', reason: 'must equal metadata.eventId' }]);
    }
    return { ...envelope, streamName: json.streamName, revision: BigInt(json.revision!), position: BigInt(json.position!) } as StoredEvent;
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(error.issues.map((issue) => ({ field: `line ${line}: ${issue.field}`, reason: issue.reason })));
    }
    throw error;
  }
}
