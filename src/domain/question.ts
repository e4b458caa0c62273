import { match } from 'ts-pattern';
import type { EventOf } from '../../events/index.js';
import { refuse, type Actor, type Decider } from './decider.js';

type QuestionCommandOf<T extends string, Fields = object> = { type: T; questionId: string; actor: Actor } & Fields;

export type QuestionCommand =
  | QuestionCommandOf<'pose', { text: string; tags: string[] }>
  | QuestionCommandOf<'close', { resolution?: string }>;

export type QuestionEvent = EventOf<'QuestionPosed' | 'QuestionClosed'>;

export interface QuestionState {
  status: 'unknown' | 'open' | 'closed';
}

/** Anyone may pose a question or close an open one; the rules only keep its lifecycle straight. */
export const questionDecider: Decider<QuestionCommand, QuestionEvent, QuestionState> = {
  initialState: () => ({ status: 'unknown' }),

  decide: (command, state) =>
    match<QuestionCommand, QuestionEvent[]>(command)
      .with({ type: 'pose' }, ({ questionId, text, tags, actor }) => {
        if (state.status !== 'unknown') refuse('already_exists', `question ${questionId} already exists`);
        return [{ type: 'QuestionPosed', data: { questionId, text, tags, askedBy: actor.instanceId } }];
      })
      .with({ type: 'close' }, ({ questionId, resolution, actor }) => {
        if (state.status === 'unknown') refuse('unknown_question', `unknown question ${questionId}`);
        if (state.status === 'closed') refuse('question_closed', `question ${questionId} is already closed`);
        return [{ type: 'QuestionClosed', data: { questionId, by: actor.instanceId, resolution } }];
      })
      .exhaustive(),

  evolve: (_state, event) =>
    match<QuestionEvent, QuestionState>(event)
      .with({ type: 'QuestionPosed' }, () => ({ status: 'open' }))
      .with({ type: 'QuestionClosed' }, () => ({ status: 'closed' }))
      .exhaustive(),
};
