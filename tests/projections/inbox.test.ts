import { describe, expect, it } from 'vitest';
import { inboxOf, inboxProjection, unreadCount } from '../../projections/inbox.js';
import { fold } from '../../projections/projection.js';
import { eventLog } from './fixtures.js';

const board = () =>
  eventLog()
    .add('InstanceJoined', { instanceId: 'e1', role: 'explorer' })
    .add('InstanceJoined', { instanceId: 'b1', role: 'builder' })
    .add('InstanceJoined', { instanceId: 'r1', role: 'reflector' })
    .add('MessagePosted', { messageId: 'm1', from: 'r1', to: 'all', body: 'new question posted' }) // 4
    .add('MessagePosted', { messageId: 'm2', from: 'e1', to: 'role:builder', body: 'need a tool' }) // 5
    .add('MessagePosted', { messageId: 'm3', from: 'b1', to: 'e1', body: 'on it', replyTo: 'm2' }) // 6
    .add('MessagePosted', { messageId: 'm4', from: 'e1', to: 'r1', body: 'draft ready' }); // 7

const ids = (entries: { messageId: string }[]) => entries.map((m) => m.messageId);

describe('inbox projection', () => {
  it('delivers direct messages, messages to the reader’s role, and messages to all, oldest first', () => {
    const state = fold(inboxProjection, board().events);
    expect(ids(inboxOf(state, 'e1'))).toEqual(['m1', 'm3']);
    expect(ids(inboxOf(state, 'b1'))).toEqual(['m1', 'm2']);
    expect(ids(inboxOf(state, 'r1'))).toEqual(['m4']);
    expect(inboxOf(state, 'e1')[1]).toMatchObject({ from: 'b1', to: 'e1', body: 'on it', replyTo: 'm2', position: 6n, unread: true });
  });

  it('does not send a broadcast back to its sender', () => {
    const state = fold(inboxProjection, board().add('MessagePosted', { messageId: 'm5', from: 'b1', to: 'role:builder', body: 'note to builders' }).events);
    expect(ids(inboxOf(state, 'b1'))).toEqual(['m1', 'm2']);
    expect(ids(inboxOf(state, 'r1'))).not.toContain('m1');
  });

  it('delivers role messages by the reader’s current role', () => {
    const state = fold(inboxProjection, board().add('RoleChanged', { instanceId: 'r1', from: 'reflector', to: 'builder' }).events);
    expect(ids(inboxOf(state, 'r1'))).toEqual(['m2', 'm4']);
    expect(ids(inboxOf(state, 'b1'))).toEqual(['m1', 'm2']);
  });

  it('flags messages after the read cursor as unread, and can list only those', () => {
    const state = fold(inboxProjection, board().add('InboxRead', { instanceId: 'b1', upTo: '4' }).events);
    expect(inboxOf(state, 'b1').map((m) => [m.messageId, m.unread])).toEqual([
      ['m1', false],
      ['m2', true],
    ]);
    expect(ids(inboxOf(state, 'b1', { unreadOnly: true }))).toEqual(['m2']);
    expect(unreadCount(state, 'b1')).toBe(1);
    expect(unreadCount(state, 'e1')).toBe(2);
  });

  it('never moves the cursor by reading', () => {
    const state = fold(inboxProjection, board().events);
    const before = structuredClone(state);
    inboxOf(state, 'e1', { unreadOnly: true });
    inboxOf(state, 'e1');
    expect(state).toEqual(before);
    expect(unreadCount(state, 'e1')).toBe(2);
  });
});
