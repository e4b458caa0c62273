import { describe, expect, it } from 'vitest';
import { findingsProjection, listFindings, listSyntheses } from '../../projections/findings.js';
import { fold } from '../../projections/projection.js';
import { eventLog } from './fixtures.js';

const work = () =>
  eventLog({ start: '2026-01-01T10:00:00Z' })
    .add('InstanceJoined', { instanceId: 'e1', role: 'explorer' })
    .add('InstanceJoined', { instanceId: 'b1', role: 'builder' })
    .add('FindingRecorded', { findingId: 'f1', by: 'e1', summary: 'discontinuity enables individuality', topic: 'Coordination paradox', tags: ['tachikoma'], cites: [] }, { seenUpTo: 2n })
    .add('FindingRecorded', { findingId: 'f2', by: 'b1', summary: 'independence validated', topic: 'coordination paradox', tags: ['Collision'], cites: [], questionId: 'q1' })
    .add('FindingRecorded', { findingId: 'f3', by: 'e1', summary: 'six patterns', tags: ['resilience'], cites: ['f1', 'f2'], embedding: { model: 'm', vector: [1, 2] } })
    .add('SynthesisPublished', { synthesisId: 's1', by: 'r1', summary: 'selective coordination', integrates: ['f1', 'f2'], tags: [] }, { role: 'reflector' });

describe('findings projection', () => {
  it('records each finding with its author, role, place in the log and what its author had seen', () => {
    const { findings } = fold(findingsProjection, work().events);
    expect(findings.f1).toEqual({
      findingId: 'f1',
      by: 'e1',
      role: 'explorer',
      summary: 'discontinuity enables individuality',
      topic: 'Coordination paradox',
      tags: ['tachikoma'],
      cites: [],
      questionId: null,
      at: '2026-01-01T10:02:00.000Z',
      position: 3n,
      seenUpTo: 2n,
    });
    expect(findings.f2).toMatchObject({ role: 'builder', questionId: 'q1', seenUpTo: 0n });
    expect(findings.f3).not.toHaveProperty('embedding');
  });

  it('records syntheses with the findings they integrate', () => {
    const state = fold(findingsProjection, work().events);
    expect(listSyntheses(state)).toEqual([
      { synthesisId: 's1', by: 'r1', summary: 'selective coordination', integrates: ['f1', 'f2'], questionId: null, tags: [], at: '2026-01-01T10:05:00.000Z', position: 6n },
    ]);
  });

  it('filters findings by topic, tag, question, author and since, in log order', () => {
    const state = fold(findingsProjection, work().events);
    const ids = (filter: Parameters<typeof listFindings>[1]) => listFindings(state, filter).map((f) => f.findingId);
    expect(ids({})).toEqual(['f1', 'f2', 'f3']);
    expect(ids({ topic: 'COORDINATION PARADOX ' })).toEqual(['f1', 'f2']);
    expect(ids({ tag: 'collision' })).toEqual(['f2']);
    expect(ids({ questionId: 'q1' })).toEqual(['f2']);
    expect(ids({ by: 'e1' })).toEqual(['f1', 'f3']);
    expect(ids({ since: 3n })).toEqual(['f2', 'f3']);
    expect(ids({ since: new Date('2026-01-01T10:03:00Z') })).toEqual(['f2', 'f3']);
    expect(ids({ by: 'e1', tag: 'resilience' })).toEqual(['f3']);
  });
});
