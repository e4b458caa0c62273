import { describe, expect, it } from 'vitest';
import { CorruptEventError } from '../../src/errors.js';
import { toStored } from '../../src/runtime/stored.js';
import type { RecordedEvent } from '../../src/store/port.js';
import { uuidOf } from '../projections/fixtures.js';

const recorded = (data: Record<string, unknown>): RecordedEvent => ({
  id: uuidOf(7),
  type: 'TaskProposed',
  streamName: 'task-t1',
  revision: 0n,
  position: 7n,
  data,
  metadata: { eventId: uuidOf(7), instanceId: 'r1', role: 'reflector', at: '2026-01-01T10:00:00Z', seenUpTo: '3', schemaVersion: 1 },
});

describe('toStored', () => {
  it('parses a recorded event and keeps where it sits', () => {
    const event = toStored(recorded({ taskId: 't1', title: 'x', tags: [], proposedBy: 'r1' }));
    expect(event).toMatchObject({ type: 'TaskProposed', data: { taskId: 't1' }, streamName: 'task-t1', revision: 0n, position: 7n });
    expect(event.metadata).toMatchObject({ instanceId: 'r1', seenUpTo: '3', schemaVersion: 1 });
  });

  it('turns an event that does not parse into a CorruptEventError naming its position and field', () => {
    const bad = () => toStored(recorded({ taskId: 't1', title: '', tags: [], proposedBy: 'r1' }));
    expect(bad).toThrow(CorruptEventError);
    expect(bad).toThrow(/position 7: data\.title/);
  });
});
