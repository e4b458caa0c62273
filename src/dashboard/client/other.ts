/** other.js: any view this page has no panel for yet, shown as its JSON text. */
export default String.raw`
import { h } from './dom.js';

export function renderOther(views, known) {
  const names = Object.keys(views || {}).filter((name) => !known.includes(name)).sort();
  if (names.length === 0) return null;
  return h('div', { class: 'other' }, names.map((name) =>
    h('details', { 'data-view': name }, h('summary', null, name), h('pre', { class: 'json' }, JSON.stringify(views[name], null, 2)))));
}
`;
