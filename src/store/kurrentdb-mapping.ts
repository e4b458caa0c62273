/**
 * Pure translations between cairn's EventStore port and the KurrentDB client. No I/O and no
 * runtime import of the client (types only), so they load for free and test without a server.
 */
import type { AppendStreamState, CurrentStreamState, Position, ResolvedEvent } from '@kurrent/kurrentdb-client';
import {
  CorruptEventError,
  DomainError,
  IdempotencyConflictError,
  StoreUnavailableError,
  ValidationError,
  WrongExpectedRevisionError,
} from '../errors.js';
import type { EventToAppend, ExpectedRevision, RecordedEvent } from './port.js';
import { describeExpected } from './shared.js';

/** What `jsonEvent` takes: cairn's event as a KurrentDB JSON event (metadata travels as JSON too). */
export interface KurrentJsonEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

// KurrentDB stores event ids as UUIDs and reads them back in lowercase; any other spelling would
// not round-trip, so it is refused rather than silently changed.
const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Names starting with `$` belong to KurrentDB itself; reads skip them, so cairn never writes one. */
export const isSystemName = (name: string): boolean => name.startsWith('$');

export function checkStreamName(streamName: string): void {
  if (streamName === '' || isSystemName(streamName)) {
    throw new ValidationError([{ field: 'streamName', reason: 'must be non-empty and must not start with "$" (reserved by KurrentDB)' }]);
  }
}

/** Validates a batch and maps it to KurrentDB JSON events; names the field of the first bad event. */
export function toKurrentEvents(events: EventToAppend[]): KurrentJsonEvent[] {
  const seen = new Set<string>();
  return events.map((e, i) => {
    const field = `events.${i}`;
    if (!LOWERCASE_UUID.test(e.id)) throw new ValidationError([{ field: `${field}.id`, reason: 'must be a lowercase UUID (KurrentDB event ids are UUIDs)' }]);
    if (seen.has(e.id)) throw new ValidationError([{ field: `${field}.id`, reason: `duplicate event id ${e.id} in one batch` }]);
    seen.add(e.id);
    if (e.type === '' || isSystemName(e.type)) {
      throw new ValidationError([{ field: `${field}.type`, reason: 'must be non-empty and must not start with "$" (reserved by KurrentDB)' }]);
    }
    return { id: e.id, type: e.type, data: jsonObject(e.data, `${field}.data`), metadata: jsonObject(e.metadata, `${field}.metadata`) };
  });
}

function jsonObject(value: Record<string, unknown>, field: string): Record<string, unknown> {
  if (!isObject(value)) throw new ValidationError([{ field, reason: 'must be a JSON object' }]);
  try {
    JSON.stringify(value); // the client serialises later, where a failure would be an unhelpful crash
  } catch (error) {
    throw new ValidationError([{ field, reason: `not JSON-serialisable: ${messageOf(error)}` }]);
  }
  return value;
}

/**
 * A KurrentDB event as cairn sees it, or undefined for what cairn must never see: system
 * events and links whose target is gone. A non-JSON event in a cairn stream is corrupt.
 */
export function fromKurrentEvent(resolved: ResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || isSystemName(event.streamId) || isSystemName(event.type)) return undefined;
  const position = positionOf(resolved);
  if (!event.isJson) throw new CorruptEventError(position, 'is not a JSON event');
  if (!isObject(event.data) || event.data instanceof Uint8Array) throw new CorruptEventError(position, 'data is not a JSON object');
  // Empty metadata comes back as undefined, non-JSON metadata as raw bytes.
  const metadata = event.metadata ?? {};
  if (!isObject(metadata) || metadata instanceof Uint8Array) throw new CorruptEventError(position, 'metadata is not a JSON object');
  return {
    id: event.id,
    type: event.type,
    streamName: event.streamId,
    revision: BigInt(event.revision),
    position,
    data: event.data,
    metadata,
  };
}

/**
 * cairn's global position: the event's commit position. Every event appended through gRPC is
 * its own implicit transaction, so its commit position equals its prepare position and is
 * unique and strictly increasing (KurrentDB's AllReader reports `prepare.LogPosition` for both).
 */
export function positionOf(resolved: ResolvedEvent): bigint {
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition ?? resolved.link?.position?.commit;
  if (commit === undefined) {
    throw new StoreUnavailableError('KurrentDB returned an event without its log position: cairn needs KurrentDB (or EventStoreDB 22.6 or newer)');
  }
  return BigInt(commit);
}

/** The KurrentDB position of a cairn position, for reading or subscribing from it. */
export const toKurrentPosition = (position: bigint): Position => ({ commit: position, prepare: position });

/** "C:P", as KurrentDB shows positions: for logs, messages and checkpoints kept as text. */
export const formatPosition = (position: Position): string => `${position.commit}:${position.prepare}`;

/** Parses "C:P" or a bare decimal (a cairn position, commit = prepare). Never through a double. */
export function parsePosition(text: string): Position {
  const match = /^(\d{1,20})(?::(\d{1,20}))?$/.exec(text.trim());
  if (!match) throw new ValidationError([{ field: 'position', reason: 'must be a decimal position or "commit:prepare"' }]);
  const commit = BigInt(match[1]!);
  return { commit, prepare: match[2] === undefined ? commit : BigInt(match[2]) };
}

/** The client's constants are exactly cairn's words; the mapping is spelled out so a change shows. */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return 'any';
    case 'no_stream':
      return 'no_stream';
    case 'stream_exists':
      return 'stream_exists';
    default:
      return expected;
  }
}

/** Whether a stream whose last revision is `current` (undefined: no stream) satisfies `expected`. */
export const expectedMatches = (expected: ExpectedRevision, current: bigint | undefined): boolean =>
  expected === 'any' ||
  (expected === 'no_stream' && current === undefined) ||
  (expected === 'stream_exists' && current !== undefined) ||
  (typeof expected === 'bigint' && current === expected);

export const describeActual = (actual: CurrentStreamState | bigint | undefined): string =>
  actual === undefined ? 'unknown' : actual === 'no_stream' ? 'no stream' : String(actual);

/**
 * The server-side stream filter: an anchored regex rather than KurrentDB's prefix filter, whose
 * culture-sensitive StartsWith could drop a stream that does start with the prefix. With no
 * prefixes it still excludes system streams. The client re-checks with String.startsWith.
 */
export function streamFilterRegex(prefixes: string[] | undefined): string {
  if (!prefixes || prefixes.length === 0) return '^[^$]';
  return `^(?:${prefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
}

export type KurrentErrorKind = 'conflict' | 'unavailable' | 'not_found' | 'other';

/** gRPC codes that mean "this server cannot serve cairn now": cancelled, deadline, denied, unimplemented (not a KurrentDB node), unavailable, unauthenticated. */
const UNAVAILABLE_CODES = new Set([1, 4, 7, 12, 14, 16]);
const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader', 'access-denied']);
const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|No connection established|Name resolution failed|failed to connect|transport error|connection (?:refused|reset|closed)|unsupported by the server|Received HTTP status code/i;

/**
 * Sorts an error from the client (or from the gRPC layer under it) by what cairn does about it.
 * Duck-typed on `type`, `code` and the message, because the client raises its own classes, raw
 * gRPC errors (code 14 from the append path) and errors from its native read bridge alike.
 */
export function classifyKurrentError(error: unknown): KurrentErrorKind {
  if (error instanceof StoreUnavailableError) return 'unavailable';
  if (typeof error !== 'object' || error === null) return 'other';
  const { type, code, name } = error as { type?: unknown; code?: unknown; name?: unknown };
  if (type === 'wrong-expected-version' || name === 'WrongExpectedVersionError') return 'conflict';
  if (type === 'stream-not-found' || type === 'no-stream' || name === 'StreamNotFoundError') return 'not_found';
  if (typeof type === 'string' && UNAVAILABLE_TYPES.has(type)) return 'unavailable';
  if (typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (UNREACHABLE.test(messageOf(error))) return 'unavailable';
  return 'other';
}

const REASONS: Record<string, string> = {
  unavailable: 'cannot connect',
  'deadline-exceeded': 'no answer before the deadline',
  timeout: 'timed out',
  cancelled: 'the server cancelled the request',
  'not-leader': 'the node is not the leader',
  'access-denied': 'access denied (check the credentials in the URL)',
};

/** A short reason for people: the client's message when it says something, else its error type. */
export function reasonOf(error: unknown): string {
  const message = messageOf(error).replace(/\s*Resolution note:\s*$/, '').trim();
  if (message !== '' && !/^[A-Za-z]+Error$/.test(message)) return message;
  const type = (error as { type?: unknown } | null)?.type;
  return (typeof type === 'string' && REASONS[type]) || message || 'unknown error';
}

export const unavailable = (host: string, error: unknown): StoreUnavailableError =>
  error instanceof StoreUnavailableError ? error : new StoreUnavailableError(`KurrentDB at ${host} is unavailable: ${reasonOf(error)}`, { cause: error });

/** The client's WrongExpectedVersionError as cairn's, naming what the appender expected. */
export function wrongRevision(streamName: string, expected: ExpectedRevision, error: unknown): WrongExpectedRevisionError {
  return new WrongExpectedRevisionError(streamName, describeExpected(expected), describeActual((error as { actualState?: CurrentStreamState }).actualState));
}

const CAIRN_ERRORS = [CorruptEventError, DomainError, IdempotencyConflictError, StoreUnavailableError, ValidationError, WrongExpectedRevisionError];

/** Any error from a KurrentDB call as the error cairn's entry points understand. */
export function toCairnError(error: unknown, host: string): Error {
  if (CAIRN_ERRORS.some((kind) => error instanceof kind)) return error as Error;
  switch (classifyKurrentError(error)) {
    case 'unavailable':
      return unavailable(host, error);
    case 'conflict': {
      const e = error as { streamName?: string; expectedState?: AppendStreamState };
      return wrongRevision(e.streamName ?? 'unknown', e.expectedState ?? 'any', error);
    }
    default:
      return new Error(`KurrentDB at ${host}: ${reasonOf(error)}`, { cause: error });
  }
}

/** The hosts of a connection string, for messages: never the credentials or the options. */
export function hostOf(url: string): string {
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return rest.replace(/^[^@/?]*@/, '').split(/[/?]/)[0] || 'unknown host';
}

/** The connection string's `defaultDeadline` (ms), which also bounds cairn's own waits. */
export function deadlineOf(url: string, fallback = 10_000): number {
  const match = /[?&]defaultDeadline=(\d+)/i.exec(url);
  const value = match ? Number(match[1]) : fallback;
  return value > 0 ? value : fallback;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : typeof error === 'string' ? error : '');
