import { setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import * as z from 'zod';
import { Id, type StoredEvent } from '../../events/index.js';
import { taskView } from '../../projections/tasks.js';
import { loadInstance } from '../domain/instance.js';
import { DomainError, WaitTimeoutError } from '../errors.js';
import { toStored } from '../runtime/stored.js';
import { questionWork, taskById } from '../readstore/queries.js';
import { requireIdentity } from './actor.js';
import type { App } from './app.js';
import { duration } from './duration.js';
import { defineOperation, type Caller } from './operation.js';

const waitInput = () =>
  z
    .strictObject({
      task: Id().optional(),
      state: z.enum(['open', 'claimed', 'completed', 'abandoned']).optional(),
      message: z.boolean().default(false),
      question: Id().optional(),
      findings: z.number().int().min(1).max(10_000).optional(),
      timeout: duration().default(60_000),
    })
    .superRefine((input, ctx) => {
      const kinds = [input.task !== undefined, input.message, input.question !== undefined].filter(Boolean).length;
      if (kinds !== 1) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'give exactly one of --task ID --state S, --message, or --question ID --findings N' });
      if (input.task !== undefined && input.state === undefined) ctx.addIssue({ code: 'custom', path: ['state'], message: 'is required with --task' });
      if (input.question !== undefined && input.findings === undefined) ctx.addIssue({ code: 'custom', path: ['findings'], message: 'is required with --question' });
    });
type WaitInput = z.output<ReturnType<typeof waitInput>>;

/** A condition being watched: the state it starts from, folded forward by each new event. */
interface Condition {
  describe: string;
  /** The event that made it true, once it is. */
  met(now: Date): StoredEvent | undefined;
  apply(event: StoredEvent): void;
  /** A time at which it may become true without any event (a lease running out). */
  nextDeadline(): number | undefined;
}

export interface WaitResult {
  matched: string;
  /** True when the condition already held before waiting. */
  already: boolean;
  event?: StoredEvent;
  waitedMs: number;
}

/**
 * Blocks until a condition holds: a task reaches a state, a message reaches the caller, or
 * a question has N findings. Wakes on the store's live subscription, so an append by
 * another process is seen within the store's polling interval.
 */
export const wait = defineOperation({
  name: 'wait',
  summary: 'Block until a task reaches a state, a message reaches you, or a question has N findings (--timeout)',
  input: waitInput,
  writes: false,
  async run(app, input, caller): Promise<WaitResult> {
    const started = app.clock().getTime();
    const deadline = started + input.timeout;
    const { condition, position, already } = await conditionFor(app, input, caller);
    if (already) return { matched: condition.describe, already: true, event: already, waitedMs: 0 };

    const timer = new AbortController();
    const subscription = app.store.subscribe({ after: position });
    const events = subscription[Symbol.asyncIterator]();
    try {
      let next = events.next();
      for (;;) {
        const now = app.clock();
        const hit = condition.met(now);
        if (hit) return { matched: condition.describe, already: false, event: hit, waitedMs: now.getTime() - started };
        if (now.getTime() >= deadline) throw new WaitTimeoutError(input.timeout);
        const wakeAt = Math.min(deadline, condition.nextDeadline() ?? deadline);
        const outcome = await Promise.race([
          next,
          sleep(Math.max(0, wakeAt - now.getTime()) + 1, 'timer' as const, { signal: timer.signal }).catch(() => 'timer' as const),
        ]);
        if (outcome === 'timer') continue;
        if (outcome.done) throw new WaitTimeoutError(input.timeout);
        condition.apply(toStored(outcome.value));
        next = events.next();
      }
    } finally {
      timer.abort();
      await subscription.close();
    }
  },
});

async function conditionFor(app: App, input: WaitInput, caller: Caller): Promise<{ condition: Condition; position: bigint; already?: StoredEvent }> {
  if (input.task !== undefined) return taskCondition(app, input.task, input.state!);
  if (input.question !== undefined) return questionCondition(app, input.question, input.findings!);
  return messageCondition(app, caller);
}

/**
 * What the tables hold and the position they stand at, read in one snapshot: the condition
 * starts from there and the subscription right after it, so no event is counted twice or
 * missed, and the start costs a few index rows, not a fold of the log.
 */
async function fromTables<T>(app: App, read: (db: Database.Database) => T): Promise<{ value: T; position: bigint }> {
  const tables = await app.tables();
  return tables.db.transaction(() => ({ value: read(tables.db), position: tables.watermark() }))();
}

async function taskCondition(app: App, taskId: string, wanted: string) {
  const { value: task, position } = await fromTables(app, (db) => taskById(db, taskId));
  if (!task) throw new DomainError(`unknown task ${taskId}`, 'unknown_task');
  let status: string = task.status;
  let leaseUntil = task.leaseUntil ? Date.parse(task.leaseUntil) : undefined;
  // A lease running out appends nothing: then the claim that set it is the matching event.
  let last: StoredEvent | undefined = await lastEventOf(app, `task-${taskId}`);
  const effective = (now: Date) => (status === 'claimed' && leaseUntil !== undefined && leaseUntil <= now.getTime() ? 'open' : status);
  const condition: Condition = {
    describe: `task ${taskId} is ${wanted}`,
    met: (now) => (effective(now) === wanted ? last : undefined),
    apply(event) {
      if (!('taskId' in event.data) || event.data.taskId !== taskId) return;
      last = event;
      if (event.type === 'TaskClaimed' || event.type === 'ClaimRenewed') {
        status = 'claimed';
        leaseUntil = Date.parse(event.data.leaseUntil);
      } else if (event.type === 'ClaimReleased') status = 'open';
      else if (event.type === 'TaskCompleted') status = 'completed';
      else if (event.type === 'TaskAbandoned') status = 'abandoned';
    },
    nextDeadline: () => (status === 'claimed' && wanted === 'open' ? leaseUntil : undefined),
  };
  const already = taskView(task, app.clock()).status === wanted ? await lastEventOf(app, `task-${taskId}`) : undefined;
  return { condition, position, already };
}

/** The newest event of a stream: "the matching event" when the condition already held. */
async function lastEventOf(app: App, stream: string): Promise<StoredEvent | undefined> {
  for await (const recorded of app.store.readStream(stream, { direction: 'backwards', maxCount: 1 })) return toStored(recorded);
  return undefined;
}

async function questionCondition(app: App, questionId: string, wanted: number) {
  const { value: work, position } = await fromTables(app, (db) => questionWork(db, questionId, wanted));
  if (!work) throw new DomainError(`unknown question ${questionId}`, 'unknown_question');
  let count = work.findings;
  let last: StoredEvent | undefined;
  const condition: Condition = {
    describe: `question ${questionId} has ${wanted} findings`,
    met: () => (count >= wanted ? last : undefined),
    apply(event) {
      if (event.type === 'FindingRecorded' && event.data.questionId === questionId) {
        count++;
        last = event;
      }
    },
    nextDeadline: () => undefined,
  };
  const already = work.nth === undefined ? undefined : await lastEventOf(app, `finding-${work.nth}`);
  return { condition, position, already };
}

async function messageCondition(app: App, caller: Caller) {
  const instanceId = requireIdentity(caller);
  const { state } = await loadInstance(app.store, instanceId, app.snapshots);
  if (!state.joined) throw new DomainError(`instance ${instanceId} has not joined`, 'not_joined');
  let role = state.role;
  let hit: StoredEvent | undefined;
  const condition: Condition = {
    describe: `a message reaches ${instanceId}`,
    met: () => hit,
    apply(event) {
      if (event.type === 'RoleChanged' && event.data.instanceId === instanceId) role = event.data.to;
      if (event.type !== 'MessagePosted' || hit) return;
      const { to, from } = event.data;
      if (to === instanceId || (from !== instanceId && (to === 'all' || to === `role:${role}`))) hit = event;
    },
    nextDeadline: () => undefined,
  };
  return { condition, position: await app.store.headPosition(), already: undefined };
}
