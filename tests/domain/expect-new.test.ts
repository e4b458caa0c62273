import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../src/domain/handle.js';
import { recordDecider, type WriteOnceEvent } from '../../src/domain/record.js';
import { DomainError } from '../../src/errors.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { collect } from '../../src/store/port.js';

const fact: WriteOnceEvent = { type: 'MessagePosted', data: { messageId: 'm-1', from: 'ed', to: 'all', body: 'hello' } };
const metadata = { instanceId: 'ed', role: 'explorer', seenUpTo: 0n, at: new Date('2026-03-01T10:00:00Z') };

/** expectNew skips reading a stream that should not exist yet; a wrong guess costs a retry, not a different answer. */
describe('handleCommand with expectNew', () => {
  it('appends to a new stream without reading it first', async () => {
    const store = new InMemoryEventStore();
    let reads = 0;
    const readStream = store.readStream.bind(store);
    store.readStream = (...args) => (reads++, readStream(...args));
    const { events } = await handleCommand({ store, streamName: 'message-m-1', decider: recordDecider, command: fact, metadata, expectNew: true });
    expect(events).toMatchObject([{ type: 'MessagePosted', revision: 0n }]);
    expect(reads).toBe(0);
  });

  it('decides on the real state when the stream exists, even with a single attempt', async () => {
    const store = new InMemoryEventStore();
    await handleCommand({ store, streamName: 'message-m-1', decider: recordDecider, command: fact, metadata, expectNew: true });
    const again = handleCommand({ store, streamName: 'message-m-1', decider: recordDecider, command: fact, metadata, expectNew: true, maxAttempts: 1 });
    await expect(again).rejects.toThrow(DomainError);
    await expect(again).rejects.toMatchObject({ code: 'already_exists' });
    expect(await collect(store.readAll())).toHaveLength(1);
  });
});
