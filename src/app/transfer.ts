import type { StoredEvent } from '../../events/index.js';
import { DomainError, WrongExpectedRevisionError } from '../errors.js';
import { toStored } from '../runtime/stored.js';
import type { AppendResult, EventStore, ExpectedRevision, ReadAllOptions, StreamAppend } from '../store/port.js';
import { parseExportLine, type ExportedEvent } from './export-line.js';
import { batchesOf, lineTargets } from './line-targets.js';

/**
 * Export and import: the whole log as NDJSON, one stored event per line, in log order.
 * Import validates every line before it appends anything, keeps event ids (so importing
 * twice is a no-op) and appends each event at its original stream revision.
 */

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

/** The lines of an export, read afresh on each call: import reads them twice, so it never holds them all. */
export type ExportLines = () => AsyncIterable<string>;

/** The export's events in order. */
async function* eventsOf(lines: ExportLines): AsyncGenerator<StoredEvent> {
  for await (const batch of batchesOf(lines())) for (let i = 0; i < batch.lines.length; i++) yield parseExportLine(batch.lines[i]!, batch.numbers[i]!);
}

/** Appends sent to the store at once: one transaction where the store can (SQLite). */
const IMPORT_BATCH = 2_000;

export interface ImportOptions {
  onProgress?: (done: number, total: number) => void;
  /** Each batch as it now stands in the target (its positions, translated data): the tables follow without rereading it. */
  onAppended?: (events: StoredEvent[]) => void;
}

/**
 * Imports an export in two passes over its lines, in memory that does not grow with the
 * file: the first validates every line and checks that each event can land where it
 * belongs, so a bad line anywhere appends nothing; the second appends in batches. Event ids
 * are kept (importing twice is a no-op) and each event lands at its original revision.
 */
export async function importExport(store: EventStore, lines: ExportLines, { onProgress, onAppended }: ImportOptions = {}): Promise<ImportResult> {
  const total = await refuseConflicts(store, lines);
  const translate = positionTranslator();
  const headBefore = await store.headPosition();
  let imported = 0;
  let skipped = 0;
  let batch: StoredEvent[] = [];
  const flush = async () => {
    const built: { data: Record<string, unknown>; metadata: Record<string, unknown> }[] = [];
    const results = await appendCopies(store, batch, translate, (event, map, i) => {
      const { data, metadata } = translatePositions(event, map);
      built[i] = { data, metadata };
      return { streamName: event.streamName, events: [{ id: event.metadata.eventId, type: event.type, data, metadata }], expectedRevision: revisionBefore(event.revision) };
    }).catch((error: unknown) => {
      // Another writer got in since the check: a refusal to report, not an internal error.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      throw new DomainError(`the import conflicts with events appended meanwhile: ${error.message}; ${imported} events were imported before it`, 'import_conflict');
    });
    const appended: StoredEvent[] = [];
    results.forEach((result, i) => {
      // An id already stored is a no-op that reports where it was: at or before the old head.
      if (result.position <= headBefore) skipped++;
      else {
        imported++;
        appended.push({ ...batch[i]!, ...built[i]!, position: result.position } as StoredEvent);
      }
    });
    if (appended.length > 0) onAppended?.(appended);
    batch = [];
    onProgress?.(imported + skipped, total);
  };
  for await (const event of eventsOf(lines)) {
    if (batch.length >= IMPORT_BATCH) await flush();
    batch.push(event);
  }
  if (batch.length > 0) await flush();
  return { imported, skipped };
}

/**
 * Appends copied events in log order, each where `toAppend` puts it, in one write where the
 * store can (appendMany), otherwise one append after another; then records where each landed
 * in `translate`. `map` translates a position held in an event's payload to the target's: to
 * where an earlier batch put it, or where an earlier event of this batch just landed. A store
 * that retries its write calls `toAppend` again from the first event, so nothing is kept
 * from an abandoned attempt.
 */
export async function appendCopies<T extends { position: bigint }>(
  store: EventStore,
  batch: readonly T[],
  translate: PositionTranslator,
  toAppend: (item: T, map: (position: bigint) => bigint, index: number) => StreamAppend,
): Promise<AppendResult[]> {
  if (batch.length === 0) return [];
  const first = batch[0]!.position;
  let landed = positionTranslator();
  const next = (done: readonly AppendResult[]): StreamAppend | undefined => {
    if (done.length >= batch.length) return undefined;
    if (done.length === 0) landed = positionTranslator();
    else landed.record(batch[done.length - 1]!.position, done[done.length - 1]!.position);
    const map = (position: bigint): bigint => (position < first || done.length === 0 ? translate.map(position) : landed.map(position));
    return toAppend(batch[done.length]!, map, done.length);
  };
  let results: AppendResult[];
  if (store.appendMany) results = await store.appendMany(next);
  else {
    results = [];
    for (let a = next(results); a !== undefined; a = next(results)) results.push(await store.append(a.streamName, a.events, { expectedRevision: a.expectedRevision }));
  }
  results.forEach((result, i) => translate.record(batch[i]!.position, result.position));
  return results;
}

/**
 * Checks, before anything is appended, that every line is a valid event that can land where
 * it belongs: at a revision its stream already holds with the same id (a repeated import),
 * or right after the stream's end. A stream holding another log's events is refused whole.
 * Keeps a number per stream, and the ids only of streams the target already holds.
 */
async function refuseConflicts(store: EventStore, lines: ExportLines): Promise<number> {
  const targetIsEmpty = (await store.headPosition()) === 0n;
  const next = new Map<string, bigint>();
  const held = new Map<string, string[]>();
  let count = 0;
  for await (const batch of lineTargets(lines())) for (const event of batch) {
    count++;
    let expected = next.get(event.streamName);
    if (expected === undefined) {
      const ids: string[] = [];
      if (!targetIsEmpty) for await (const recorded of store.readStream(event.streamName)) ids.push(recorded.id);
      if (ids.length > 0) held.set(event.streamName, ids);
      expected = BigInt(ids.length);
      next.set(event.streamName, expected);
    }
    const ids = held.get(event.streamName);
    const at = ids && event.revision < BigInt(ids.length) ? ids[Number(event.revision)] : undefined;
    const fits = at !== undefined ? at === event.id : event.revision === expected;
    if (!fits) {
      throw new DomainError(
        `line ${event.line} (${event.type} in ${event.streamName}, revision ${event.revision}) conflicts with ` +
          (at !== undefined ? `events already in this log: revision ${event.revision} holds event ${at}` : `the stream's next revision, ${expected}`) +
          '; nothing was imported',
        'import_conflict',
      );
    }
    if (at === undefined) next.set(event.streamName, expected + 1n);
  }
  return count;
}

/**
 * Maps source positions to target positions: the newest copied event at or before a source
 * position. Kept as runs where both sides advance one by one, so copying a whole log into an
 * empty one holds a single run, not a million pairs.
 */
/** What to expect when appending an event at its own revision: the stream as it stood just before. */
export const revisionBefore = (revision: bigint): ExpectedRevision => (revision === 0n ? 'no_stream' : revision - 1n);

export type PositionTranslator = ReturnType<typeof positionTranslator>;

export function positionTranslator() {
  const runs: { from: bigint; to: bigint; length: bigint }[] = [];
  return {
    record(from: bigint, to: bigint) {
      const last = runs[runs.length - 1];
      if (last && from === last.from + last.length && to === last.to + last.length) last.length++;
      else runs.push({ from, to, length: 1n });
    },
    map(position: bigint): bigint {
      let lo = 0;
      let hi = runs.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (runs[mid]!.from <= position) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return 0n;
      const run = runs[found]!;
      const offset = position - run.from;
      return run.to + (offset < run.length ? offset : run.length - 1n);
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
