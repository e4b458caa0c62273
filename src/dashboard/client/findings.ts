/** findings.js: shared learnings, with convergence clusters when that view exists. */
export default String.raw`
import { h } from './dom.js';
import { ago, plural, totalOf } from './format.js';

const SHOWN = 30;

export function renderFindings(findingsView, convergenceView, ctx) {
  const findings = ((findingsView && findingsView.findings) || []).slice().sort((a, b) => Number(b.position) - Number(a.position));
  const syntheses = ((findingsView && findingsView.syntheses) || []).slice().sort((a, b) => Number(b.position) - Number(a.position));
  const clusters = arrayOf(convergenceView, 'convergences');
  const echoes = arrayOf(convergenceView, 'echoes');
  const converged = new Set();
  for (const c of clusters) for (const m of c.members || []) if (m.independent !== false) converged.add(m.findingId);
  if (findings.length === 0 && syntheses.length === 0) return h('p', { class: 'empty' }, 'No findings recorded yet.');
  // The view holds the newest; its counts are of all of them.
  const counts = (findingsView && findingsView.counts) || {};
  const shown = findings.slice(0, SHOWN);
  const total = totalOf(counts.findings, findings);
  return h('div', { class: 'findings' },
    convergenceView ? convergence(clusters, echoes) : null,
    syntheses.length ? h('div', { class: 'syntheses' }, h('h3', null, 'Syntheses', h('span', { class: 'count' }, String(totalOf(counts.syntheses, syntheses)))), syntheses.map((s) => synthesis(s, ctx))) : null,
    h('h3', null, 'Recent findings', h('span', { class: 'count' }, String(total))),
    h('ol', { class: 'finding-list' }, shown.map((f) => finding(f, converged.has(f.findingId), ctx))),
    total > shown.length ? h('p', { class: 'more' }, 'and ' + (total - shown.length) + ' older') : null);
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
  const byId = new Map(members.map((m) => [m.findingId, m]));
  const link = (c.links || []).find((l) => l.kind === kind) || (c.links || [])[0];
  // The view holds a cluster's newest members and links; its sizes count them all.
  const sizes = c.sizes || {};
  const linksShown = (c.links || []).length;
  return h('div', { class: 'cluster cluster-' + kind },
    h('div', { class: 'cluster-head' },
      plural(totalOf(sizes.members, members), 'finding'),
      sizes.links > linksShown ? ' · ' + plural(sizes.links, 'link') + ', the newest ' + linksShown + ' shown' : '',
      (c.roles && c.roles.length) ? ' · roles ' + c.roles.join(', ') : '',
      (c.instances && c.instances.length) ? ' · ' + plural(c.instances.length, 'instance') : ''),
    h('ul', null, members.map((m) => h('li', { 'data-finding-id': m.findingId },
      h('span', { class: 'who' }, m.instanceId), h('span', { class: 'role-chip' }, m.role), ' ', h('span', { class: 'text' }, m.summary)))),
    link && link.shared && link.shared.length ? h('div', { class: 'meta' }, 'shared: ', link.shared.slice(0, 8).map((w) => h('span', { class: 'tag' }, w))) : null,
    h('ol', { class: 'links' }, (c.links || []).map((l) => linkRow(l, byId))));
}

/**
 * One pair of the cluster, drawn as who saw what, when: for an echo, the chain from the earlier
 * finding's author through every read, cite or sync to the later one's author; for a
 * convergence, the two authors with nothing between them (and a warning when a read without an
 * identity showed the earlier finding first).
 */
function linkRow(l, byId) {
  const earlier = byId.get(l.earlier) || { instanceId: '?', position: '?' };
  const later = byId.get(l.later) || { instanceId: '?', position: '?' };
  const judgment = l.judgment && l.kind === 'convergence' ? h('span', { class: 'judgment judgment-' + l.judgment.status, 'data-judgment': l.judgment.status }, l.judgment.status) : null;
  const hops = (l.path || []).slice().reverse().map((s) =>
    [h('span', { class: 'arrow' }, '→'), h('span', { class: 'hop', 'data-hop': s.how, title: 'position ' + s.at },
      s.how === 'synced' ? s.instance + ' synced to ' + s.upTo
        : s.how === 'everything' ? s.instance + ' read the whole log (' + s.via + ')'
          : s.instance + (s.how === 'cites' ? ' cited ' : ' was shown ') + s.stream.replace('-', ' ') + (s.via ? ' by ' + s.via : '') + ' @' + s.at)]);
  return h('li', { class: 'link link-' + l.kind, 'data-link': l.earlier + '~' + l.later },
    h('div', { class: 'path' },
      h('span', { class: 'node' }, earlier.instanceId + ': ' + l.earlier + ' @' + earlier.position),
      hops,
      l.kind === 'convergence' ? h('span', { class: 'arrow none', title: 'no read, cite or sync connects them' }, '⋯ independent ⋯') : h('span', { class: 'arrow' }, '→'),
      h('span', { class: 'node' }, later.instanceId + ': ' + l.later + ' @' + later.position),
      judgment,
      (l.contrasts || []).length ? h('span', { class: 'contrast', title: 'the words agree, but these differ' }, 'look twice: ' + l.contrasts.join(', ')) : null),
    l.anonymousRead ? h('div', { class: 'warn' }, 'a read without an identity (' + l.anonymousRead.via + ' @' + l.anonymousRead.at + ') showed ' + l.earlier + ' before ' + l.later + ': independence is uncertain') : null,
    l.reason ? h('div', { class: 'why' }, l.reason) : null);
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
