/** health.js: the philosophy's good and warning signals, each with a small chart over time. */
export default String.raw`
import { h } from './dom.js';
import { dateTime } from './format.js';
import { sparkline } from './sparkline.js';

export function renderHealth(view, series) {
  if (!view) return h('p', { class: 'empty' }, 'Health is being computed…');
  const signals = Array.isArray(view.signals) ? view.signals : [];
  if (signals.length === 0) return h('p', { class: 'empty' }, 'No health signals yet.');
  const history = {};
  for (const point of (series || [])) {
    const list = point.view && Array.isArray(point.view.signals) ? point.view.signals : [];
    for (const sig of list) (history[sig.name] = history[sig.name] || []).push(typeof sig.value === 'number' ? sig.value : null);
  }
  return h('div', { class: 'health' },
    view.status ? h('div', { class: 'overall status-' + view.status }, 'overall: ' + view.status,
      view.window ? h('span', { class: 'window' }, ' · judged over ' + dateTime(view.window.from) + ' → ' + dateTime(view.window.to)) : null) : null,
    h('div', { class: 'signals' }, signals.map((sig) => signal(sig, history[sig.name] || []))));
}

function signal(sig, values) {
  const status = sig.judged === false ? 'unjudged' : (sig.status || 'good');
  return h('div', { class: 'signal status-' + status, 'data-signal': sig.name, title: sig.unit || '' },
    h('div', { class: 'signal-head' }, h('span', { class: 'signal-name' }, String(sig.name).replace(/-/g, ' ')), h('span', { class: 'chip' }, status)),
    h('div', { class: 'signal-body' }, h('span', { class: 'value' }, format(sig.value)), sparkline(values.length ? values : [sig.value])),
    sig.explanation ? h('div', { class: 'why' }, sig.explanation) : null);
}

function format(v) {
  if (typeof v !== 'number') return String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
`;
