import * as z from 'zod';
import { toStored } from '../runtime/stored.js';
import { DigestBuilder, type Digest, type DigestBound } from './digest.js';
import { runInstanceCommand } from './instance-commands.js';
import { actorOf } from './actor.js';
import { defineOperation } from './operation.js';
import { pageRequest, paging } from './page.js';

/** What a sync reads at most to fill its digest: a window of only its own events and reads still ends. */
const SCANNED = 10_000;

/**
 * Reads what is new since the caller's last sync, oldest first, and records that it has now
 * seen the log up to there. Every event it writes afterwards carries that position as
 * `seenUpTo`. A digest holds 30 items (fewer when their texts pass 16,000 characters) and
 * the next sync goes on after them: a month of news does not fit a context window, and a
 * sync must not record as seen what it never showed. `limit` and `all` ask for more.
 */
export const sync = defineOperation({
  name: 'sync',
  summary: 'Show what is new since your last sync, oldest first, and record that you have seen it',
  input: () =>
    z.strictObject({
      limit: paging().limit,
      all: z.boolean().default(false),
    }),
  writes: true,
  async run(app, input, caller): Promise<Digest> {
    const actor = await actorOf(app, caller);
    // Bounded as a listing's page is by default; a limit asked for, or all, given whole.
    const page = pageRequest(input, input.all);
    const bound: DigestBound = { items: page.limit, chars: page.chars ?? Infinity };
    const builder = new DigestBuilder(actor, actor.seenUpTo, bound);
    const scanned = input.all ? undefined : SCANNED;
    let read = 0;
    for await (const recorded of app.store.readAll({ after: actor.seenUpTo, maxCount: scanned })) {
      if (!builder.add(toStored(recorded))) break;
      read++;
    }
    const { digest } = builder;
    if (scanned !== undefined && read === scanned && digest.upTo < (await app.store.headPosition())) digest.more = true;
    // Only others' events are news: counting its own (its last InstanceSynced included) made
    // every sync append another InstanceSynced, even with nothing new. A window with none
    // that stopped short of the head is still recorded, so the next sync goes on after it.
    const news = Object.keys(digest.counts).length > 0 || digest.more;
    if (news && digest.upTo > actor.seenUpTo) {
      await runInstanceCommand(app, actor, (a) => ({ type: 'sync', instanceId: a.instanceId, upTo: digest.upTo }));
    }
    return digest;
  },
});
