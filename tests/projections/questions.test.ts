import { describe, expect, it } from 'vitest';
import { fold } from '../../projections/projection.js';
import { listQuestions, questionsProjection } from '../../projections/questions.js';
import { eventLog } from './fixtures.js';

const research = () =>
  eventLog()
    .add('QuestionPosed', { questionId: 'q1', text: 'What makes systems resilient?', tags: ['resilience'], askedBy: 'r1' }, { at: '2026-01-01T09:00:00Z' })
    .add('QuestionPosed', { questionId: 'q2', text: 'Why do agents converge?', tags: [], askedBy: 'r1' })
    .add('FindingRecorded', { findingId: 'f1', by: 'e1', summary: 'redundancy', tags: [], cites: [], questionId: 'q1' })
    .add('FindingRecorded', { findingId: 'f2', by: 'b1', summary: 'toolkit', tags: [], cites: [], questionId: 'q1' })
    .add('FindingRecorded', { findingId: 'f3', by: 'b1', summary: 'unrelated', tags: [], cites: [] })
    .add('SynthesisPublished', { synthesisId: 's1', by: 'r1', summary: 'framework', integrates: ['f1', 'f2'], questionId: 'q1', tags: [] })
    .add('QuestionClosed', { questionId: 'q1', by: 'r1', resolution: 'cross-domain framework' }, { at: '2026-01-02T09:00:00Z' });

describe('questions projection', () => {
  it('records each question with the findings and syntheses recorded against it', () => {
    const { questions } = fold(questionsProjection, research().events);
    expect(questions.q1).toMatchObject({
      text: 'What makes systems resilient?',
      tags: ['resilience'],
      askedBy: 'r1',
      askedAt: '2026-01-01T09:00:00.000Z',
      position: 1n,
      findings: ['f1', 'f2'],
      syntheses: ['s1'],
    });
    expect(questions.q2).toMatchObject({ status: 'open', findings: [], syntheses: [] });
  });

  it('closes a question with its resolution', () => {
    const { questions } = fold(questionsProjection, research().events);
    expect(questions.q1).toMatchObject({ status: 'closed', closedBy: 'r1', closedAt: '2026-01-02T09:00:00.000Z', resolution: 'cross-domain framework' });
  });

  it('lists questions in the order they were posed, optionally by status', () => {
    const state = fold(questionsProjection, research().events);
    expect(listQuestions(state).map((q) => q.questionId)).toEqual(['q1', 'q2']);
    expect(listQuestions(state, { status: 'open' }).map((q) => q.questionId)).toEqual(['q2']);
  });

  it('ignores work against a question nobody posed', () => {
    const log = eventLog().add('FindingRecorded', { findingId: 'f1', by: 'e1', summary: 's', tags: [], cites: [], questionId: 'q9' });
    expect(fold(questionsProjection, log.events).questions).toEqual({});
  });
});
