import type { Projection } from './projection.js';
import { dict, firstTime, type Dict } from './shared.js';

export interface Message {
  messageId: string;
  from: string;
  /** An instance id, "role:NAME" or "all". */
  to: string;
  body: string;
  replyTo: string | null;
  at: string;
  position: bigint;
}

export interface InboxState {
  /** In log order; appended to, never copied. */
  messages: Message[];
  /** The ids posted: a message id posted again (only an imported log can hold that) is the first message's. */
  ids: Dict<true>;
  /** Read cursor per instance: the position its last InboxRead moved it to. */
  cursors: Dict<bigint>;
  /** Current role per instance, to deliver "role:NAME" messages. */
  roles: Dict<string>;
}

export interface InboxEntry extends Message {
  /** After the reader's cursor. */
  unread: boolean;
}

export const inboxProjection: Projection<InboxState> = {
  name: 'inbox',
  version: 2,
  initialState: () => ({ messages: [], ids: dict(), cursors: dict(), roles: dict() }),
  evolve(state, event) {
    // An instance that never joined is known by the role its first event carried.
    state.roles[event.metadata.instanceId] ??= event.metadata.role;
    switch (event.type) {
      case 'MessagePosted': {
        const { messageId, from, to, body, replyTo } = event.data;
        if (!firstTime(state.ids, messageId)) break;
        state.messages.push({ messageId, from, to, body, replyTo: replyTo ?? null, at: event.metadata.at, position: event.position });
        break;
      }
      case 'InboxRead':
        state.cursors[event.data.instanceId] = BigInt(event.data.upTo);
        break;
      case 'InstanceJoined':
        state.roles[event.data.instanceId] = event.data.role;
        break;
      case 'RoleChanged':
        state.roles[event.data.instanceId] = event.data.to;
        break;
    }
    return state;
  },
};

/**
 * Whether a message reaches `instanceId`: sent to it directly, to its current role, or to
 * "all". Broadcasts (role or all) do not come back to their sender.
 */
export function reaches(message: Message, instanceId: string, role: string | undefined): boolean {
  if (message.to === instanceId) return true;
  if (message.from === instanceId) return false;
  return message.to === 'all' || (role !== undefined && message.to === `role:${role}`);
}

/** The messages that reach `instanceId`, newest last. Reading never moves the cursor: only an InboxRead event does. */
export function inboxOf(state: InboxState, instanceId: string, options: { unreadOnly?: boolean } = {}): InboxEntry[] {
  const cursor = state.cursors[instanceId] ?? 0n;
  const role = state.roles[instanceId];
  const entries: InboxEntry[] = [];
  for (const message of state.messages) {
    const unread = message.position > cursor;
    if ((unread || !options.unreadOnly) && reaches(message, instanceId, role)) entries.push({ ...message, unread });
  }
  return entries;
}

export const unreadCount = (state: InboxState, instanceId: string): number => inboxOf(state, instanceId, { unreadOnly: true }).length;
