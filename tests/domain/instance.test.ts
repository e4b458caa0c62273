import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../src/domain/handle.js';
import { instanceDecider, loadInstance, type InstanceCommand, type InstanceEvent } from '../../src/domain/instance.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { givenFor } from './given.js';

const given = givenFor(instanceDecider);
const instanceId = 'alice';

const join = (role: string, description?: string): InstanceCommand => ({ type: 'join', instanceId, role, description });
const changeRole = (role: string): InstanceCommand => ({ type: 'changeRole', instanceId, role });
const leave = (reason?: string): InstanceCommand => ({ type: 'leave', instanceId, reason });
const sync = (upTo: bigint): InstanceCommand => ({ type: 'sync', instanceId, upTo });
const markRead = (upTo: bigint): InstanceCommand => ({ type: 'markRead', instanceId, upTo });

const joined = (role: string, description?: string): InstanceEvent => ({ type: 'InstanceJoined', data: { instanceId, role, description } });
const roleChanged = (from: string, to: string): InstanceEvent => ({ type: 'RoleChanged', data: { instanceId, from, to } });
const left = (reason?: string): InstanceEvent => ({ type: 'InstanceLeft', data: { instanceId, reason } });
const synced = (upTo: string): InstanceEvent => ({ type: 'InstanceSynced', data: { instanceId, upTo } });
const read = (upTo: string): InstanceEvent => ({ type: 'InboxRead', data: { instanceId, upTo } });

describe('join', () => {
  it('joins with a role', () => {
    given([]).when(join('explorer', 'patterns')).then([joined('explorer', 'patterns')]);
  });

  it('is idempotent: joining again with the same role appends nothing', () => {
    given([joined('explorer')]).when(join('explorer')).thenNothing();
  });

  it('joining again with another role is a role change', () => {
    given([joined('explorer')]).when(join('builder')).then([roleChanged('explorer', 'builder')]);
  });

  it('joins again after leaving', () => {
    given([joined('explorer'), left()]).when(join('explorer')).then([joined('explorer')]);
  });
});

describe('changeRole', () => {
  it('changes the role of a present instance, and is a no-op for the same role', () => {
    given([joined('explorer')]).when(changeRole('reflector')).then([roleChanged('explorer', 'reflector')]);
    given([joined('explorer'), roleChanged('explorer', 'reflector')]).when(changeRole('reflector')).thenNothing();
  });

  it('refuses an instance that has not joined or has left', () => {
    given([]).when(changeRole('builder')).thenRefuses('not_joined', 'instance alice has not joined');
    given([joined('explorer'), left()]).when(changeRole('builder')).thenRefuses('not_joined', 'instance alice has not joined (it left)');
  });
});

describe('leave', () => {
  it('leaves, once', () => {
    given([joined('explorer')]).when(leave('done for today')).then([left('done for today')]);
    given([joined('explorer'), left()]).when(leave()).thenNothing();
  });

  it('refuses an instance that never joined', () => {
    given([]).when(leave()).thenRefuses('not_joined');
  });
});

describe('sync and markRead', () => {
  it('move their cursor forward, written as a decimal string', () => {
    given([joined('explorer')]).when(sync(42n)).then([synced('42')]);
    given([joined('explorer')]).when(markRead(7n)).then([read('7')]);
  });

  it('append nothing when the position is not ahead of the cursor', () => {
    given([joined('explorer'), synced('42')]).when(sync(42n)).thenNothing();
    given([joined('explorer'), synced('42')]).when(sync(10n)).thenNothing();
    given([joined('explorer'), read('7')]).when(markRead(3n)).thenNothing();
    given([joined('explorer')]).when(sync(0n)).thenNothing();
  });

  it('are independent cursors', () => {
    given([joined('explorer'), synced('42')]).when(markRead(5n)).then([read('5')]);
  });

  it('refuse an instance that is not present', () => {
    given([]).when(sync(1n)).thenRefuses('not_joined');
    given([joined('explorer'), left()]).when(markRead(1n)).thenRefuses('not_joined');
  });
});

describe('loadInstance', () => {
  it('reads the instance stream into bigint cursors, with its revision', async () => {
    const store = new InMemoryEventStore();
    const run = (command: InstanceCommand) =>
      handleCommand({
        store,
        streamName: 'instance-alice',
        decider: instanceDecider,
        command,
        metadata: { instanceId, role: 'explorer', seenUpTo: 0n, at: new Date('2026-03-01T10:00:00Z') },
      });
    expect(await loadInstance(store, instanceId)).toEqual({ state: instanceDecider.initialState(), revision: undefined });

    await run(join('explorer'));
    await run(sync(12345678901234567890n));
    await run(markRead(3n));
    await run(join('builder'));

    expect(await loadInstance(store, instanceId)).toEqual({
      state: { joined: true, left: false, role: 'builder', lastSyncedUpTo: 12345678901234567890n, inboxCursor: 3n },
      revision: 3n,
    });
  });
});
