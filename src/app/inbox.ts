import * as z from 'zod';
import { unjudgedLinks } from '../readstore/convergence-queries.js';
import { inboxPage, instanceRow } from '../readstore/queries.js';
import { pageRequest, paging } from './page.js';
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
  summary: 'Read messages to you, your role or all: unread ones oldest first, or with --all every one newest first; --mark-read advances your cursor past those shown',
  input: () => z.strictObject({ all: z.boolean().default(false), markRead: z.boolean().default(false), ...paging() }),
  // Needs the caller's identity: it reads the caller's own inbox.
  writes: true,
  async run(app, input, caller) {
    const instanceId = requireIdentity(caller);
    const tables = await app.tables();
    const me = instanceRow(tables.db, instanceId);
    const cursor = me?.inboxCursor ?? 0n;
    const { items, page } = inboxPage(tables.db, instanceId, me?.role, input.all ? undefined : cursor, pageRequest(input, input.all));
    const messages = items.map((m) => ({ ...m, unread: m.position > cursor }));
    const unread = input.all ? inboxPage(tables.db, instanceId, me?.role, cursor, { limit: 0, cursor: undefined }).page.total : page.total;
    // Unread messages come oldest first: marking up to the newest shown never skips one not shown.
    const newest = messages.reduce((max, m) => (m.unread && m.position > max ? m.position : max), 0n);
    const skipsUnread = input.all && unread > messages.filter((m) => m.unread).length;
    let markedUpTo: bigint | undefined;
    if (input.markRead && newest > 0n && !skipsUnread) {
      await runInstanceCommand(app, caller, (a) => ({ type: 'markRead', instanceId: a.instanceId, upTo: newest }));
      markedUpTo = newest;
    }
    // A reflector is reminded of the candidate convergences nobody has judged yet.
    const unjudged = me?.role === 'reflector' ? { asOf: tables.watermark(), ...unjudgedLinks(tables.db) } : undefined;
    const reminders = unjudged && unjudged.total > 0 ? { unjudged } : undefined;
    return { instanceId, position: tables.watermark(), unread, messages, page, markedUpTo, reminders };
  },
});
