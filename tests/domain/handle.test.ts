import { describe, expect, it } from 'vitest';
import type { Decider } from '../../src/domain/decider.js';
import { handleCommand, type CommandMetadata } from '../../src/domain/handle.js';
import { instanceDecider, type InstanceEvent } from '../../src/domain/instance.js';
import { taskDecider, type TaskCommand } from '../../src/domain/task.js';
import { DomainError, StoreUnavailableError, ValidationError, WrongExpectedRevisionError } from '../../src/errors.js';
import { InMemoryEventStore } from '../../src/store/memory.js';
import { collect, type AppendOptions, type AppendResult, type EventToAppend } from '../../src/store/port.js';

const now = new Date('2026-03-01T10:00:00.000Z');
const metadataOf = (instanceId: string, role = 'builder', seenUpTo = 0n): CommandMetadata => ({ instanceId, role, seenUpTo, at: now });
const actorOf = (m: CommandMetadata) => ({ instanceId: m.instanceId, role: m.role });

/** An in-memory store that counts appends refused for a stale expected revision. */
class CountingStore extends InMemoryEventStore {
  appends = 0;
  conflicts = 0;
  override async append(streamName: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult> {
    this.appends++;
    try {
      return await super.append(streamName, events, options);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) this.conflicts++;
      throw error;
    }
  }
}

/** Once armed, holds the next `n` appends until all `n` have arrived: every racer has read the same revision. */
class RacingStore extends CountingStore {
  private waiting = 0;
  private allArrived: Promise<void> = Promise.resolve();
  private release = () => {};
  race(racers: number): this {
    this.waiting = racers;
    this.allArrived = new Promise((resolve) => (this.release = resolve));
    return this;
  }
  override async append(streamName: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult> {
    if (this.waiting > 0) {
      if (--this.waiting === 0) this.release();
      await this.allArrived;
    }
    return super.append(streamName, events, options);
  }
}

function task(store: InMemoryEventStore, command: TaskCommand, metadata = metadataOf(command.actor.instanceId, command.actor.role)) {
  return handleCommand({ store, streamName: `task-${command.taskId}`, decider: taskDecider, command, metadata });
}
const propose = (store: InMemoryEventStore, taskId = 't-1') => {
  const m = metadataOf('dave', 'reflector');
  return task(store, { type: 'propose', taskId, title: 'Map the log', tags: [], now, actor: actorOf(m) }, m);
};
const claimBy = (store: InMemoryEventStore, instanceId: string, taskId = 't-1') => {
  const m = metadataOf(instanceId);
  return task(store, { type: 'claim', taskId, now, actor: actorOf(m) }, m);
};

describe('handleCommand', () => {
  it('appends the decided events with the writer’s metadata and returns where they landed', async () => {
    const store = new InMemoryEventStore();
    const ids = ['00000000-0000-4000-8000-000000000001'];
    const result = await handleCommand({
      store,
      streamName: 'task-t-1',
      decider: taskDecider,
      command: { type: 'propose', taskId: 't-1', title: 'Map the log', tags: ['log'], now, actor: { instanceId: 'dave', role: 'reflector' } },
      metadata: { ...metadataOf('dave', 'reflector', 17n), causationId: 'cmd-1' },
      newEventId: () => ids.shift()!,
    });

    const metadata = {
      eventId: '00000000-0000-4000-8000-000000000001',
      instanceId: 'dave',
      role: 'reflector',
      at: '2026-03-01T10:00:00.000Z',
      seenUpTo: '17',
      causationId: 'cmd-1',
      schemaVersion: 1,
    };
    const data = { taskId: 't-1', title: 'Map the log', tags: ['log'], proposedBy: 'dave' };
    expect(result.events).toStrictEqual([{ type: 'TaskProposed', data, metadata, streamName: 'task-t-1', revision: 0n, position: 1n }]);
    expect(result.state).toMatchObject({ status: 'open', proposedBy: 'dave' });
    expect(result.nextExpectedRevision).toBe(0n);

    // Absent optional fields are absent in the log, not `undefined`.
    const [stored] = await collect(store.readStream('task-t-1'));
    expect(stored).toStrictEqual({ id: metadata.eventId, type: 'TaskProposed', streamName: 'task-t-1', revision: 0n, position: 1n, data, metadata });
  });

  it('appends at the revision it read', async () => {
    const store = new InMemoryEventStore();
    await propose(store, 't-0');
    await propose(store);
    const { events, nextExpectedRevision } = await claimBy(store, 'alice');
    expect(events).toMatchObject([{ type: 'TaskClaimed', revision: 1n, position: 3n }]);
    expect(nextExpectedRevision).toBe(1n);
  });

  it('rejects invalid events, naming the field, and appends nothing', async () => {
    const store = new InMemoryEventStore();
    const command: TaskCommand = { type: 'propose', taskId: 't-1', title: '  ', tags: ['not a tag'], now, actor: { instanceId: 'dave', role: 'reflector' } };
    const attempt = task(store, command);
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(task(store, command)).rejects.toMatchObject({ issues: [{ field: 'data.title' }, { field: 'data.tags.0' }] });
    expect(await store.headPosition()).toBe(0n);
  });

  it('rejects invalid metadata, naming the field, and appends nothing', async () => {
    const store = new InMemoryEventStore();
    const attempt = handleCommand({
      store,
      streamName: 'instance-alice',
      decider: instanceDecider,
      command: { type: 'join', instanceId: 'alice', role: 'explorer' },
      metadata: metadataOf('alice', 'Not A Role'),
    });
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', issues: [{ field: 'metadata.role' }] });
    expect(await store.headPosition()).toBe(0n);
  });

  it('refuses an event meant for another stream', async () => {
    const store = new InMemoryEventStore();
    const attempt = handleCommand({
      store,
      streamName: 'instance-bob',
      decider: instanceDecider,
      command: { type: 'join', instanceId: 'alice', role: 'explorer' },
      metadata: metadataOf('alice'),
    });
    await expect(attempt).rejects.toThrow('InstanceJoined belongs to stream instance-alice, not instance-bob');
    expect(await store.headPosition()).toBe(0n);
  });

  it('appends nothing for an empty decision: joining twice with the same role is idempotent', async () => {
    const store = new InMemoryEventStore();
    const join = () =>
      handleCommand({
        store,
        streamName: 'instance-alice',
        decider: instanceDecider,
        command: { type: 'join', instanceId: 'alice', role: 'explorer' },
        metadata: metadataOf('alice', 'explorer'),
      });
    expect((await join()).events).toHaveLength(1);
    const again = await join();
    expect(again.events).toEqual([]);
    expect(again.nextExpectedRevision).toBe(0n);
    expect(again.state).toMatchObject({ joined: true, role: 'explorer' });
    expect(await store.headPosition()).toBe(1n);
  });

  it('appends nothing when the domain refuses', async () => {
    const store = new InMemoryEventStore();
    await expect(claimBy(store, 'alice')).rejects.toMatchObject({ name: 'DomainError', code: 'unknown_task' });
    expect(await store.headPosition()).toBe(0n);
  });

  it('locates every event of a multi-event batch', async () => {
    const store = new InMemoryEventStore();
    await propose(store); // position 1, so that positions differ from revisions
    const catchUp: Decider<{ upTo: bigint }, InstanceEvent, null> = {
      initialState: () => null,
      evolve: (state) => state,
      decide: ({ upTo }) => [
        { type: 'InstanceJoined', data: { instanceId: 'alice', role: 'explorer' } },
        { type: 'InstanceSynced', data: { instanceId: 'alice', upTo: String(upTo) } },
        { type: 'InboxRead', data: { instanceId: 'alice', upTo: String(upTo) } },
      ],
    };
    const { events, nextExpectedRevision } = await handleCommand({
      store,
      streamName: 'instance-alice',
      decider: catchUp,
      command: { upTo: 1n },
      metadata: metadataOf('alice', 'explorer'),
    });
    expect(events.map((e) => [e.type, e.revision, e.position])).toEqual([
      ['InstanceJoined', 0n, 2n],
      ['InstanceSynced', 1n, 3n],
      ['InboxRead', 2n, 4n],
    ]);
    expect(nextExpectedRevision).toBe(2n);
  });

  it('of 20 racing claimers exactly one wins; the others are re-decided and refused', async () => {
    const store = new RacingStore();
    await propose(store);
    store.race(20);
    const claimers = Array.from({ length: 20 }, (_, i) => `agent-${i}`);

    const outcomes = await Promise.allSettled(claimers.map((id) => claimBy(store, id)));

    const winners = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value.events : []));
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ type: 'TaskClaimed', revision: 1n });
    const owner = (winners[0]!.data as { owner: string }).owner;
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(refusals).toHaveLength(19);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal).toMatchObject({ code: 'already_claimed', message: `claimed by ${owner} until 2026-03-01T10:15:00.000Z` });
    }
    // Every loser read revision 0, lost the append, re-read and was refused on the new state.
    expect(store.conflicts).toBe(19);
    expect((await collect(store.readStream('task-t-1'))).map((e) => e.type)).toEqual(['TaskProposed', 'TaskClaimed']);
  });

  it('of two instances proposing the same task id, one wins and the other is told it exists', async () => {
    const store = new RacingStore().race(2);
    const outcomes = await Promise.allSettled([propose(store), propose(store)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'already_exists' } });
    expect(store.conflicts).toBe(1);
  });

  it('gives up after maxAttempts when the stream keeps changing, with the last conflict', async () => {
    const store = new CountingStore();
    store.append = async (streamName) => {
      store.appends++;
      throw new WrongExpectedRevisionError(streamName, 'no stream', '0');
    };
    const attempt = handleCommand({
      store,
      streamName: 'instance-alice',
      decider: instanceDecider,
      command: { type: 'join', instanceId: 'alice', role: 'explorer' },
      metadata: metadataOf('alice', 'explorer'),
      maxAttempts: 3,
    });
    await expect(attempt).rejects.toThrow(WrongExpectedRevisionError);
    expect(store.appends).toBe(3);
  });

  it('does not retry other store failures', async () => {
    const store = new CountingStore();
    store.append = async () => {
      store.appends++;
      throw new StoreUnavailableError('disk gone');
    };
    await expect(propose(store)).rejects.toThrow(StoreUnavailableError);
    expect(store.appends).toBe(1);
  });
});
