import * as z from 'zod';
import { toStored } from '../runtime/stored.js';
import { digestFor, type Digest } from './digest.js';
import { runInstanceCommand } from './instance-commands.js';
import { actorOf } from './actor.js';
import { defineOperation } from './operation.js';

/**
 * Reads what is new since the caller's last sync and records that it has now seen the log
 * up to there. Every event it writes afterwards carries that position as `seenUpTo`.
 */
export const sync = defineOperation({
  name: 'sync',
  summary: 'Show what is new since your last sync, and record that you have seen it',
  input: () => z.strictObject({}),
  writes: true,
  async run(app, _input, caller): Promise<Digest> {
    const actor = await actorOf(app, caller);
    const events = [];
    for await (const recorded of app.store.readAll({ after: actor.seenUpTo })) events.push(toStored(recorded));
    const digest = digestFor(actor, actor.seenUpTo, events);
    // Only others' events are news: counting its own (its last InstanceSynced included) made
    // every sync append another InstanceSynced, even with nothing new.
    const news = Object.keys(digest.counts).length > 0;
    if (news && digest.upTo > actor.seenUpTo) {
      await runInstanceCommand(app, actor, (a) => ({ type: 'sync', instanceId: a.instanceId, upTo: digest.upTo }));
    }
    return digest;
  },
});
