import * as z from 'zod';
import { Id, judgmentStream, nonEmptyText } from '../../events/index.js';
import { linkBetweenIds, TableFacts } from '../readstore/convergence-queries.js';
import { handleCommand } from '../domain/handle.js';
import { judgmentDecider } from '../domain/judgment.js';
import { DomainError } from '../errors.js';
import { actorOf, metadataFor } from './actor.js';
import { defineOperation } from './operation.js';
import { requireExisting } from './references.js';

/** A candidate as `convergence` prints it: two finding ids joined by "~" (either order). */
const linkRef = () => z.string().transform((value, ctx) => {
  const parts = value.split('~');
  const ids = parts.map((p) => Id().safeParse(p));
  if (parts.length !== 2 || !ids.every((r) => r.success)) {
    ctx.addIssue({ code: 'custom', message: 'must be two finding ids joined by "~", e.g. f-1~f-2, as `cairn convergence` prints them' });
    return z.NEVER;
  }
  if (parts[0] === parts[1]) {
    ctx.addIssue({ code: 'custom', message: 'must name two different findings' });
    return z.NEVER;
  }
  return [parts[0]!, parts[1]!] as const;
});

const judgeInput = () =>
  z
    .strictObject({
      link: linkRef(),
      same: z.boolean().default(false),
      different: z.boolean().default(false),
      reason: nonEmptyText(1_000),
    })
    .superRefine((input, ctx) => {
      if (input.same === input.different) ctx.addIssue({ code: 'custom', path: ['verdict'], message: 'give exactly one of --same or --different' });
    });

/**
 * Says whether a candidate convergence really says the same thing. Agents read meaning far
 * better than the matcher: a confirmed pair counts whatever its score, a rejected one no
 * longer counts, and `health` measures the matcher against these judgments.
 */
export const judge = defineOperation({
  name: 'judge',
  summary: 'Judge a candidate convergence (EARLIER~LATER) as saying the same thing or not, with a short reason; only for instances that wrote neither finding',
  input: judgeInput,
  writes: true,
  async run(app, input, caller) {
    const actor = await actorOf(app, caller);
    const [a, b] = input.link;
    await requireExisting(app, 'finding', [a, b], '<link>');
    const link = linkBetweenIds((await app.tables()).db, a, b);
    if (!link) throw new DomainError(`${a} and ${b} are not a candidate convergence (the matcher kept no link between them): \`cairn convergence\` lists candidates`, 'not_a_candidate');
    const facts = new TableFacts((await app.tables()).db);
    const earlier = facts.finding(link.earlier);
    const later = facts.finding(link.later);
    const { events } = await handleCommand({
      store: app.store,
      streamName: judgmentStream(link.earlier, link.later),
      decider: judgmentDecider,
      command: {
        type: 'judge',
        actor,
        earlier: { findingId: earlier.findingId, by: earlier.instanceId },
        later: { findingId: later.findingId, by: later.instanceId },
        verdict: input.same ? 'same' : 'different',
        reason: input.reason,
      },
      metadata: metadataFor(app, actor),
    });
    // The tables catch up with the judgment just appended before saying where it leaves the pair.
    const judgment = new TableFacts((await app.tables()).db).judgment(link);
    return { link: `${link.earlier}~${link.later}`, verdict: input.same ? 'same' : 'different', judgment, events };
  },
});
