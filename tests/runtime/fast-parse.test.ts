import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../events/index.js';
import { fastParseCompiled, fastParseEvent } from '../../src/runtime/fast-parse.js';
import { realisticLog } from '../projections/generate.js';

/** The replay fast path must give what parseEvent gives; tests/fuzz covers what it must refuse. */
describe('fastParseEvent', () => {
  it('understands every event schema (otherwise replay silently loses its fast path)', () => {
    expect(fastParseCompiled()).toBe(true);
  });

  it('returns exactly what parseEvent returns for every event of a realistic log', () => {
    for (const event of realisticLog(3, 3_000).events) {
      const raw = JSON.parse(JSON.stringify({ type: event.type, data: event.data, metadata: event.metadata }));
      const fast = fastParseEvent(raw);
      expect(fast).toBeDefined();
      expect(JSON.stringify(fast)).toBe(JSON.stringify(parseEvent(raw)));
    }
  });

  it('leaves older schema versions to parseEvent and its upcasters', () => {
    const [event] = realisticLog(3, 1).events;
    const raw = JSON.parse(JSON.stringify({ type: event!.type, data: event!.data, metadata: { ...event!.metadata, schemaVersion: 0 } }));
    expect(fastParseEvent(raw)).toBeUndefined();
  });
});
