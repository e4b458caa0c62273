import { describe, it } from 'vitest';
import { questionDecider, type QuestionCommand, type QuestionEvent } from '../../src/domain/question.js';
import { givenFor } from './given.js';

const given = givenFor(questionDecider);
const questionId = 'q-1';
const reflector = { instanceId: 'rita', role: 'reflector' };
const explorer = { instanceId: 'ed', role: 'explorer' };

const pose: QuestionCommand = { type: 'pose', questionId, text: 'What makes a team resilient?', tags: ['resilience'], actor: reflector };
const close = (resolution?: string): QuestionCommand => ({ type: 'close', questionId, resolution, actor: explorer });

const posed: QuestionEvent = { type: 'QuestionPosed', data: { questionId, text: 'What makes a team resilient?', tags: ['resilience'], askedBy: 'rita' } };
const closed = (resolution?: string): QuestionEvent => ({ type: 'QuestionClosed', data: { questionId, by: 'ed', resolution } });

describe('question', () => {
  it('poses a question, asked by the actor', () => {
    given([]).when(pose).then([posed]);
  });

  it('refuses to pose a question id twice', () => {
    given([posed]).when(pose).thenRefuses('already_exists', 'question q-1 already exists');
  });

  it('closes an open question, with a resolution', () => {
    given([posed]).when(close('redundancy and slack')).then([closed('redundancy and slack')]);
  });

  it('refuses to close an unknown or closed question', () => {
    given([]).when(close()).thenRefuses('unknown_question', 'unknown question q-1');
    given([posed, closed()]).when(close()).thenRefuses('question_closed', 'question q-1 is already closed');
  });
});
