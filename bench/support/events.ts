import { CURRENT_SCHEMA_VERSION } from '../../events/index.js';
import type { RawEvent } from '../baselines/raw-sqlite.js';

const WORDS = ['retry', 'upload', 'lease', 'header', 'backoff', 'server', 'client', 'stall', 'queue', 'agent', 'claim', 'sync', 'finding', 'load', 'latency', 'error'];

/** A deterministic UUID v4 from a counter, so runs are reproducible. */
export const uuidFor = (n: number, salt = 0): string =>
  `${salt.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * A realistic FindingRecorded: a ~150-character summary, a topic, two tags, and the metadata
 * every cairn event carries. About 450 bytes of JSON, like the findings agents write.
 */
export function findingEvent(n: number, salt = 0): RawEvent {
  const summary = Array.from({ length: 20 }, (_, i) => WORDS[(n * 7 + i * 13) % WORDS.length]).join(' ');
  const instance = `agent-${n % 8}`;
  return {
    stream: `finding-f${salt}-${n}`,
    revision: 0,
    id: uuidFor(n, salt),
    type: 'FindingRecorded',
    data: { findingId: `f${salt}-${n}`, by: instance, summary, topic: 'uploads', tags: ['retry', 'uploads'], cites: [] },
    metadata: {
      eventId: uuidFor(n, salt),
      instanceId: instance,
      role: ['explorer', 'builder', 'reflector', 'coordinator'][n % 4]!,
      at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      seenUpTo: String(Math.max(0, n - 10)),
      schemaVersion: CURRENT_SCHEMA_VERSION,
    },
  };
}
