/** roles.js: what each role and each instance is doing. */
export default String.raw`
import { h } from './dom.js';
import { ago, count, plural, topKeys } from './format.js';

export function renderRoles(view, ctx) {
  const roles = (view && view.roles) || [];
  const instances = (view && view.instances) || [];
  if (roles.length === 0 && instances.length === 0) return h('p', { class: 'empty' }, 'No instance has joined yet.');
  const byRole = {};
  for (const i of instances) (byRole[i.role] = byRole[i.role] || []).push(i);
  return h('div', { class: 'roles' }, roles.map((r) => role(r, byRole[r.role] || [], ctx)));
}

function role(r, members, ctx) {
  const e = r.events || {};
  const stats = [
    plural(count(e, 'FindingRecorded'), 'finding'),
    plural(count(e, 'MessagePosted'), 'message'),
    plural(count(e, 'TaskClaimed'), 'claim'),
  ];
  return h('div', { class: 'role', 'data-role': r.role },
    h('div', { class: 'role-head' }, h('span', { class: 'role-name' }, r.role), h('span', { class: 'seen' }, ago(r.lastSeen, ctx.nowMs))),
    h('div', { class: 'stats' }, stats.join(' · ')),
    topKeys(r.topics, 4).length ? h('div', { class: 'meta' }, topKeys(r.topics, 4).map((t) => h('span', { class: 'tag' }, t))) : null,
    h('ul', { class: 'members' }, members.map((i) => h('li', { class: i.left ? 'left' : '' },
      h('span', { class: 'who' }, i.instanceId),
      i.left ? ' (left)' : '',
      i.claims && i.claims.length ? h('span', { class: 'holds' }, ' holds ' + i.claims.join(', ')) : null,
      h('span', { class: 'seen' }, ' · seen ' + ago(i.lastSeen, ctx.nowMs))))));
}
`;
