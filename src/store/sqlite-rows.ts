import { CorruptEventError } from '../errors.js';
import type { RecordedEvent } from './port.js';
import { isObjectJson } from './shared.js';
import { messageOf } from './sqlite-errors.js';

/** The events table's rows as read back, checked: a damaged row is named by its position, never a crash. */

export const COLUMNS = 'position, stream_name, revision, event_id, type, data, metadata';

/**
 * A row of COLUMNS, read as an array (better-sqlite3's raw mode): building an object per row
 * cost a third of reading the log.
 */
export type Row = [position: bigint, streamName: unknown, revision: unknown, eventId: unknown, type: unknown, data: unknown, metadata: unknown];

/** Decodes a row, or names its position: a hand-edited or damaged row must not crash a reader. */
export function decodeRow(row: Row): RecordedEvent {
  const [position, streamName, revision, eventId, type, data, metadata] = row;
  if (typeof revision !== 'bigint' || revision < 0n) {
    throw new CorruptEventError(position, `revision is ${revision === null ? 'NULL' : String(revision)}, expected an integer >= 0`);
  }
  return {
    id: textColumn(position, 'event_id', eventId),
    type: textColumn(position, 'type', type),
    streamName: textColumn(position, 'stream_name', streamName),
    revision,
    position,
    data: objectColumn(position, 'data', data),
    metadata: objectColumn(position, 'metadata', metadata),
  };
}

function textColumn(position: bigint, column: string, value: unknown): string {
  if (typeof value !== 'string') throw new CorruptEventError(position, `${column} is ${value === null ? 'NULL' : typeof value}, expected text`);
  return value;
}

function objectColumn(position: bigint, column: string, value: unknown): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(textColumn(position, column, value));
  } catch (error) {
    if (error instanceof CorruptEventError) throw error;
    throw new CorruptEventError(position, `${column} is not valid JSON (${messageOf(error)})`);
  }
  if (!isObjectJson(parsed)) throw new CorruptEventError(position, `${column} is not a JSON object`);
  return parsed;
}
