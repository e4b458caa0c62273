import { parseEvent, type StoredEvent } from '../../events/index.js';
import { ValidationError } from '../../events/validation.js';
import { DomainError, WrongExpectedRevisionError } from '../errors.js';
import { toStored } from '../runtime/stored.js';
import type { EventStore, ReadAllOptions } from '../store/port.js';

/**
 * Export and import: the whole log as NDJSON, one stored event per line, in log order.
 * Import validates every line before it appends anything, keeps event ids (so importing
 * twice is a no-op) and appends each event at its original stream revision.
 */

export interface ExportedEvent {
  id: string;
  type: string;
  streamName: string;
  revision: string;
  position: string;
  data: unknown;
  metadata: unknown;
}

export async function* exportLog(store: EventStore, options: Pick<ReadAllOptions, 'after' | 'streamPrefixes'> = {}): AsyncGenerator<ExportedEvent> {
  for await (const recorded of store.readAll(options)) {
    const event = toStored(recorded);
    yield {
      id: event.metadata.eventId,
      type: event.type,
      streamName: event.streamName,
      revision: String(event.revision),
      position: String(event.position),
      data: event.data,
      metadata: event.metadata,
    };
  }
}

export interface ImportResult {
  imported: number;
  skipped: number;
}

/** Parses NDJSON text into validated events, naming the line of the first bad one. */
export function parseExport(text: string): { event: StoredEvent; line: number }[] {
  const parsed: { event: StoredEvent; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const line = i + 1;
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
      const envelope = parseEvent({ type: json.type, data: json.data, metadata: json.metadata });
      if (json.id !== undefined && json.id !== envelope.metadata.eventId) {
        throw new ValidationError([{ field: 'id', reason: 'must equal metadata.eventId' }]);
      }
      parsed.push({ event: { ...envelope, streamName: json.streamName, revision: BigInt(json.revision!), position: BigInt(json.position!) }, line });
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(error.issues.map((issue) => ({ field: `line ${line}: ${issue.field}`, reason: issue.reason })));
      }
      throw error;
    }
  }
  return parsed;
}

/**
 * Appends exported events in their order. Positions are the target's own; position-valued
 * fields (metadata.seenUpTo, InstanceSynced.upTo, InboxRead.upTo, ContentShown.upTo) are translated so that
 * "had this instance seen that event?" keeps its answer in the new log.
 */
export async function importEvents(store: EventStore, events: StoredEvent[]): Promise<ImportResult> {
  await refuseConflicts(store, events);
  const translate = positionTranslator();
  const headBefore = await store.headPosition();
  let imported = 0;
  let skipped = 0;
  for (const [index, event] of events.entries()) {
    const { data, metadata } = translatePositions(event, translate.map);
    const result = await store
      .append(event.streamName, [{ id: event.metadata.eventId, type: event.type, data, metadata }], {
        expectedRevision: event.revision === 0n ? 'no_stream' : event.revision - 1n,
      })
      .catch((error: unknown) => {
        // Another writer got in since the check: a refusal to report, not an internal error.
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        throw new DomainError(
          `event ${index + 1} (${event.type} in ${event.streamName}) conflicts with events already in this log: ${error.message}; ${imported} events were imported before it`,
          'import_conflict',
        );
      });
    translate.record(event.position, result.position);
    // An id already stored is a no-op that reports where it was: at or before the old head.
    if (result.position <= headBefore) skipped++;
    else imported++;
  }
  return { imported, skipped };
}

/**
 * Checks, before anything is appended, that every imported event can land where it belongs:
 * at a revision its stream already holds with the same id (a repeated import), or right
 * after the stream's end. A stream holding another log's events is refused whole.
 */
async function refuseConflicts(store: EventStore, events: StoredEvent[]): Promise<void> {
  const next = new Map<string, bigint>();
  const held = new Map<string, string[]>();
  for (const [index, event] of events.entries()) {
    let ids = held.get(event.streamName);
    if (!ids) {
      ids = [];
      for await (const recorded of store.readStream(event.streamName)) ids.push(recorded.id);
      held.set(event.streamName, ids);
      next.set(event.streamName, BigInt(ids.length));
    }
    const at = event.revision < BigInt(ids.length) ? ids[Number(event.revision)] : undefined;
    const expected = next.get(event.streamName)!;
    const fits = at !== undefined ? at === event.metadata.eventId : event.revision === expected;
    if (!fits) {
      throw new DomainError(
        `event ${index + 1} (${event.type} in ${event.streamName}, revision ${event.revision}) conflicts with events already in this log: ` +
          (at !== undefined ? `revision ${event.revision} holds event ${at}` : `the stream's next revision is ${expected}`) +
          '; nothing was imported',
        'import_conflict',
      );
    }
    if (at === undefined) next.set(event.streamName, expected + 1n);
  }
}

/** Maps source positions to target positions: the newest copied event at or before a source position. */
export function positionTranslator() {
  const source: bigint[] = [];
  const target: bigint[] = [];
  return {
    record(from: bigint, to: bigint) {
      source.push(from);
      target.push(to);
    },
    map(position: bigint): bigint {
      let lo = 0;
      let hi = source.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (source[mid]! <= position) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found < 0 ? 0n : target[found]!;
    },
  };
}

export function translatePositions(
  event: StoredEvent,
  map: (position: bigint) => bigint,
): { data: Record<string, unknown>; metadata: Record<string, unknown> } {
  const metadata = { ...event.metadata, seenUpTo: String(map(BigInt(event.metadata.seenUpTo))) };
  const data: Record<string, unknown> = { ...event.data };
  if (event.type === 'InstanceSynced' || event.type === 'InboxRead' || event.type === 'ContentShown') data.upTo = String(map(BigInt(event.data.upTo)));
  return { data, metadata };
}
