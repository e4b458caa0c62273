import * as z from 'zod';
import { Id, Tag, Topic } from '../../events/index.js';
import { instanceActivity, roleActivity } from '../../projections/activity.js';
import { activityOf } from '../readstore/activity.js';
import type { FindingRecord, SynthesisRecord } from '../../projections/findings.js';
import { findingsPage, questionsPage, tasksPage } from '../readstore/queries.js';
import { logPoint } from './point.js';
import { defineOperation } from './operation.js';
import { pageRequest, paging } from './page.js';

/**
 * Queries over the read models' tables, bounded by default (page.ts). None of them writes;
 * `now` comes from the app's clock.
 */

export const tasks = defineOperation({
  name: 'tasks',
  summary: 'List tasks with owners and lease countdowns, newest first (open and claimed unless --all or --status)',
  input: () => z.strictObject({
    status: z.enum(['open', 'claimed', 'completed', 'abandoned']).optional(),
    all: z.boolean().default(false),
    owner: Id().optional(),
    ...paging(),
  }),
  writes: false,
  async run(app, input) {
    const tables = await app.tables();
    const now = app.clock();
    const { items, page } = tasksPage(tables.db, { status: input.status, all: input.all, owner: input.owner }, now, pageRequest(input, input.all));
    return { now: now.toISOString(), position: tables.watermark(), tasks: items, page };
  },
});

export const findings = defineOperation({
  name: 'findings',
  summary: 'List findings and syntheses, newest first, filtered by topic, tag, question, author or since a point',
  input: () => z.strictObject({
    topic: Topic().optional(),
    tag: Tag().optional(),
    question: Id().optional(),
    by: Id().optional(),
    since: logPoint().optional(),
    all: z.boolean().default(false),
    ...paging(),
  }),
  writes: false,
  async run(app, input) {
    const tables = await app.tables();
    const since = input.since && ('position' in input.since ? input.since.position : input.since.time);
    // A topic is a finding's: syntheses have none, so a topic asks for findings only.
    const filter = { topic: input.topic, tag: input.tag, questionId: input.question, by: input.by, since, kind: input.topic === undefined ? undefined : ('finding' as const) };
    const { items, page } = findingsPage(tables.db, filter, pageRequest(input, input.all));
    const found: FindingRecord[] = [];
    const syntheses: SynthesisRecord[] = [];
    for (const item of items) {
      if (item.kind === 'finding') found.push(item.record);
      else syntheses.push(item.record);
    }
    return { position: tables.watermark(), findings: found, syntheses, page };
  },
});

export const questions = defineOperation({
  name: 'questions',
  summary: 'List research questions, newest first, with the findings and syntheses recorded against each',
  input: () => z.strictObject({ status: z.enum(['open', 'closed']).optional(), all: z.boolean().default(false), ...paging() }),
  writes: false,
  async run(app, input) {
    const tables = await app.tables();
    const { items, page } = questionsPage(tables.db, input.status, pageRequest(input, input.all));
    return { position: tables.watermark(), questions: items, page };
  },
});

export const activity = defineOperation({
  name: 'activity',
  summary: 'What each instance and each role is doing: last seen, claims held, counts, topics',
  input: () => z.strictObject({}),
  writes: false,
  async run(app) {
    const tables = await app.tables();
    const state = activityOf(tables.db);
    const now = app.clock();
    return {
      now: now.toISOString(),
      position: tables.watermark(),
      instances: instanceActivity(state, now).map(topTopics),
      roles: roleActivity(state, now).map(topTopics),
    };
  },
});

/** Topics shown per instance and role, the most worked on first: a month of work names hundreds. */
const TOPICS_SHOWN = 10;

/** A view with its `TOPICS_SHOWN` busiest topics, and how many topics it has in all. */
function topTopics<V extends { topics: Record<string, number> }>(view: V): V & { topicsTotal: number } {
  const busiest = Object.entries(view.topics).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  return { ...view, topics: Object.assign(Object.create(null), Object.fromEntries(busiest.slice(0, TOPICS_SHOWN))), topicsTotal: busiest.length };
}
