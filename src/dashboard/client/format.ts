/** format.js: times and durations as people read them. */
export default String.raw`
export function duration(ms) {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / 1000));
  const d = Math.floor(rest / 86400);
  rest -= d * 86400;
  const hh = Math.floor(rest / 3600);
  rest -= hh * 3600;
  const m = Math.floor(rest / 60);
  const sec = rest - m * 60;
  if (d > 0) return sign + d + 'd' + String(hh).padStart(2, '0') + 'h';
  if (hh > 0) return sign + hh + 'h' + String(m).padStart(2, '0') + 'm';
  if (m > 0) return sign + m + 'm' + String(sec).padStart(2, '0') + 's';
  return sign + sec + 's';
}

export function clock(iso) {
  if (!iso) return '';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? '' : t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function dateTime(iso) {
  if (!iso) return '';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? '' : t.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "3m ago", relative to the moment shown (now when live, the replayed moment otherwise). */
export function ago(iso, nowMs) {
  if (!iso) return 'never';
  const ms = nowMs - Date.parse(iso);
  return ms < 1000 ? 'just now' : duration(ms) + ' ago';
}

/** How many a listing holds in all: a view carries the newest few, and its page or counts the total. */
export function totalOf(count, items) {
  return typeof count === 'number' ? count : items.length;
}

export function plural(n, word) {
  return n + ' ' + word + (n === 1 ? '' : 's');
}

export function count(dict, key) {
  return (dict && typeof dict[key] === 'number') ? dict[key] : 0;
}

/** The keys of a {name: count} dictionary, most used first. */
export function topKeys(dict, n) {
  return Object.keys(dict || {}).sort((a, b) => dict[b] - dict[a] || (a < b ? -1 : 1)).slice(0, n);
}
`;
