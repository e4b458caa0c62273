import { describe, expect, it } from 'vitest';
import { fold } from '../../projections/projection.js';
import { claimsHeldBy, openTasks, staleLeases, taskBoard, tasksProjection } from '../../projections/tasks.js';
import { eventLog } from './fixtures.js';

const T0 = '2026-01-01T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000);

const claimed = () =>
  eventLog()
    .add('TaskProposed', { taskId: 't1', title: 'Map resilience patterns', description: 'six domains', tags: ['resilience'], proposedBy: 'r1' }, { at: at(0) })
    .add('TaskClaimed', { taskId: 't1', owner: 'e1', leaseUntil: at(30).toISOString() }, { at: at(1) });

describe('tasks projection', () => {
  it('records a proposal as an open task, with its time from the event metadata', () => {
    const log = eventLog().add('TaskProposed', { taskId: 't1', title: 'Map patterns', tags: ['a', 'b'], proposedBy: 'r1' }, { at: at(0) });
    expect(fold(tasksProjection, log.events).tasks.t1).toMatchObject({
      taskId: 't1',
      title: 'Map patterns',
      description: null,
      tags: ['a', 'b'],
      proposedBy: 'r1',
      proposedAt: T0,
      status: 'open',
      owner: null,
      claims: 0,
      position: 1n,
    });
  });

  it('records a claim with its owner, lease, claim time and the position of the change', () => {
    const task = fold(tasksProjection, claimed().events).tasks.t1!;
    expect(task).toMatchObject({ status: 'claimed', owner: 'e1', lastOwner: 'e1', leaseUntil: at(30).toISOString(), claimedAt: at(1).toISOString(), claims: 1, position: 2n });
  });

  it('shows a live claim as claimed with the lease time remaining', () => {
    const [view] = taskBoard(fold(tasksProjection, claimed().events), at(10));
    expect(view).toMatchObject({ status: 'claimed', owner: 'e1', stale: false, leaseRemainingMs: 20 * 60_000 });
  });

  it('shows a claim whose lease ran out as open and stale, naming the last owner', () => {
    const state = fold(tasksProjection, claimed().events);
    for (const now of [at(30), at(45)]) {
      const [view] = taskBoard(state, now);
      expect(view).toMatchObject({ status: 'open', owner: null, lastOwner: 'e1', stale: true });
      expect(view!.leaseRemainingMs).toBeLessThanOrEqual(0);
      expect(staleLeases(state, now).map((t) => t.taskId)).toEqual(['t1']);
      expect(openTasks(state, now).map((t) => t.taskId)).toEqual(['t1']);
      expect(claimsHeldBy(state, 'e1', now)).toEqual([]);
    }
    expect(claimsHeldBy(state, 'e1', at(29)).map((t) => t.taskId)).toEqual(['t1']);
    expect(staleLeases(state, at(29))).toEqual([]);
  });

  it('never changes the state when queried', () => {
    const state = fold(tasksProjection, claimed().events);
    const before = structuredClone(state);
    taskBoard(state, at(100));
    staleLeases(state, at(100));
    expect(state).toEqual(before);
    expect(state.tasks.t1!.status).toBe('claimed');
  });

  it('extends the lease on renewal', () => {
    const log = claimed().add('ClaimRenewed', { taskId: 't1', owner: 'e1', leaseUntil: at(60).toISOString() }, { at: at(25) });
    const [view] = taskBoard(fold(tasksProjection, log.events), at(45));
    expect(view).toMatchObject({ status: 'claimed', owner: 'e1', stale: false, leaseRemainingMs: 15 * 60_000, claims: 1 });
  });

  it('reopens a released task and keeps who held it last', () => {
    const log = claimed().add('ClaimReleased', { taskId: 't1', owner: 'e1', reason: 'blocked' }, { at: at(5) });
    const task = fold(tasksProjection, log.events).tasks.t1!;
    expect(task).toMatchObject({ status: 'open', owner: null, leaseUntil: null, claimedAt: null, lastOwner: 'e1', position: 3n, updatedAt: at(5).toISOString() });
    expect(openTasks(fold(tasksProjection, log.events), at(6)).map((t) => t.stale)).toEqual([false]);
  });

  it('counts a takeover of an expired claim as a second claim by the new owner', () => {
    const log = claimed().add('TaskClaimed', { taskId: 't1', owner: 'b1', leaseUntil: at(90).toISOString() }, { at: at(40) });
    const state = fold(tasksProjection, log.events);
    expect(state.tasks.t1).toMatchObject({ owner: 'b1', lastOwner: 'b1', claims: 2, claimedAt: at(40).toISOString() });
    expect(claimsHeldBy(state, 'b1', at(50)).map((t) => t.taskId)).toEqual(['t1']);
  });

  it('ends a task on completion or abandonment, whatever the lease said', () => {
    const done = fold(tasksProjection, claimed().add('TaskCompleted', { taskId: 't1', by: 'e1', outcome: 'six patterns' }).events);
    expect(done.tasks.t1).toMatchObject({ status: 'completed', completedBy: 'e1', outcome: 'six patterns', owner: null, leaseUntil: null, lastOwner: 'e1' });
    expect(taskBoard(done, at(100))[0]).toMatchObject({ status: 'completed', stale: false, leaseRemainingMs: null });

    const dropped = fold(tasksProjection, claimed().add('TaskAbandoned', { taskId: 't1', by: 'e1', reason: 'dead end' }).events);
    expect(dropped.tasks.t1).toMatchObject({ status: 'abandoned', abandonedBy: 'e1', abandonReason: 'dead end', completedBy: null });
    expect(openTasks(dropped, at(100))).toEqual([]);
  });

  it('lists tasks in the order they were proposed, even with numeric ids', () => {
    const log = eventLog()
      .add('TaskProposed', { taskId: 'zeta', title: 'z', tags: [], proposedBy: 'a' })
      .add('TaskProposed', { taskId: '10', title: 'ten', tags: [], proposedBy: 'a' })
      .add('TaskProposed', { taskId: '2', title: 'two', tags: [], proposedBy: 'a' });
    expect(taskBoard(fold(tasksProjection, log.events), at(0)).map((t) => t.taskId)).toEqual(['zeta', '10', '2']);
  });

  it('treats ids that name Object.prototype members as ordinary ids', () => {
    const log = eventLog()
      .add('TaskClaimed', { taskId: 'constructor', owner: 'e1', leaseUntil: at(30).toISOString() })
      .add('TaskProposed', { taskId: 'toString', title: 'odd id', tags: [], proposedBy: 'a' });
    const state = fold(tasksProjection, log.events);
    expect(Object.keys(state.tasks)).toEqual(['toString']);
    expect(taskBoard(state, at(0)).map((t) => t.taskId)).toEqual(['toString']);
  });
});
