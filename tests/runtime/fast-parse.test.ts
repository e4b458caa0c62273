import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, EventMetadata, parseEvent, parseNewEvent } from '../../events/index.js';
import { fastParseEvent, fastParseMetadata, fastParseNewEvent } from '../../src/runtime/fast-parse.js';
import { DATA, METADATA } from '../../src/runtime/validate/events.generated.js';
import { realisticLog } from '../projections/generate.js';

/** The replay fast path must give what parseEvent gives; tests/fuzz covers what it must refuse. */
describe('fastParseEvent', () => {
  it('has a generated validator for every event type and for the metadata (otherwise that type silently loses its fast path)', () => {
    expect(METADATA).toBeDefined();
    expect(Object.keys(DATA).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('returns exactly what parseEvent returns for every event of a realistic log', () => {
    for (const event of realisticLog(3, 3_000).events) {
      const raw = JSON.parse(JSON.stringify({ type: event.type, data: event.data, metadata: event.metadata }));
      const fast = fastParseEvent(raw);
      expect(fast).toBeDefined();
      expect(JSON.stringify(fast)).toBe(JSON.stringify(parseEvent(raw)));
    }
  });

  it('returns exactly what parseNewEvent and the metadata schema return for the events a command appends', () => {
    for (const event of realisticLog(5, 2_000).events) {
      const written = JSON.parse(JSON.stringify({ type: event.type, data: event.data }));
      const fast = fastParseNewEvent(written);
      expect(fast, event.type).toBeDefined();
      expect(JSON.stringify(fast)).toBe(JSON.stringify(parseNewEvent(written)));
      const metadata = JSON.parse(JSON.stringify(event.metadata));
      expect(JSON.stringify(fastParseMetadata(metadata))).toBe(JSON.stringify(EventMetadata().parse(metadata)));
    }
    // Not sure, so zod decides: an unknown type, bad data, bad metadata.
    expect(fastParseNewEvent({ type: 'NoSuchEvent', data: {} })).toBeUndefined();
    expect(fastParseNewEvent({ type: 'TaskClaimed', data: { taskId: 't-1', owner: 'all', leaseUntil: '2026-01-01T00:00:00Z' } })).toBeUndefined();
    expect(fastParseNewEvent({ type: 'constructor', data: {} })).toBeUndefined();
    expect(fastParseMetadata({ eventId: 'not a uuid' })).toBeUndefined();
  });

  it('answers as zod does when optional keys are missing, keys come in another order, or a key is unknown', () => {
    const finding = realisticLog(3, 3_000).events.find((e) => e.type === 'FindingRecorded' && 'topic' in e.data && e.data.questionId === undefined)!;
    const base = JSON.parse(JSON.stringify({ type: finding.type, data: finding.data, metadata: finding.metadata }));
    const { findingId, by, summary, topic, tags, cites } = base.data;
    const variants = {
      'optional questionId and embedding left out': { findingId, by, summary, topic, tags, cites },
      'optional topic left out in the middle': { findingId, by, summary, tags, cites },
      'keys in reverse order': Object.fromEntries(Object.entries(base.data).reverse()),
      'an unknown key (strict: refused)': { ...base.data, extra: 1 },
      'a required key missing': { findingId, by, topic, tags, cites },
      'an unknown key in place of an optional one': { findingId, by, summary, colour: 'red', tags, cites },
      // The embedding's keys reordered make zod answer with a copy of it; the unknown key after it must still be refused.
      'a nested object to copy, then an unknown key': { findingId, by, summary, tags, cites, embedding: { vector: [0.5, 0.5], model: 'm' }, extra: 1 },
      'a nested object to copy': { findingId, by, summary, tags, cites, embedding: { vector: [0.5, 0.5], model: 'm' } },
    };
    for (const [name, data] of Object.entries(variants)) {
      const raw = { ...base, data };
      let zod: unknown;
      try {
        zod = parseEvent(raw);
      } catch {
        zod = undefined;
      }
      const fast = fastParseEvent(raw);
      // Where the fast path is not sure it answers undefined; where it answers, it is zod's answer.
      if (fast !== undefined) expect(JSON.stringify(fast), name).toBe(JSON.stringify(zod));
      if (zod === undefined) expect(fast, name).toBeUndefined();
    }
    // The two shapes every event cairn wrote has take the fast path and return the input itself.
    expect(fastParseEvent({ ...base, data: variants['optional topic left out in the middle'] })?.data).toBe(variants['optional topic left out in the middle']);
    expect(fastParseEvent({ ...base, data: variants['keys in reverse order'] })?.data).toEqual(base.data);
  });

  it('leaves older schema versions to parseEvent and its upcasters', () => {
    const [event] = realisticLog(3, 1).events;
    const raw = JSON.parse(JSON.stringify({ type: event!.type, data: event!.data, metadata: { ...event!.metadata, schemaVersion: 0 } }));
    expect(fastParseEvent(raw)).toBeUndefined();
  });
});
