import { z } from 'zod';
import { Id, Tag, Topic } from '../../events/index.js';
import { instanceActivity, roleActivity, activityProjection } from '../../projections/activity.js';
import { findingsProjection, listFindings, listSyntheses } from '../../projections/findings.js';
import { listQuestions, questionsProjection } from '../../projections/questions.js';
import { taskBoard, tasksProjection, type TaskStatus } from '../../projections/tasks.js';
import { LogPoint } from './point.js';
import { defineOperation } from './operation.js';

/** Queries over the read models. None of them writes; `now` comes from the app's clock. */

export const tasks = defineOperation({
  name: 'tasks',
  summary: 'List tasks with owners and lease countdowns (open and claimed unless --all or --status)',
  input: z.strictObject({
    status: z.enum(['open', 'claimed', 'completed', 'abandoned']).optional(),
    all: z.boolean().default(false),
    owner: Id.optional(),
  }),
  writes: false,
  async run(app, input) {
    const { state, position } = await app.runtime.current(tasksProjection);
    const now = app.clock();
    const active: TaskStatus[] = ['open', 'claimed'];
    const board = taskBoard(state, now).filter(
      (t) =>
        (input.status ? t.status === input.status : input.all || active.includes(t.status)) &&
        (!input.owner || t.owner === input.owner),
    );
    return { now: now.toISOString(), position, tasks: board };
  },
});

export const findings = defineOperation({
  name: 'findings',
  summary: 'List findings and syntheses, filtered by topic, tag, question, author or since a point',
  input: z.strictObject({ topic: Topic.optional(), tag: Tag.optional(), question: Id.optional(), by: Id.optional(), since: LogPoint.optional() }),
  writes: false,
  async run(app, input) {
    const { state, position } = await app.runtime.current(findingsProjection);
    const since = input.since && ('position' in input.since ? input.since.position : input.since.time);
    const list = listFindings(state, { topic: input.topic, tag: input.tag, questionId: input.question, by: input.by, since });
    const syntheses = listSyntheses(state).filter((s) => !input.question || s.questionId === input.question);
    return { position, findings: list, syntheses };
  },
});

export const questions = defineOperation({
  name: 'questions',
  summary: 'List research questions with the findings and syntheses recorded against each',
  input: z.strictObject({ status: z.enum(['open', 'closed']).optional() }),
  writes: false,
  async run(app, input) {
    const { state, position } = await app.runtime.current(questionsProjection);
    return { position, questions: listQuestions(state, { status: input.status }) };
  },
});

export const activity = defineOperation({
  name: 'activity',
  summary: 'What each instance and each role is doing: last seen, claims held, counts, topics',
  input: z.strictObject({}),
  writes: false,
  async run(app) {
    const { state, position } = await app.runtime.current(activityProjection);
    const now = app.clock();
    return { now: now.toISOString(), position, instances: instanceActivity(state, now), roles: roleActivity(state, now) };
  },
});
