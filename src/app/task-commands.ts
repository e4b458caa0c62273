import * as z from 'zod';
import { Id, Tags, nonEmptyText, streamName, text, type StoredEvent } from '../../events/index.js';
import { handleCommand } from '../domain/handle.js';
import { DEFAULT_LEASE_MS, taskDecider, type TaskCommand, type TaskState } from '../domain/task.js';
import { actorOf, metadataFor } from './actor.js';
import type { App } from './app.js';
import { duration } from './duration.js';
import { newEntityId } from './ids.js';
import { defineOperation, type Caller } from './operation.js';
import { DUPLICATE_TASK_THRESHOLD, nearDuplicateTasks } from '../signals/advise.js';
import { relatedTasks } from './signals.js';
import { activeTaskCorpus } from '../readstore/queries.js';
import { taskText } from '../signals/compare.js';

/** What every task command answers: the task's state after it, and the events it appended. */
export interface TaskCommandResult {
  taskId: string;
  status: TaskState['status'];
  owner?: string | undefined;
  leaseUntil?: string | undefined;
  events: StoredEvent[];
}

/** Runs one task command as the caller: load its instance, decide on the task stream, append. */
async function runTaskCommand(
  app: App,
  caller: Caller,
  taskId: string,
  command: (base: { taskId: string; now: Date; actor: { instanceId: string; role: string } }) => TaskCommand,
): Promise<TaskCommandResult> {
  const actor = await actorOf(app, caller);
  const metadata = metadataFor(app, actor);
  const { events, state } = await handleCommand({
    store: app.store,
    streamName: streamName('task', taskId),
    decider: taskDecider,
    command: command({ taskId, now: metadata.at, actor }),
    metadata,
  });
  return { taskId, status: state.status, owner: state.owner, leaseUntil: state.leaseUntil?.toISOString(), events };
}

const proposeInput = () =>
  z.strictObject({ title: nonEmptyText(200), description: text(10_000).optional(), tags: Tags().default([]), id: Id().optional() });

export const propose = defineOperation({
  name: 'propose',
  summary: 'Propose a task anyone may take (warns when it is a near-duplicate of an open one)',
  input: proposeInput,
  writes: true,
  async run(app, input, caller) {
    // Warn, never forbid: the proposer may know why a similar task is still worth doing.
    // Word weights come from the active tasks themselves (the tables keep their stems):
    // loading the findings' corpus would make every proposal pay for the whole convergence index.
    const { db } = await app.tables();
    const related = relatedTasks(db, input.title, app.clock());
    const corpus = activeTaskCorpus(db, related.map(taskText), input.title);
    const similar = nearDuplicateTasks(input.title, related, DUPLICATE_TASK_THRESHOLD, corpus).map(({ task, score }) => ({ taskId: task.taskId, title: task.title, status: task.status, owner: task.owner, score }));
    const result = await runTaskCommand(app, caller, input.id ?? newEntityId('t'), (base) => ({
      ...base,
      type: 'propose',
      title: input.title,
      description: input.description,
      tags: input.tags,
    }));
    return { ...result, nearDuplicates: similar };
  },
});

const taskRef = () => z.strictObject({ task: Id() });
const leaseInput = () => taskRef().extend({ lease: duration().default(DEFAULT_LEASE_MS) });

export const claim = defineOperation({
  name: 'claim',
  summary: 'Claim a task with a lease (default 15m): exactly one of several racing claimers wins',
  input: leaseInput,
  writes: true,
  run: (app, input, caller) => runTaskCommand(app, caller, input.task, (base) => ({ ...base, type: 'claim', leaseMs: input.lease })),
});

export const renew = defineOperation({
  name: 'renew',
  summary: 'Extend the lease on a task you hold',
  input: leaseInput,
  writes: true,
  run: (app, input, caller) => runTaskCommand(app, caller, input.task, (base) => ({ ...base, type: 'renew', leaseMs: input.lease })),
});

export const release = defineOperation({
  name: 'release',
  summary: 'Let go of a task you hold so that someone else may claim it',
  input: () => taskRef().extend({ reason: text(2_000).optional() }),
  writes: true,
  run: (app, input, caller) => runTaskCommand(app, caller, input.task, (base) => ({ ...base, type: 'release', reason: input.reason })),
});

export const complete = defineOperation({
  name: 'complete',
  summary: 'Mark a task done (its owner, or a coordinator when it is delivered)',
  input: () => taskRef().extend({ outcome: text(10_000).optional() }),
  writes: true,
  run: (app, input, caller) => runTaskCommand(app, caller, input.task, (base) => ({ ...base, type: 'complete', outcome: input.outcome })),
});

export const abandon = defineOperation({
  name: 'abandon',
  summary: 'Close a task that is no longer worth doing (its owner, proposer or a coordinator)',
  input: () => taskRef().extend({ reason: text(2_000).optional() }),
  writes: true,
  run: (app, input, caller) => runTaskCommand(app, caller, input.task, (base) => ({ ...base, type: 'abandon', reason: input.reason })),
});
