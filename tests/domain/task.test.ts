import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../src/domain/decider.js';
import { DEFAULT_LEASE_MS, isLeaseLive, taskDecider, type TaskCommand, type TaskEvent } from '../../src/domain/task.js';
import { ValidationError } from '../../src/errors.js';
import { givenFor } from './given.js';

const given = givenFor(taskDecider);

const taskId = 't-1';
const t0 = new Date('2026-03-01T10:00:00.000Z');
const MIN = 60_000;
const at = (ms: number) => new Date(t0.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();

const alice = { instanceId: 'alice', role: 'builder' };
const bob = { instanceId: 'bob', role: 'explorer' };
const carol = { instanceId: 'carol', role: 'coordinator' };
const dave = { instanceId: 'dave', role: 'reflector' };
type Who = typeof alice;

// Commands, issued by `who` at t0 + `ms`.
const propose = (who: Who = dave, ms = 0): TaskCommand => ({ type: 'propose', taskId, now: at(ms), actor: who, title: 'Map the log', tags: ['log'] });
const claim = (who: Who, ms = 0, leaseMs?: number): TaskCommand => ({ type: 'claim', taskId, now: at(ms), actor: who, leaseMs });
const renew = (who: Who, ms = 0, leaseMs?: number): TaskCommand => ({ type: 'renew', taskId, now: at(ms), actor: who, leaseMs });
const release = (who: Who, ms = 0, reason?: string): TaskCommand => ({ type: 'release', taskId, now: at(ms), actor: who, reason });
const complete = (who: Who, ms = 0, outcome?: string): TaskCommand => ({ type: 'complete', taskId, now: at(ms), actor: who, outcome });
const abandon = (who: Who, ms = 0, reason?: string): TaskCommand => ({ type: 'abandon', taskId, now: at(ms), actor: who, reason });

// Events.
const proposed: TaskEvent = { type: 'TaskProposed', data: { taskId, title: 'Map the log', tags: ['log'], proposedBy: 'dave' } };
const claimed = (owner: string, untilMs: number): TaskEvent => ({ type: 'TaskClaimed', data: { taskId, owner, leaseUntil: iso(untilMs) } });
const renewed = (owner: string, untilMs: number): TaskEvent => ({ type: 'ClaimRenewed', data: { taskId, owner, leaseUntil: iso(untilMs) } });
const released = (owner: string, reason?: string): TaskEvent => ({ type: 'ClaimReleased', data: { taskId, owner, reason } });
const completed = (by: string, outcome?: string): TaskEvent => ({ type: 'TaskCompleted', data: { taskId, by, outcome } });
const abandoned = (by: string, reason?: string): TaskEvent => ({ type: 'TaskAbandoned', data: { taskId, by, reason } });

describe('propose', () => {
  it('proposes a new task, by the proposer', () => {
    given([]).when(propose()).then([proposed]);
  });

  it('refuses to propose a task that already exists', () => {
    given([proposed]).when(propose(alice)).thenRefuses('already_exists', 'task t-1 already exists');
  });
});

describe('claim', () => {
  it('refuses an unknown task', () => {
    given([]).when(claim(alice)).thenRefuses('unknown_task', 'unknown task t-1');
  });

  it('claims an open task for 15 minutes by default', () => {
    expect(DEFAULT_LEASE_MS).toBe(15 * MIN);
    given([proposed]).when(claim(alice, 5 * MIN)).then([claimed('alice', 20 * MIN)]);
  });

  it('claims for the lease asked for', () => {
    given([proposed]).when(claim(alice, 0, 2 * MIN)).then([claimed('alice', 2 * MIN)]);
  });

  it('refuses a task held by another instance whose lease is live, saying by whom and until when', () => {
    given([proposed, claimed('alice', 15 * MIN)])
      .when(claim(bob, 10 * MIN))
      .thenRefuses('already_claimed', 'claimed by alice until 2026-03-01T10:15:00.000Z');
  });

  it('refuses one millisecond before the lease runs out', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(claim(bob, 15 * MIN - 1)).thenRefuses('already_claimed');
  });

  it('takes over a claim whose lease ran out (at leaseUntil exactly)', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(claim(bob, 15 * MIN)).then([claimed('bob', 30 * MIN)]);
  });

  it('takes over a claim whose renewed lease ran out', () => {
    given([proposed, claimed('alice', 15 * MIN), renewed('alice', 40 * MIN)])
      .when(claim(bob, 41 * MIN))
      .then([claimed('bob', 56 * MIN)]);
  });

  it('claims a released task, even while the released lease would still run', () => {
    given([proposed, claimed('alice', 15 * MIN), released('alice')]).when(claim(bob, MIN)).then([claimed('bob', 16 * MIN)]);
  });

  it('extends the lease when the live owner claims again', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(claim(alice, 10 * MIN)).then([renewed('alice', 25 * MIN)]);
  });

  it('extends the lease when the owner claims again after its lease ran out and nobody claimed since', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(claim(alice, 60 * MIN)).then([renewed('alice', 75 * MIN)]);
  });

  it('refuses a completed or abandoned task, saying so', () => {
    given([proposed, claimed('alice', 15 * MIN), completed('alice')]).when(claim(bob)).thenRefuses('task_closed', 'task t-1 is already completed');
    given([proposed, abandoned('dave')]).when(claim(bob)).thenRefuses('task_closed', 'task t-1 is already abandoned');
  });

  it.each([0, -1, 1.5, Number.NaN, 7 * 24 * 60 * MIN + 1])('rejects a lease of %s ms as invalid input', (leaseMs) => {
    given([proposed]).when(claim(alice, 0, leaseMs)).thenThrows(ValidationError);
  });
});

describe('renew', () => {
  it('extends the live owner’s lease from now', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(renew(alice, 10 * MIN, 30 * MIN)).then([renewed('alice', 40 * MIN)]);
  });

  it('lets the owner renew a lease that just ran out, as long as nobody claimed since', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(renew(alice, 16 * MIN)).then([renewed('alice', 31 * MIN)]);
  });

  it('refuses the former owner once someone else claimed the expired task', () => {
    given([proposed, claimed('alice', 15 * MIN), claimed('bob', 31 * MIN)])
      .when(renew(alice, 17 * MIN))
      .thenRefuses('not_owner', 'cannot renew task t-1: it is claimed by bob');
  });

  it('refuses an instance that does not hold the claim', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(renew(bob)).thenRefuses('not_owner');
  });

  it('refuses a task nobody holds, including one its owner released', () => {
    given([proposed]).when(renew(alice)).thenRefuses('not_owner', 'cannot renew task t-1: it is not claimed');
    given([proposed, claimed('alice', 15 * MIN), released('alice')]).when(renew(alice)).thenRefuses('not_owner');
  });

  it('refuses unknown and closed tasks', () => {
    given([]).when(renew(alice)).thenRefuses('unknown_task');
    given([proposed, claimed('alice', 15 * MIN), completed('alice')]).when(renew(alice)).thenRefuses('task_closed');
  });
});

describe('release', () => {
  it('lets the owner release, with a reason', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(release(alice, MIN, 'blocked')).then([released('alice', 'blocked')]);
  });

  it('lets the owner release after its lease ran out', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(release(alice, 20 * MIN)).then([released('alice')]);
  });

  it('refuses anyone else, even a coordinator', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(release(bob)).thenRefuses('not_owner');
    given([proposed, claimed('alice', 15 * MIN)]).when(release(carol)).thenRefuses('not_owner');
  });

  it('refuses a task that is not claimed', () => {
    given([proposed]).when(release(alice)).thenRefuses('not_owner');
  });
});

describe('complete', () => {
  it('lets the owner complete, with an outcome', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(complete(alice, MIN, 'done')).then([completed('alice', 'done')]);
  });

  it('lets a coordinator mark a task complete whoever holds it, or nobody', () => {
    given([proposed, claimed('alice', 15 * MIN)]).when(complete(carol)).then([completed('carol')]);
    given([proposed]).when(complete(carol)).then([completed('carol')]);
  });

  it('refuses anyone else, saying who owns it', () => {
    given([proposed, claimed('alice', 15 * MIN)])
      .when(complete(bob))
      .thenRefuses('not_owner', 'task t-1 is claimed by alice: only its owner or a coordinator may complete it');
    given([proposed]).when(complete(dave)).thenRefuses('not_owner', 'task t-1 is not claimed: only its owner or a coordinator may complete it');
  });

  it('refuses to complete twice', () => {
    given([proposed, claimed('alice', 15 * MIN), completed('alice')]).when(complete(carol)).thenRefuses('task_closed', 'task t-1 is already completed');
  });
});

describe('abandon', () => {
  it('lets the owner, the proposer or a coordinator abandon', () => {
    const history = [proposed, claimed('alice', 15 * MIN)];
    given(history).when(abandon(alice, 0, 'dead end')).then([abandoned('alice', 'dead end')]);
    given(history).when(abandon(dave)).then([abandoned('dave')]);
    given(history).when(abandon(carol)).then([abandoned('carol')]);
  });

  it('refuses anyone else', () => {
    given([proposed, claimed('alice', 15 * MIN)])
      .when(abandon(bob))
      .thenRefuses('not_owner', 'task t-1 is claimed by alice: only its owner, its proposer (dave) or a coordinator may abandon it');
  });

  it('refuses unknown and closed tasks', () => {
    given([]).when(abandon(carol)).thenRefuses('unknown_task');
    given([proposed, abandoned('dave')]).when(abandon(carol)).thenRefuses('task_closed', 'task t-1 is already abandoned');
  });
});

describe('task state', () => {
  it('keeps the owner after the lease runs out; the lease decides by now', () => {
    const state = foldEvents(taskDecider, [proposed, claimed('alice', 15 * MIN)]);
    expect(state).toEqual({ status: 'claimed', title: 'Map the log', tags: ['log'], proposedBy: 'dave', owner: 'alice', leaseUntil: at(15 * MIN) });
    expect(isLeaseLive(state, at(15 * MIN - 1))).toBe(true);
    expect(isLeaseLive(state, at(15 * MIN))).toBe(false);
  });

  it('forgets the claim when it is released or the task ends', () => {
    for (const end of [released('alice'), completed('alice')]) {
      const state = foldEvents(taskDecider, [proposed, claimed('alice', 15 * MIN), end]);
      expect(state.owner).toBeUndefined();
      expect(state.leaseUntil).toBeUndefined();
    }
  });
});
