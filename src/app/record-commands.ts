import * as z from 'zod';
import { Id, Recipient, Tags, Topic, nonEmptyText } from '../../events/index.js';
import { namesARoleIfPrefixed } from '../../events/predicates.js';
import { record } from '../domain/record.js';
import { matchesOf } from '../readstore/convergence-queries.js';
import { embeddingFor, embeddingProviderFromEnv } from '../similarity/embedding.js';
import { convergenceOptions } from './signals.js';
import { actorOf, metadataFor } from './actor.js';
import { newEntityId } from './ids.js';
import { defineOperation } from './operation.js';
import { requireBasis, requireExisting } from './references.js';

const findInput = () =>
  z.strictObject({
    summary: nonEmptyText(4_000),
    topic: Topic().optional(),
    tags: Tags().default([]),
    cites: z.array(Id()).max(50, { message: 'must have at most 50 entries' }).default([]),
    question: Id().optional(),
    id: Id().optional(),
  });

/** Records a shared learning. Its `seenUpTo` is what later proves whether it was reached independently. */
export const find = defineOperation({
  name: 'find',
  summary: 'Record a finding (a shared learning), optionally citing other findings or answering a question',
  input: findInput,
  writes: true,
  async run(app, input, caller) {
    const actor = await actorOf(app, caller);
    await requireBasis(app, input.cites, '--cites', input.question);
    const findingId = input.id ?? newEntityId('f');
    const { embedding, warnings } = await embed(input.summary);
    const { events } = await record({
      store: app.store,
      fact: {
        type: 'FindingRecorded',
        data: {
          findingId,
          by: actor.instanceId,
          summary: input.summary,
          topic: input.topic,
          tags: input.tags,
          cites: input.cites,
          questionId: input.question,
          embedding,
        },
      },
      metadata: metadataFor(app, actor),
    });
    // Tell the author at once when it converges with (or echoes) others.
    const matches = matchesOf((await app.tables()).db, findingId, convergenceOptions());
    return {
      findingId,
      position: events[0]?.position,
      converges: matches.filter((m) => m.kind === 'convergence'),
      echoes: matches.filter((m) => m.kind === 'echo'),
      warnings,
      events,
    };
  },
});

/**
 * With CAIRN_EMBEDDINGS set, the finding's vector is computed now and stored in the event,
 * so replay never calls a model. A provider that fails does not lose the finding: it is
 * recorded without a vector, with a warning.
 */
async function embed(summary: string): Promise<{ embedding?: { model: string; vector: number[] }; warnings: string[] }> {
  const provider = embeddingProviderFromEnv(process.env);
  if (!provider) return { warnings: [] };
  try {
    return { embedding: await embeddingFor(provider, summary), warnings: [] };
  } catch (error) {
    return { warnings: [`recorded without an embedding: ${(error as Error).message}`] };
  }
}

const sayRecipient = () =>
  Recipient().refine(namesARoleIfPrefixed, {
    message: 'must be an instance id, "role:NAME" (a lower-case role name) or "all"',
  });

const sayInput = () => z.strictObject({ body: nonEmptyText(10_000), to: sayRecipient(), replyTo: Id().optional(), id: Id().optional() });

export const say = defineOperation({
  name: 'say',
  summary: 'Post a message to an instance, a whole role ("role:builder") or everyone ("all")',
  input: sayInput,
  writes: true,
  async run(app, input, caller) {
    const actor = await actorOf(app, caller);
    if (input.to !== 'all' && !input.to.startsWith('role:')) await requireExisting(app, 'instance', [input.to], '--to');
    if (input.replyTo) await requireExisting(app, 'message', [input.replyTo], '--reply-to');
    const messageId = input.id ?? newEntityId('m');
    const { events } = await record({
      store: app.store,
      fact: { type: 'MessagePosted', data: { messageId, from: actor.instanceId, to: input.to, body: input.body, replyTo: input.replyTo } },
      metadata: metadataFor(app, actor),
    });
    return { messageId, to: input.to, position: events[0]?.position, events };
  },
});

const synthesizeInput = () =>
  z.strictObject({
    summary: nonEmptyText(10_000),
    integrates: z.array(Id()).min(1, { message: 'must name at least one finding' }).max(200),
    question: Id().optional(),
    tags: Tags().default([]),
    id: Id().optional(),
  });

/** The Reflector's integration of several findings into one statement. */
export const synthesize = defineOperation({
  name: 'synthesize',
  summary: 'Publish a synthesis integrating several findings',
  input: synthesizeInput,
  writes: true,
  async run(app, input, caller) {
    const actor = await actorOf(app, caller);
    await requireBasis(app, input.integrates, '--integrates', input.question);
    const synthesisId = input.id ?? newEntityId('s');
    const { events } = await record({
      store: app.store,
      fact: {
        type: 'SynthesisPublished',
        data: { synthesisId, by: actor.instanceId, summary: input.summary, integrates: input.integrates, questionId: input.question, tags: input.tags },
      },
      metadata: metadataFor(app, actor),
    });
    return { synthesisId, position: events[0]?.position, events };
  },
});
