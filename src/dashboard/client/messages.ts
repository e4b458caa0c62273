/** messages.js: the asynchronous message board, newest first. */
export default String.raw`
import { h } from './dom.js';
import { ago, totalOf } from './format.js';

const SHOWN = 40;

export function renderMessages(view, ctx) {
  const messages = ((view && view.messages) || []).slice().sort((a, b) => Number(b.position) - Number(a.position));
  if (messages.length === 0) return h('p', { class: 'empty' }, 'No messages yet.');
  const shown = messages.slice(0, SHOWN);
  const hidden = totalOf(view.page && view.page.total, messages) - shown.length;
  return h('ol', { class: 'messages' }, shown.map((m) =>
    h('li', { class: 'message', 'data-message-id': m.messageId },
      h('div', { class: 'meta' }, h('span', { class: 'who' }, m.from), ' → ', h('span', { class: 'to' }, m.to), h('span', { class: 'seen' }, ago(m.at, ctx.nowMs))),
      h('div', { class: 'text' }, m.body))),
    hidden > 0 ? h('li', { class: 'more' }, 'and ' + hidden + ' older') : null);
}
`;
