/** findings.js: shared learnings, with convergence clusters when that view exists. */
export default String.raw`
import { h } from './dom.js';
import { ago, plural } from './format.js';

const SHOWN = 30;

export function renderFindings(findingsView, convergenceView, ctx) {
  const findings = ((findingsView && findingsView.findings) || []).slice().sort((a, b) => Number(b.position) - Number(a.position));
  const syntheses = ((findingsView && findingsView.syntheses) || []).slice().sort((a, b) => Number(b.position) - Number(a.position));
  const clusters = arrayOf(convergenceView, 'convergences');
  const echoes = arrayOf(convergenceView, 'echoes');
  const converged = new Set();
  for (const c of clusters) for (const m of c.members || []) if (m.independent !== false) converged.add(m.findingId);
  if (findings.length === 0 && syntheses.length === 0) return h('p', { class: 'empty' }, 'No findings recorded yet.');
  return h('div', { class: 'findings' },
    convergenceView ? convergence(clusters, echoes) : null,
    syntheses.length ? h('div', { class: 'syntheses' }, h('h3', null, 'Syntheses'), syntheses.map((s) => synthesis(s, ctx))) : null,
    h('h3', null, 'Recent findings'),
    h('ol', { class: 'finding-list' }, findings.slice(0, SHOWN).map((f) => finding(f, converged.has(f.findingId), ctx))),
    findings.length > SHOWN ? h('p', { class: 'more' }, 'and ' + (findings.length - SHOWN) + ' older') : null);
}

function arrayOf(view, key) {
  return view && Array.isArray(view[key]) ? view[key] : [];
}

function convergence(clusters, echoes) {
  return h('div', { class: 'convergence' },
    h('h3', null, 'Converged independently', h('span', { class: 'count' }, String(clusters.length))),
    clusters.length === 0 ? h('p', { class: 'empty' }, 'No independent convergence yet.') : clusters.map((c) => cluster(c, 'convergence')),
    echoes.length ? h('details', { class: 'echoes' }, h('summary', null, plural(echoes.length, 'echo') + ': agreement after reading, not validation'),
      echoes.map((c) => cluster(c, 'echo'))) : null);
}

function cluster(c, kind) {
  const members = c.members || [];
  const link = (c.links || []).find((l) => l.kind === kind) || (c.links || [])[0];
  return h('div', { class: 'cluster cluster-' + kind },
    h('div', { class: 'cluster-head' },
      plural(members.length, 'finding'),
      (c.roles && c.roles.length) ? ' · roles ' + c.roles.join(', ') : '',
      (c.instances && c.instances.length) ? ' · ' + plural(c.instances.length, 'instance') : ''),
    h('ul', null, members.map((m) => h('li', { 'data-finding-id': m.findingId },
      h('span', { class: 'who' }, m.instanceId), h('span', { class: 'role-chip' }, m.role), ' ', h('span', { class: 'text' }, m.summary)))),
    link && link.shared && link.shared.length ? h('div', { class: 'meta' }, 'shared: ', link.shared.slice(0, 8).map((w) => h('span', { class: 'tag' }, w))) : null,
    link && link.reason ? h('div', { class: 'why' }, link.reason) : null);
}

function finding(f, converged, ctx) {
  return h('li', { class: 'finding' + (converged ? ' converged' : ''), 'data-finding-id': f.findingId },
    h('div', { class: 'text summary' }, f.summary),
    h('div', { class: 'meta' },
      h('span', { class: 'who' }, f.by), h('span', { class: 'role-chip' }, f.role),
      f.topic ? h('span', { class: 'topic' }, f.topic) : null,
      (f.tags || []).map((t) => h('span', { class: 'tag' }, t)),
      converged ? h('span', { class: 'badge' }, 'converged') : null,
      (f.cites || []).length ? h('span', { class: 'cites' }, 'cites ' + f.cites.join(', ')) : null,
      h('span', { class: 'seen' }, ago(f.at, ctx.nowMs))));
}

function synthesis(s, ctx) {
  return h('div', { class: 'synthesis', 'data-synthesis-id': s.synthesisId },
    h('div', { class: 'text' }, s.summary),
    h('div', { class: 'meta' }, h('span', { class: 'who' }, s.by), ' integrates ' + (s.integrates || []).join(', '), h('span', { class: 'seen' }, ago(s.at, ctx.nowMs))));
}
`;
