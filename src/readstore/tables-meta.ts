import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../store/port.js';

/** What a tables file says of itself in its meta table: the live tables', or a copy's (milestones.ts). */

/** The last event the tables folded, as meta `last_event` holds it: where it sits, to know the log again. */
export type LastEvent = Pick<RecordedEvent, 'id' | 'streamName' | 'revision' | 'position'>;

export const encodeLastEvent = (last: LastEvent): string => JSON.stringify([last.id, last.streamName, String(last.revision), String(last.position)]);

/** Meta `last_event` read back. */
export function decodeLastEvent(raw: string): LastEvent {
  const [id, streamName, revision, position] = JSON.parse(raw) as [string, string, string, string];
  return { id, streamName, revision: BigInt(revision), position: BigInt(position) };
}

/** A tables file's meta, key by key. */
export const metaOf =
  (db: Database.Database) =>
  (key: string): string | undefined =>
    db.prepare(`SELECT value FROM meta WHERE key = ?`).pluck().get(key) as string | undefined;
