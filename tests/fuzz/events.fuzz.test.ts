import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, ValidationError, parseEvent, parseNewEvent, type EventType } from '../../events/index.js';
import { CorruptEventError } from '../../src/errors.js';
import { fastParseEvent } from '../../src/runtime/fast-parse.js';
import { toStored } from '../../src/runtime/stored.js';
import { hostileKey, hostileValue, polluted, withOwn } from './hostile.js';

const META = {
  eventId: '0b7e2f4c-1f9a-4c3e-8d2a-5b6c7d8e9f01',
  instanceId: 'ada',
  role: 'explorer',
  at: '2026-11-24T18:00:00.000Z',
  seenUpTo: '12',
  schemaVersion: 1,
};

/** One valid event of each type, with every optional field present. */
const SAMPLES: Record<EventType, Record<string, unknown>> = {
  InstanceJoined: { instanceId: 'ada', role: 'explorer', description: 'maps the uploader' },
  RoleChanged: { instanceId: 'ada', from: 'explorer', to: 'builder' },
  InstanceLeft: { instanceId: 'ada', reason: 'session over' },
  InstanceSynced: { instanceId: 'ada', upTo: '12' },
  InboxRead: { instanceId: 'ada', upTo: '12' },
  TaskProposed: { taskId: 't-1', title: 'Map the retry paths', description: 'in the uploader', tags: ['uploads'], proposedBy: 'ada' },
  TaskClaimed: { taskId: 't-1', owner: 'ada', leaseUntil: '2026-11-24T18:30:00.000Z' },
  ClaimRenewed: { taskId: 't-1', owner: 'ada', leaseUntil: '2026-11-24T19:00:00.000Z' },
  ClaimReleased: { taskId: 't-1', owner: 'ada', reason: 'blocked' },
  TaskCompleted: { taskId: 't-1', by: 'ada', outcome: 'done' },
  TaskAbandoned: { taskId: 't-1', by: 'ada', reason: 'dead end' },
  QuestionPosed: { questionId: 'q-1', text: 'Why do uploads stall?', tags: ['uploads'], askedBy: 'ada' },
  QuestionClosed: { questionId: 'q-1', by: 'ada', resolution: 'Retry-After is ignored' },
  FindingRecorded: {
    findingId: 'f-1',
    by: 'ada',
    summary: 'Retries ignore Retry-After',
    topic: 'uploads',
    tags: ['retry'],
    cites: ['f-0'],
    questionId: 'q-1',
    embedding: { model: 'm', vector: [0.1, 0.2] },
  },
  MessagePosted: { messageId: 'm-1', from: 'ada', to: 'role:builder', body: 'look at the backoff', replyTo: 'm-0' },
  SynthesisPublished: { synthesisId: 's-1', by: 'ada', summary: 'The stall is the retry loop', integrates: ['f-1', 'f-2'], questionId: 'q-1', tags: ['uploads'] },
  ContentShown: { instanceId: 'ada', via: 'findings', upTo: '12', streams: ['finding-f-1', 'message-m-1'], everything: false },
  ConvergenceJudged: { earlier: 'f-1', later: 'f-2', by: 'cy', verdict: 'same', reason: 'both say retries ignore Retry-After' },
  InvitationIssued: { invitationId: 'inv-1', role: 'builder', for: 'bo', expiresAt: '2026-11-25T18:00:00.000Z', codeSha256: 'a'.repeat(64) },
  InvitationAccepted: { invitationId: 'inv-1', instanceId: 'bo' },
};

/** The event as the log would hold it: through JSON, so own "__proto__" keys stay keys. */
const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as { type: unknown; data: unknown; metadata: unknown };

const recorded = (raw: { type: unknown; data: unknown; metadata: unknown }) =>
  ({ id: META.eventId, streamName: 's', revision: 0n, position: 7n, ...raw }) as Parameters<typeof toStored>[0];

describe('every event schema against hostile input', () => {
  it('has a valid sample for every event type, which both parsers accept identically', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const raw = viaJson({ type, data: SAMPLES[type], metadata: META });
      const zod = parseEvent(raw);
      expect(JSON.stringify(fastParseEvent(raw))).toBe(JSON.stringify(zod));
    }
  });

  for (const type of EVENT_TYPES) {
    it(`${type}: hostile fields and keys are rejected naming a field, and pollute nothing`, () => {
      const sample = SAMPLES[type];
      const target = fc.oneof(
        fc.record({ section: fc.constant<'data'>('data'), key: fc.constantFrom(...Object.keys(sample)), replace: fc.constant(true) }),
        fc.record({ section: fc.constant<'metadata'>('metadata'), key: fc.constantFrom(...Object.keys(META)), replace: fc.constant(true) }),
        fc.record({ section: fc.constantFrom<'data' | 'metadata'>('data', 'metadata'), key: hostileKey(), replace: fc.constant(false) }),
      );
      fc.assert(
        fc.property(target, hostileValue(), ({ section, key }, value) => {
          // true or false where the schema takes a boolean (ContentShown.everything) is no hostile value.
          const current = (section === 'data' ? (sample as Record<string, unknown>) : (META as Record<string, unknown>))[key];
          fc.pre(!(typeof value === 'boolean' && typeof current === 'boolean'));
          const event = { type, data: sample, metadata: META as Record<string, unknown> };
          event[section] = withOwn(event[section], key, value);
          const raw = viaJson(event);
          // JSON drops undefined and non-finite numbers become null: both still invalid.
          let error: unknown;
          try {
            parseEvent(raw);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(ValidationError);
          const issues = (error as ValidationError).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) expect(issue.field.startsWith(section) || issue.field === 'type').toBe(true);
          expect(fastParseEvent(raw)).toBeUndefined();
          expect(() => toStored(recorded(raw))).toThrow(CorruptEventError);
          if (section === 'data') expect(() => parseNewEvent({ type, data: raw.data })).toThrow(ValidationError);
          expect(polluted()).toBe(false);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('rejects wrong types for the whole event, its type, data and metadata', () => {
    fc.assert(
      fc.property(hostileValue(), fc.constantFrom('type', 'data', 'metadata', 'all'), (value, where) => {
        const raw: Record<string, unknown> = { type: 'TaskClaimed', data: SAMPLES.TaskClaimed, metadata: META };
        const input = where === 'all' ? value : { ...raw, [where]: value };
        expect(() => parseEvent(input as never)).toThrow(ValidationError);
        expect(polluted()).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('the fast path answers exactly as zod, or not at all, on near-valid events', () => {
    const mutation = fc.record({
      type: fc.constantFrom(...EVENT_TYPES),
      key: fc.string({ maxLength: 12 }),
      value: fc.oneof(fc.jsonValue(), fc.constantFrom('t-2', 'ada', '', ' ', 'Ünïcödé', '12', 1, 2, '2026-02-29T00:00:00Z', '2026-11-24T18:00:00+02:00')),
      section: fc.constantFrom<'data' | 'metadata'>('data', 'metadata'),
      reorder: fc.boolean(),
    });
    fc.assert(
      fc.property(mutation, ({ type, key, value, section, reorder }) => {
        const sample = SAMPLES[type];
        const keys = Object.keys(section === 'data' ? sample : META);
        const field = keys.includes(key) || key === '' ? keys[key.length % keys.length]! : key;
        const event = { type, data: sample, metadata: META as Record<string, unknown> };
        event[section] = withOwn(event[section], field, value);
        if (reorder) event[section] = Object.fromEntries(Object.entries(event[section]).reverse());
        const raw = viaJson(event);
        let expected: string;
        try {
          expected = JSON.stringify(parseEvent(raw));
        } catch {
          expect(fastParseEvent(raw)).toBeUndefined();
          return;
        }
        const fast = fastParseEvent(raw);
        if (fast !== undefined) expect(JSON.stringify(fast)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
