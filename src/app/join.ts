import * as z from 'zod';
import { Role, text, streamName } from '../../events/index.js';
import { handleCommand } from '../domain/handle.js';
import { instanceDecider, loadInstance } from '../domain/instance.js';
import { requireIdentity } from './actor.js';
import { defineOperation } from './operation.js';

const joinInput = () => z.strictObject({ role: Role(), description: text(500).optional() });

/** Joining is idempotent: the same role twice appends nothing; a new role appends RoleChanged. */
export const join = defineOperation({
  name: 'join',
  summary: 'Join the log as an instance with a role (explorer, builder, reflector, coordinator, or any name)',
  input: joinInput,
  writes: true,
  async run(app, input, caller) {
    const instanceId = requireIdentity(caller);
    // A rejoin (new role) still carries what the instance had seen.
    const { state: before } = await loadInstance(app.store, instanceId, app.snapshots);
    const { events, state } = await handleCommand({
      store: app.store,
      streamName: streamName('instance', instanceId),
      decider: instanceDecider,
      snapshots: app.snapshots,
      command: { type: 'join', instanceId, role: input.role, description: input.description },
      metadata: { instanceId, role: input.role, seenUpTo: before.lastSyncedUpTo, at: app.clock() },
    });
    return { instanceId, role: input.role, changed: events.length > 0, events, lastSyncedUpTo: state.lastSyncedUpTo };
  },
});
