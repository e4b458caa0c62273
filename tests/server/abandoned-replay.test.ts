import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReadStore } from '../../src/readstore/read-store.js';
import { realisticLog } from '../projections/generate.js';
import { testServer, type TestServer } from './server.js';

/**
 * A month in, a past moment costs the server a minute or two of folding. When the page that
 * asked moves on (the time slider dragged on, the tab closed), the fold stops.
 */

const EVENTS = realisticLog(3, 21_000).events; // four batches of the fold and more

describe('a replay whose reader went away', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await testServer();
    for (const e of EVENTS) await server.app.store.append(e.streamName, [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('stops folding when the request is closed, and the next reader is answered', async () => {
    const head = BigInt(EVENTS.length);
    const reader = new AbortController();
    const foldEvents = ReadStore.prototype.foldEvents;
    const batches: bigint[] = [];
    const spy = vi.spyOn(ReadStore.prototype, 'foldEvents').mockImplementation(function (this: ReadStore, events, through) {
      batches.push(through);
      if (batches.length === 1) reader.abort(); // the page moves on during the first batch
      foldEvents.call(this, events, through);
    });
    try {
      await expect(server.fetch(`/api/views?at=${head}`, { signal: reader.signal })).rejects.toThrow();
      // Reads of the past take turns: this one is answered once the abandoned one has ended.
      const next = await server.fetch('/api/views?at=10&view=tasks');
      expect(next.status).toBe(200);
      const abandoned = batches.filter((through) => through > 10n);
      expect(abandoned.length, `folded through ${abandoned.join(', ')}`).toBeLessThan(4);
      expect(abandoned.at(-1)).toBeLessThan(head);
    } finally {
      spy.mockRestore();
    }
  });
});
