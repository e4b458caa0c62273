import { z } from 'zod';
import { inboxOf, inboxProjection } from '../../projections/inbox.js';
import { convergenceProjection } from '../../projections/convergence.js';
import { unjudgedCandidates } from '../../projections/convergence-report.js';
import { loadInstance } from '../domain/instance.js';
import { requireIdentity } from './actor.js';
import { runInstanceCommand } from './instance-commands.js';
import { defineOperation } from './operation.js';

/**
 * Messages that reach the caller (to it, its role, or all). Reading does not consume:
 * only `markRead` moves the cursor, and only up to the newest message shown, so a message
 * that arrives while the caller reads is still unread next time.
 */
export const inbox = defineOperation({
  name: 'inbox',
  summary: 'Read messages to you, your role or all (unread only unless --all; --mark-read advances your cursor)',
  input: z.strictObject({ all: z.boolean().default(false), markRead: z.boolean().default(false) }),
  // Needs the caller's identity: it reads the caller's own inbox.
  writes: true,
  async run(app, input, caller) {
    const instanceId = requireIdentity(caller);
    const { state, position } = await app.runtime.current(inboxProjection);
    const messages = inboxOf(state, instanceId, { unreadOnly: !input.all });
    const newest = messages.reduce((max, m) => (m.unread && m.position > max ? m.position : max), 0n);
    let markedUpTo: bigint | undefined;
    if (input.markRead && newest > 0n) {
      await runInstanceCommand(app, caller, (a) => ({ type: 'markRead', instanceId: a.instanceId, upTo: newest }));
      markedUpTo = newest;
    }
    // A reflector is reminded of the candidate convergences nobody has judged yet.
    const role = (await loadInstance(app.store, instanceId)).state.role;
    const reminders = role === 'reflector' ? { unjudged: unjudgedCandidates((await app.runtime.current(convergenceProjection)).state) } : undefined;
    return { instanceId, position, unread: messages.filter((m) => m.unread).length, messages, markedUpTo, reminders };
  },
});
