import { describe, expect, it } from 'vitest';
import { activityProjection, instanceActivity, roleActivity } from '../../projections/activity.js';
import { fold } from '../../projections/projection.js';
import { eventLog } from './fixtures.js';

const at = (minutes: number) => new Date(Date.parse('2026-01-01T10:00:00.000Z') + minutes * 60_000);

const session = () =>
  eventLog()
    .add('InstanceJoined', { instanceId: 'e1', role: 'explorer' }, { at: at(0) })
    .add('InstanceJoined', { instanceId: 'b1', role: 'builder' }, { at: at(1) })
    .add('TaskProposed', { taskId: 't1', title: 'toolkit', tags: ['Tooling', 'leases'], proposedBy: 'b1' }, { at: at(2) })
    .add('TaskClaimed', { taskId: 't1', owner: 'b1', leaseUntil: at(30).toISOString() }, { at: at(3) })
    .add('FindingRecorded', { findingId: 'f1', by: 'e1', summary: 'six patterns', topic: 'Resilience ', tags: ['resilience', 'Patterns'], cites: [] }, { at: at(10) })
    // e1's clock runs behind: a later event with an earlier time must not move lastSeen back.
    .add('InstanceSynced', { instanceId: 'e1', upTo: '5' }, { at: at(4) })
    .add('RoleChanged', { instanceId: 'e1', from: 'explorer', to: 'reflector' }, { at: at(12) })
    .add('MessagePosted', { messageId: 'm1', from: 'e1', to: 'all', body: 'hello' }, { at: at(13) });

describe('activity projection', () => {
  it('tracks each instance: current role, join time, last seen, last sync and events written per type', () => {
    const [b1, e1] = instanceActivity(fold(activityProjection, session().events), at(20));
    expect(e1).toMatchObject({
      instanceId: 'e1',
      role: 'reflector',
      joinedAt: at(0).toISOString(),
      left: false,
      lastSeen: at(13).toISOString(),
      lastSyncedUpTo: 5n,
      events: { InstanceJoined: 1, FindingRecorded: 1, InstanceSynced: 1, RoleChanged: 1, MessagePosted: 1 },
    });
    expect(b1).toMatchObject({ role: 'builder', lastSyncedUpTo: null, events: { InstanceJoined: 1, TaskProposed: 1, TaskClaimed: 1 } });
    const beforeRoleChange = fold(activityProjection, session().upTo(6n));
    expect(beforeRoleChange.instances.e1).toMatchObject({ role: 'explorer', lastSeen: at(10).toISOString() });
  });

  it('counts topics from findings (topic and tags) and from the tags of claimed tasks, case-insensitively', () => {
    const [b1, e1] = instanceActivity(fold(activityProjection, session().events), at(20));
    expect({ ...e1!.topics }).toEqual({ resilience: 2, patterns: 1 });
    expect({ ...b1!.topics }).toEqual({ tooling: 1, leases: 1 });
  });

  it('reports the claims an instance holds at `now`, dropping expired, released and taken-over ones', () => {
    const state = fold(activityProjection, session().events);
    expect(instanceActivity(state, at(20))[0]!.claims).toEqual(['t1']);
    expect(instanceActivity(state, at(30))[0]!.claims).toEqual([]);

    const takenOver = fold(
      activityProjection,
      session().add('TaskClaimed', { taskId: 't1', owner: 'e1', leaseUntil: at(90).toISOString() }, { at: at(40) }).events,
    );
    expect(instanceActivity(takenOver, at(10)).map((i) => [i.instanceId, i.claims])).toEqual([
      ['b1', []],
      ['e1', ['t1']],
    ]);
    const completed = fold(activityProjection, session().add('TaskCompleted', { taskId: 't1', by: 'b1' }).events);
    expect(instanceActivity(completed, at(10))[0]!.claims).toEqual([]);
  });

  it('forgets claims whose lease ran out a day before its holder claims again, and shows the same claims at any later `now`', () => {
    let log = session();
    // b1 claims a task every two hours for three days and never releases one.
    for (let i = 0; i < 36; i++) {
      log = log
        .add('TaskProposed', { taskId: `k${i}`, title: `chore ${i}`, tags: [], proposedBy: 'b1' }, { at: at(100 + i * 120) })
        .add('TaskClaimed', { taskId: `k${i}`, owner: 'b1', leaseUntil: at(100 + i * 120 + 90).toISOString() }, { at: at(101 + i * 120) });
    }
    const state = fold(activityProjection, log.events);
    const b1 = state.instances.b1!;
    // The last claim was made at minute 4301: what ended before minute 2861 is gone.
    expect(Object.keys(b1.claims)).toHaveLength(13);
    expect(b1.claims.k35).toBeDefined();
    expect(b1.claims.t1).toBeUndefined();
    // Every view at or after the last event shows what keeping every claim would show.
    const lastAt = 4301;
    for (const minute of [lastAt, lastAt + 30, lastAt + 89, lastAt + 90]) {
      const expected = Array.from({ length: 36 }, (_, i) => i).filter((i) => 100 + i * 120 + 90 > minute).map((i) => `k${i}`).sort();
      expect(instanceActivity(state, at(minute)).find((i) => i.instanceId === 'b1')!.claims, `at minute ${minute}`).toEqual(expected);
    }
  });

  it('marks instances that left, and clears it when they join again', () => {
    const left = session().add('InstanceLeft', { instanceId: 'b1' }, { at: at(50) });
    expect(instanceActivity(fold(activityProjection, left.events), at(60))[0]).toMatchObject({ left: true, leftAt: at(50).toISOString() });
    const back = left.add('InstanceJoined', { instanceId: 'b1', role: 'builder' }, { at: at(70) });
    expect(instanceActivity(fold(activityProjection, back.events), at(80))[0]).toMatchObject({ left: false, leftAt: null, joinedAt: at(70).toISOString() });
  });

  it('aggregates per role: work by the role it was done under, members and claims by current role', () => {
    const roles = roleActivity(fold(activityProjection, session().events), at(20));
    expect(roles.map((r) => r.role)).toEqual(['builder', 'explorer', 'reflector']);
    const [builder, explorer, reflector] = roles;
    expect(builder).toMatchObject({ instances: ['b1'], claims: ['t1'], events: { InstanceJoined: 1, TaskProposed: 1, TaskClaimed: 1 } });
    expect(explorer).toMatchObject({ instances: [], claims: [], events: { InstanceJoined: 1, FindingRecorded: 1, InstanceSynced: 1, RoleChanged: 1 } });
    expect({ ...explorer!.topics }).toEqual({ resilience: 2, patterns: 1 });
    expect(reflector).toMatchObject({ instances: ['e1'], events: { MessagePosted: 1 }, lastSeen: at(13).toISOString() });
    expect(roleActivity(fold(activityProjection, session().events), at(31))[0]!.claims).toEqual([]);
  });

  it('knows an instance that never joined by the role its events carry', () => {
    const log = eventLog().add('MessagePosted', { messageId: 'm1', from: 'x', to: 'all', body: 'hi' }, { role: 'coordinator' });
    expect(instanceActivity(fold(activityProjection, log.events), at(0))[0]).toMatchObject({ instanceId: 'x', role: 'coordinator', joinedAt: null });
  });
});
