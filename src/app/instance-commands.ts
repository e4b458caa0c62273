import * as z from 'zod';
import { streamName, text } from '../../events/index.js';
import { handleCommand } from '../domain/handle.js';
import { instanceDecider, type InstanceCommand } from '../domain/instance.js';
import { actorOf, metadataFor, type Actor } from './actor.js';
import type { App } from './app.js';
import type { Caller } from './operation.js';
import { defineOperation } from './operation.js';

/** Runs a command on the caller's own instance stream (given the caller, or its already loaded actor). */
export async function runInstanceCommand(app: App, who: Caller | Actor, command: (actor: Actor) => InstanceCommand) {
  const actor = 'seenUpTo' in who ? who : await actorOf(app, who);
  const { events, state } = await handleCommand({
    store: app.store,
    streamName: streamName('instance', actor.instanceId),
    decider: instanceDecider,
    snapshots: app.snapshots,
    command: command(actor),
    metadata: metadataFor(app, actor),
  });
  return { actor, events, state };
}

export const leave = defineOperation({
  name: 'leave',
  summary: 'Leave the log (your claims stay until they are released or their leases run out)',
  input: () => z.strictObject({ reason: text(500).optional() }),
  writes: true,
  async run(app, input, caller) {
    const { actor, events } = await runInstanceCommand(app, caller, (a) => ({ type: 'leave', instanceId: a.instanceId, reason: input.reason }));
    return { instanceId: actor.instanceId, left: true, events };
  },
});
