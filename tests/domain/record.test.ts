import { describe, expect, it } from 'vitest';
import { record, recordDecider, type WriteOnceEvent } from '../../src/domain/record.js';
import { DomainError, ValidationError } from '../../src/errors.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { collect } from '../../src/store/port.js';
import { givenFor } from './given.js';

const given = givenFor(recordDecider);

const finding: WriteOnceEvent = {
  type: 'FindingRecorded',
  data: { findingId: 'f-1', by: 'ed', summary: 'Slack absorbs shocks', tags: ['resilience'], cites: [] },
};
const message: WriteOnceEvent = { type: 'MessagePosted', data: { messageId: 'm-1', from: 'ed', to: 'role:builder', body: 'see f-1' } };
const synthesis: WriteOnceEvent = {
  type: 'SynthesisPublished',
  data: { synthesisId: 's-1', by: 'rita', summary: 'Resilience is slack plus diversity', integrates: ['f-1'], tags: [] },
};

const metadata = { instanceId: 'ed', role: 'explorer', seenUpTo: 0n, at: new Date('2026-03-01T10:00:00Z') };

describe('write-once facts', () => {
  it('records a fact on a new stream', () => {
    for (const fact of [finding, message, synthesis]) given([]).when(fact).then([fact]);
  });

  it('refuses an id that is already taken, naming it', () => {
    given([finding]).when(finding).thenRefuses('already_exists', 'finding f-1 already exists');
    given([message]).when(message).thenRefuses('already_exists', 'message m-1 already exists');
    given([synthesis]).when(synthesis).thenRefuses('already_exists', 'synthesis s-1 already exists');
  });

  it('writes each fact to its own stream, and refuses a second write with the same id', async () => {
    const store = new InMemoryEventStore();
    for (const fact of [finding, message, synthesis]) {
      const { events } = await record({ store, fact, metadata });
      expect(events).toMatchObject([{ type: fact.type, revision: 0n }]);
    }
    expect((await collect(store.readAll())).map((e) => e.streamName)).toEqual(['finding-f-1', 'message-m-1', 'synthesis-s-1']);

    const again = record({ store, fact: { ...finding, data: { ...finding.data, summary: 'something else' } }, metadata });
    await expect(again).rejects.toThrow(DomainError);
    await expect(again).rejects.toMatchObject({ code: 'already_exists' });
    expect(await store.headPosition()).toBe(3n);
  });

  it('validates the fact before anything is written', async () => {
    const store = new InMemoryEventStore();
    const bad = { ...synthesis, data: { ...synthesis.data, integrates: [] } } as WriteOnceEvent;
    await expect(record({ store, fact: bad, metadata })).rejects.toThrow(ValidationError);
    await expect(record({ store, fact: bad, metadata })).rejects.toMatchObject({ issues: [{ field: 'data.integrates' }] });
    expect(await store.headPosition()).toBe(0n);
  });
});
