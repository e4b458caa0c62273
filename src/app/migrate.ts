import { createHash } from 'node:crypto';
import type { StoredEvent } from '../../events/index.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import { appendCopies, positionTranslator, revisionBefore, translatePositions } from './transfer.js';

/**
 * Moves a whole cairn log to another store (the embedded file to KurrentDB, or back): every
 * event in global order, to its own stream at its own revision, keeping its id, type, data and
 * metadata. The one thing that cannot be kept is positions, which each store assigns itself,
 * so the fields that hold positions (`seenUpTo`, `upTo`) are translated to the target's, as
 * `cairn import` does: "had this instance seen that event?" keeps its answer in the new log.
 *
 * Resumable: a target that already holds the start of the log (an interrupted run) is checked
 * event by event and continued, not rewritten. Verified: both logs are counted and hashed at
 * the end, and any difference throws.
 */
export interface MigrateOptions {
  from: EventStore;
  to: EventStore;
  /** Events now in the target (skipped + copied) out of the source's total, after each one. */
  onProgress?: (copied: number, total: number) => void;
  /** Stops between two batches; run again to resume. */
  signal?: AbortSignal;
  /** Events per write (default 1,000): one transaction each where the target can (SQLite, PostgreSQL). */
  batchSize?: number;
}

export interface MigrateResult {
  /** Events appended by this run. */
  copied: number;
  /** Events the target already held from an earlier run. */
  skipped: number;
  /** Events in the source log. */
  total: number;
  /** sha256 of the source as it should read in the target (positions translated). */
  sourceHash: string;
  /** sha256 of the target as it reads; equal to sourceHash after a faithful copy. */
  targetHash: string;
}

/** The target does not hold (a prefix of) the source log: refused before, or detected after, copying. */
export class MigrationMismatchError extends Error {
  override readonly name = 'MigrationMismatchError';
}

export async function migrate({ from, to, onProgress, signal, batchSize = 1_000 }: MigrateOptions): Promise<MigrateResult> {
  signal?.throwIfAborted();
  let total = 0;
  for await (const _ of from.readAll()) total++;

  const positions = positionTranslator();
  const source = from.readAll()[Symbol.asyncIterator]();
  try {
    // Resume: pair the target's events with the source's; they must be its first ones, in order.
    let skipped = 0;
    for await (const existing of to.readAll()) {
      const next = await source.next();
      if (next.done || !sameEvent(next.value, existing)) {
        throw new MigrationMismatchError(
          `the target is not empty and is not an earlier copy of this log: its event ${skipped + 1} (${existing.id} in ${existing.streamName}) ` +
            (next.done ? 'is beyond the end of the source' : `should be ${next.value.id} in ${next.value.streamName}`),
        );
      }
      positions.record(next.value.position, existing.position);
      skipped++;
    }
    onProgress?.(skipped, total);

    let copied = 0;
    let batch: RecordedEvent[] = [];
    const flush = async () => {
      // Its exact revision: appending in log order rebuilds every stream as it was.
      await appendCopies(to, batch, positions, (event, map) => ({
        streamName: event.streamName,
        events: [{ id: event.id, type: event.type, ...forTarget(event, map) }],
        expectedRevision: revisionBefore(event.revision),
      }));
      copied += batch.length;
      batch = [];
      onProgress?.(skipped + copied, total);
    };
    for (let next = await source.next(); !next.done; next = await source.next()) {
      signal?.throwIfAborted();
      batch.push(next.value);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();

    const expected = await digest(from, (e) => ({ ...e, ...forTarget(e, positions.map) }));
    const actual = await digest(to, (e) => e);
    if (expected.count !== actual.count || expected.hash !== actual.hash) {
      throw new MigrationMismatchError(
        expected.count !== actual.count
          ? `verification failed: the source has ${expected.count} events, the target ${actual.count} (was something still writing to the source?)`
          : `verification failed: the target's events differ from the source's (sha256 ${actual.hash} instead of ${expected.hash})`,
      );
    }
    return { copied, skipped, total, sourceHash: expected.hash, targetHash: actual.hash };
  } finally {
    await source.return?.();
  }
}

const sameEvent = (a: RecordedEvent, b: RecordedEvent): boolean =>
  a.id === b.id && a.streamName === b.streamName && a.revision === b.revision && a.type === b.type;

/** The event's data and metadata with positions translated (the policy is import's, in transfer.ts). */
function forTarget(event: RecordedEvent, map: (position: bigint) => bigint): Pick<RecordedEvent, 'data' | 'metadata'> {
  const seenUpTo = event.metadata.seenUpTo;
  // Not a cairn envelope (no position to translate): copied exactly as it is.
  if (typeof seenUpTo !== 'string' || !/^\d+$/.test(seenUpTo)) return { data: event.data, metadata: event.metadata };
  return translatePositions(event as unknown as StoredEvent, map);
}

/**
 * sha256 over the log in order, one line per event: id, stream, revision, type, and data and
 * metadata as canonical JSON (keys sorted), so two stores that keep the same content agree.
 */
async function digest(store: EventStore, view: (event: RecordedEvent) => RecordedEvent): Promise<{ hash: string; count: number }> {
  const hash = createHash('sha256');
  let count = 0;
  for await (const recorded of store.readAll()) {
    const e = view(recorded);
    hash.update(`${JSON.stringify([e.id, e.streamName, String(e.revision), e.type, canonicalJson(e.data), canonicalJson(e.metadata)])}\n`);
    count++;
  }
  return { hash: hash.digest('hex'), count };
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}
