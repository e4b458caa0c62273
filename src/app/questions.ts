import * as z from 'zod';
import { Id, Tags, nonEmptyText, streamName, text } from '../../events/index.js';
import { handleCommand } from '../domain/handle.js';
import { questionDecider, type QuestionCommand } from '../domain/question.js';
import { actorOf, metadataFor } from './actor.js';
import type { App } from './app.js';
import { newEntityId } from './ids.js';
import { defineOperation, type Caller } from './operation.js';

async function runQuestionCommand(app: App, caller: Caller, questionId: string, command: (actor: { instanceId: string; role: string }) => QuestionCommand) {
  const actor = await actorOf(app, caller);
  const { events, state } = await handleCommand({
    store: app.store,
    streamName: streamName('question', questionId),
    decider: questionDecider,
    command: command(actor),
    metadata: metadataFor(app, actor),
  });
  return { questionId, status: state.status, events };
}

/** The Reflector's research question: every role works on it from its own angle. */
export const ask = defineOperation({
  name: 'ask',
  summary: 'Pose a research question several roles can work on',
  input: () => z.strictObject({ text: nonEmptyText(2_000), tags: Tags().default([]), id: Id().optional() }),
  writes: true,
  run: (app, input, caller) => {
    const questionId = input.id ?? newEntityId('q');
    return runQuestionCommand(app, caller, questionId, (actor) => ({ type: 'pose', questionId, text: input.text, tags: input.tags, actor }));
  },
});

export const closeQuestion = defineOperation({
  name: 'close-question',
  summary: 'Close a research question, optionally with its resolution',
  input: () => z.strictObject({ question: Id(), resolution: text(10_000).optional() }),
  writes: true,
  run: (app, input, caller) =>
    runQuestionCommand(app, caller, input.question, (actor) => ({
      type: 'close',
      questionId: input.question,
      resolution: input.resolution,
      actor,
    })),
});
