/** tasks.js: the task board, with owners and lease countdowns (ticked by main.js). */
export default String.raw`
import { h } from './dom.js';
import { ago, duration, totalOf } from './format.js';

const OPEN_SHOWN = 20;
const DONE_SHOWN = 8;

// The view holds every claim running now and the newest open and done tasks; its counts are
// of every task, so a column says how many it holds even when it shows only the newest.
export function renderTasks(view, ctx) {
  const tasks = (view && view.tasks) || [];
  const counts = (view && view.counts) || {};
  const open = tasks.filter((t) => t.status === 'open');
  const claimed = tasks.filter((t) => t.status === 'claimed');
  const done = tasks.filter((t) => t.status === 'completed' || t.status === 'abandoned')
    .sort((a, b) => Number(b.position) - Number(a.position));
  if (tasks.length === 0) return h('p', { class: 'empty' }, 'No tasks proposed yet.');
  return h('div', { class: 'columns' },
    column('Open', open.slice(0, OPEN_SHOWN), totalOf(counts.open, open), ctx, 'open', counts.stale),
    column('Claimed', claimed, totalOf(counts.claimed, claimed), ctx, 'claimed'),
    column('Done', done.slice(0, DONE_SHOWN), totalOf(counts.completed + counts.abandoned, done), ctx, 'done'));
}

function column(title, tasks, total, ctx, kind, stale) {
  const hidden = total - tasks.length;
  return h('div', { class: 'column column-' + kind, 'data-column': kind },
    h('h3', null, title, h('span', { class: 'count' }, String(total)),
      stale > 0 ? h('span', { class: 'count count-stale', title: 'claims whose lease ran out unreleased' }, stale + ' stale') : null),
    tasks.length === 0 ? h('p', { class: 'empty' }, 'none') : tasks.map((t) => card(t, ctx)),
    hidden > 0 ? h('p', { class: 'more' }, 'and ' + hidden + ' more') : null);
}

function card(t, ctx) {
  return h('article', { class: 'card task task-' + (t.stale ? 'stale' : t.status), 'data-task-id': t.taskId },
    h('div', { class: 'card-title' }, t.title),
    h('div', { class: 'meta' }, h('span', { class: 'id' }, t.taskId), (t.tags || []).map((tag) => h('span', { class: 'tag' }, tag))),
    detail(t, ctx));
}

function detail(t, ctx) {
  if (t.status === 'claimed') {
    return h('div', { class: 'owner' },
      h('span', { class: 'who' }, t.owner),
      h('span', { class: 'lease', 'data-lease-until': t.leaseUntil, title: 'lease until ' + t.leaseUntil },
        leaseText(Date.parse(t.leaseUntil) - ctx.nowMs)));
  }
  if (t.stale) return h('div', { class: 'owner stale' }, 'lease ran out · last held by ', h('span', { class: 'who' }, t.lastOwner));
  if (t.status === 'completed') {
    return h('div', { class: 'outcome' }, h('span', { class: 'who' }, t.completedBy), ' completed ', ago(t.updatedAt, ctx.nowMs),
      t.outcome ? h('div', { class: 'text' }, t.outcome) : null);
  }
  if (t.status === 'abandoned') {
    return h('div', { class: 'outcome' }, h('span', { class: 'who' }, t.abandonedBy), ' abandoned it',
      t.abandonReason ? h('div', { class: 'text' }, t.abandonReason) : null);
  }
  return h('div', { class: 'owner' }, 'proposed by ', h('span', { class: 'who' }, t.proposedBy), ' ', ago(t.proposedAt, ctx.nowMs));
}

export function leaseText(remainingMs) {
  return remainingMs > 0 ? duration(remainingMs) + ' left' : 'expired';
}
`;
