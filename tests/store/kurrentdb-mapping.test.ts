/**
 * The pure KurrentDB mappings, exercised with the client's own classes and its own decoding of
 * what the server sends (convertRustEvent), so no server is needed and nothing is mocked.
 */
import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  DeadlineExceededError,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  jsonEvent,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
// The client's decoder for events read through its native bridge: the real read path.
import { convertRustEvent } from '@kurrent/kurrentdb-client/dist/utils/convertRustEvent.js';
import { describe, expect, it } from 'vitest';
import { CorruptEventError, StoreUnavailableError, ValidationError, WrongExpectedRevisionError } from '../../src/errors.js';
import {
  checkStreamName,
  classifyKurrentError,
  deadlineOf,
  describeActual,
  expectedMatches,
  formatPosition,
  fromKurrentEvent,
  hostOf,
  parsePosition,
  positionOf,
  reasonOf,
  streamFilterRegex,
  toCairnError,
  toKurrentEvents,
  toKurrentPosition,
  toStreamState,
  wrongRevision,
} from '../../src/store/kurrentdb-mapping.js';
import type { EventToAppend } from '../../src/store/port.js';
import { matchesPrefixes } from '../../src/store/shared.js';

const BEYOND_DOUBLE = 2n ** 53n + 1n; // not representable as a double
const HUGE = 2n ** 63n - 25n;

/**
 * An event as the server would hand it back after `appendToStream` wrote `sent`: the body and
 * metadata serialised exactly as the client's append does (JSON.stringify, UTF-8), decoded by
 * the client's own convertRustEvent.
 */
function storedAs(sent: ReturnType<typeof jsonEvent>, at: { stream: string; revision: bigint; position: bigint }): ResolvedEvent {
  const bytes = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));
  return convertRustEvent({
    event: {
      streamId: at.stream,
      id: sent.id,
      type: sent.type,
      isJson: true,
      revision: at.revision,
      created: Date.now(),
      data: bytes(sent.data),
      metadata: sent.metadata === undefined ? new Uint8Array() : bytes(sent.metadata),
      position: { commit: at.position, prepare: at.position },
    },
    commitPosition: at.position,
  }) as ResolvedEvent;
}

const cairnEvent = (overrides: Partial<EventToAppend> = {}): EventToAppend => ({
  id: randomUUID(),
  type: 'FindingRecorded',
  data: { summary: 'héllo ✓ 日本語 𝄞 🧭👩🏽‍💻 "q" \\ \n', nested: { list: [1, 'two', { three: null }], empty: {} }, n: Number.MAX_SAFE_INTEGER },
  metadata: { eventId: 'x', role: 'explorer 🧭', at: '2024-01-02T03:04:05.678Z', seenUpTo: String(BEYOND_DOUBLE) },
  ...overrides,
});

describe('cairn events to KurrentDB and back', () => {
  it('round-trips id, type, data, metadata and unicode through the client’s own encode and decode', () => {
    const sent = cairnEvent();
    const [mapped] = toKurrentEvents([sent]);
    const wire = jsonEvent(mapped!);
    expect(wire.contentType).toBe('application/json');
    const recorded = fromKurrentEvent(storedAs(wire, { stream: 'finding-f1', revision: 3n, position: 1234n }));
    expect(recorded).toStrictEqual({ ...sent, streamName: 'finding-f1', revision: 3n, position: 1234n });
  });

  it('keeps positions and revisions beyond 2^53 exact, as bigints', () => {
    const [mapped] = toKurrentEvents([cairnEvent()]);
    const recorded = fromKurrentEvent(storedAs(jsonEvent(mapped!), { stream: 's', revision: BEYOND_DOUBLE, position: HUGE }))!;
    expect(recorded.position).toBe(HUGE);
    expect(recorded.revision).toBe(BEYOND_DOUBLE);
    expect(recorded.metadata.seenUpTo).toBe('9007199254740993');
  });

  it('keeps empty data and metadata as empty objects', () => {
    const sent = cairnEvent({ data: {}, metadata: {} });
    const recorded = fromKurrentEvent(storedAs(jsonEvent(toKurrentEvents([sent])[0]!), { stream: 's', revision: 0n, position: 1n }));
    expect(recorded!.data).toStrictEqual({});
    expect(recorded!.metadata).toStrictEqual({});
  });

  it('reads metadata-less events (written by other tools) as empty metadata', () => {
    const resolved = convertRustEvent({
      event: { streamId: 's', id: randomUUID(), type: 'T', isJson: true, revision: 0n, created: 0, data: new Uint8Array(Buffer.from('{"a":1}')), metadata: new Uint8Array(), position: { commit: 7n, prepare: 7n } },
    }) as ResolvedEvent;
    expect(fromKurrentEvent(resolved)!.metadata).toStrictEqual({});
  });

  it('refuses ids that would not come back unchanged, duplicate ids, system types and non-JSON bodies', () => {
    const bad = (e: Partial<EventToAppend>, field: string) => {
      const error = (() => {
        try {
          toKurrentEvents([cairnEvent(), cairnEvent(e)]);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.field).toBe(field);
    };
    bad({ id: 'not-a-uuid' }, 'events.1.id');
    bad({ id: randomUUID().toUpperCase() }, 'events.1.id');
    bad({ type: '$metadata' }, 'events.1.type');
    bad({ type: '' }, 'events.1.type');
    bad({ data: [] as unknown as Record<string, unknown> }, 'events.1.data');
    bad({ metadata: { big: 1n } }, 'events.1.metadata');
    const id = randomUUID();
    expect(() => toKurrentEvents([cairnEvent({ id }), cairnEvent({ id })])).toThrow(/duplicate event id/);
  });

  it('refuses stream names KurrentDB reserves', () => {
    expect(() => checkStreamName('$ce-task')).toThrow(ValidationError);
    expect(() => checkStreamName('')).toThrow(ValidationError);
    expect(() => checkStreamName('task-ü/1')).not.toThrow();
  });

  it('skips system events and links whose target is gone', () => {
    const system = storedAs(jsonEvent({ type: '$statsCollected', data: {} }), { stream: '$stats-127.0.0.1:2113', revision: 0n, position: 9n });
    expect(fromKurrentEvent(system)).toBeUndefined();
    const inSystemStream = storedAs(jsonEvent({ type: 'Noted', data: {} }), { stream: '$ce-task', revision: 0n, position: 9n });
    expect(fromKurrentEvent(inSystemStream)).toBeUndefined();
    expect(fromKurrentEvent({ commitPosition: 5n })).toBeUndefined();
  });

  it('names the position of a corrupt event in a cairn stream', () => {
    const binary = convertRustEvent({
      event: { streamId: 'task-1', id: randomUUID(), type: 'T', isJson: false, revision: 0n, created: 0, data: new Uint8Array([1, 2]), metadata: new Uint8Array(), position: { commit: 42n, prepare: 42n } },
    }) as ResolvedEvent;
    expect(() => fromKurrentEvent(binary)).toThrow(CorruptEventError);
    const notJson = convertRustEvent({
      event: { streamId: 'task-1', id: randomUUID(), type: 'T', isJson: true, revision: 0n, created: 0, data: new Uint8Array(Buffer.from('{oops')), metadata: new Uint8Array(), position: { commit: 43n, prepare: 43n } },
    }) as ResolvedEvent;
    expect(() => fromKurrentEvent(notJson)).toThrow(/corrupt event at position 43: data is not a JSON object/);
    const badMetadata = convertRustEvent({
      event: { streamId: 'task-1', id: randomUUID(), type: 'T', isJson: true, revision: 0n, created: 0, data: new Uint8Array(Buffer.from('{}')), metadata: new Uint8Array([0xff]), position: { commit: 44n, prepare: 44n } },
    }) as ResolvedEvent;
    expect(() => fromKurrentEvent(badMetadata)).toThrow(/position 44: metadata/);
  });

  it('takes the commit position, and says so when a server returns none', () => {
    expect(positionOf({ commitPosition: HUGE })).toBe(HUGE);
    expect(() => positionOf({})).toThrow(StoreUnavailableError);
  });
});

describe('positions', () => {
  it('reads and subscribes from a cairn position as commit = prepare', () => {
    expect(toKurrentPosition(HUGE)).toEqual({ commit: HUGE, prepare: HUGE });
  });

  it('formats "C:P" and parses it back, or a bare decimal, without going through a double', () => {
    const position = { commit: HUGE, prepare: BEYOND_DOUBLE };
    expect(formatPosition(position)).toBe(`${HUGE}:${BEYOND_DOUBLE}`);
    expect(parsePosition(formatPosition(position))).toEqual(position);
    expect(parsePosition('9007199254740993')).toEqual({ commit: BEYOND_DOUBLE, prepare: BEYOND_DOUBLE });
    expect(parsePosition(' 18446744073709551615 ')).toEqual({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n });
    for (const bad of ['', '-1', '1.5', 'C:1', '1:', '1e3']) expect(() => parsePosition(bad)).toThrow(ValidationError);
  });
});

describe('expected revisions', () => {
  it('maps each to the client’s stream state', () => {
    expect(toStreamState('any')).toBe('any');
    expect(toStreamState('no_stream')).toBe('no_stream');
    expect(toStreamState('stream_exists')).toBe('stream_exists');
    expect(toStreamState(BEYOND_DOUBLE)).toBe(BEYOND_DOUBLE);
  });

  it('checks an expectation against a stream’s last revision', () => {
    expect(expectedMatches('any', undefined) && expectedMatches('any', 4n)).toBe(true);
    expect([expectedMatches('no_stream', undefined), expectedMatches('no_stream', 0n)]).toEqual([true, false]);
    expect([expectedMatches('stream_exists', undefined), expectedMatches('stream_exists', 0n)]).toEqual([false, true]);
    expect([expectedMatches(3n, 3n), expectedMatches(3n, 2n), expectedMatches(0n, undefined)]).toEqual([true, false, false]);
    expect([describeActual('no_stream'), describeActual(BEYOND_DOUBLE), describeActual(undefined)]).toEqual(['no stream', '9007199254740993', 'unknown']);
  });
});

describe('stream filter', () => {
  const names = ['task-1', 'task-ü/1', 'finding-9', 'message-a.b', '$ce-task', 'taskX', 'a+b(c)-1', 'x|y-2', ''];

  it('matches exactly the streams String.startsWith does, with regex characters in prefixes', () => {
    for (const prefixes of [['task-'], ['task-ü'], ['finding-', 'message-a.'], ['a+b(c)'], ['x|y'], ['.*']]) {
      const regex = new RegExp(streamFilterRegex(prefixes));
      for (const name of names) expect(regex.test(name), `${prefixes} ~ ${name}`).toBe(matchesPrefixes(name, prefixes));
    }
  });

  it('without prefixes, excludes only system streams', () => {
    const regex = new RegExp(streamFilterRegex(undefined));
    expect(names.filter((n) => regex.test(n))).toEqual(names.filter((n) => n !== '' && !n.startsWith('$')));
    expect(streamFilterRegex([])).toBe(streamFilterRegex(undefined));
  });
});

describe('errors', () => {
  // What this client really raises against a closed port (seen in tests/store/kurrentdb.test.ts):
  // the append path rejects with the raw gRPC error, the read bridge with UnavailableError.
  const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  const refused = grpcError(14, 'UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ');

  it('classifies the client’s own error classes', () => {
    expect(classifyKurrentError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 2n }))).toBe('conflict');
    expect(classifyKurrentError(new StreamNotFoundError(undefined, 's'))).toBe('not_found');
    expect(classifyKurrentError(new UnavailableError())).toBe('unavailable');
    expect(classifyKurrentError(new DeadlineExceededError())).toBe('unavailable');
    expect(classifyKurrentError(new AccessDeniedError())).toBe('unavailable');
    expect(classifyKurrentError(new UnknownError(undefined, 'The operation is unsupported by the server'))).toBe('unavailable');
    expect(classifyKurrentError(new UnknownError(undefined, 'Invalid position'))).toBe('other');
  });

  it('classifies raw gRPC errors by code and connection errors by message', () => {
    expect(classifyKurrentError(refused)).toBe('unavailable');
    expect(classifyKurrentError(grpcError(4, 'DEADLINE_EXCEEDED: Deadline exceeded'))).toBe('unavailable');
    expect(classifyKurrentError(grpcError(12, 'UNIMPLEMENTED: Received HTTP status code 404'))).toBe('unavailable');
    expect(classifyKurrentError(grpcError(3, 'INVALID_ARGUMENT: bad'))).toBe('other');
    expect(classifyKurrentError(new Error('getaddrinfo ENOTFOUND kurrentdb'))).toBe('unavailable');
    expect(classifyKurrentError(new StoreUnavailableError('already ours'))).toBe('unavailable');
    expect(classifyKurrentError(new Error('something else'))).toBe('other');
    expect(classifyKurrentError('a string')).toBe('other');
    expect(classifyKurrentError(undefined)).toBe('other');
  });

  it('turns unavailability into StoreUnavailableError naming the host and the reason', () => {
    const error = toCairnError(refused, '127.0.0.1:1');
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toBe(
      'KurrentDB at 127.0.0.1:1 is unavailable: 14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1.',
    );
    expect(toCairnError(new UnavailableError(), 'db:2113').message).toBe('KurrentDB at db:2113 is unavailable: cannot connect');
    expect(toCairnError(new AccessDeniedError(), 'db:2113').message).toMatch(/access denied \(check the credentials/);
    expect((toCairnError(refused, 'h') as StoreUnavailableError).cause).toBe(refused);
  });

  it('turns a WrongExpectedVersionError into WrongExpectedRevisionError', () => {
    const theirs = new WrongExpectedVersionError(undefined, { streamName: 'task-1', expected: 0n, current: 2n });
    const ours = wrongRevision('task-1', 0n, theirs);
    expect(ours).toBeInstanceOf(WrongExpectedRevisionError);
    expect([ours.streamName, ours.expected, ours.actual]).toEqual(['task-1', '0', '2']);
    const missing = wrongRevision('task-2', 'stream_exists', new WrongExpectedVersionError(undefined, { streamName: 'task-2', expected: 'stream_exists', current: 'no_stream' }));
    expect(missing.message).toBe('stream task-2: expected revision stream_exists, actual no stream');
    const generic = toCairnError(theirs, 'h') as WrongExpectedRevisionError;
    expect([generic.streamName, generic.expected, generic.actual]).toEqual(['task-1', '0', '2']);
  });

  it('passes cairn’s own errors through and wraps anything else with the host', () => {
    const validation = new ValidationError([{ field: 'x', reason: 'y' }]);
    expect(toCairnError(validation, 'h')).toBe(validation);
    const other = toCairnError(grpcError(3, 'INVALID_ARGUMENT: bad'), 'db:2113');
    expect(other.message).toBe('KurrentDB at db:2113: 3 INVALID_ARGUMENT: bad');
    expect(reasonOf(new UnknownError())).toBe('unknown error');
  });
});

describe('connection strings', () => {
  it('names the hosts without credentials or options', () => {
    expect(hostOf('kurrentdb://localhost:2113?tls=false')).toBe('localhost:2113');
    expect(hostOf('esdb://admin:changeit@db.internal:2113/?tls=true')).toBe('db.internal:2113');
    expect(hostOf('kurrentdb+discover://admin:pw@a:2113,b:2113,c:2113?tls=false')).toBe('a:2113,b:2113,c:2113');
    expect(hostOf('kurrentdb://')).toBe('unknown host');
  });

  it('reads defaultDeadline, falling back to the client’s 10 s', () => {
    expect(deadlineOf('kurrentdb://h:2113?tls=false&defaultDeadline=1500')).toBe(1500);
    expect(deadlineOf('kurrentdb://h:2113?defaultDeadline=250&tls=false')).toBe(250);
    expect(deadlineOf('kurrentdb://h:2113?tls=false')).toBe(10_000);
    expect(deadlineOf('kurrentdb://h:2113?defaultDeadline=0')).toBe(10_000);
  });
});
