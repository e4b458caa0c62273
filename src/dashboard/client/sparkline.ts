/** sparkline.js: a small inline SVG line chart. */
export default String.raw`
import { s } from './dom.js';

export function sparkline(values, options) {
  const width = (options && options.width) || 160;
  const height = (options && options.height) || 36;
  const pad = 3;
  const svg = s('svg', { class: 'spark', viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, role: 'img' });
  const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return svg;
  const min = Math.min(0, ...finite);
  const max = Math.max(...finite, min + 1e-9);
  const x = (i) => pad + (values.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (values.length - 1));
  const y = (v) => height - pad - ((v - min) * (height - 2 * pad)) / (max - min || 1);
  const points = [];
  values.forEach((v, i) => { if (typeof v === 'number' && Number.isFinite(v)) points.push(x(i).toFixed(1) + ',' + y(v).toFixed(1)); });
  svg.append(s('line', { class: 'base', x1: pad, x2: width - pad, y1: y(min), y2: y(min) }));
  svg.append(s('polyline', { class: 'line', points: points.join(' ') }));
  const last = points[points.length - 1].split(',');
  svg.append(s('circle', { class: 'dot', cx: last[0], cy: last[1], r: 2.5 }));
  return svg;
}
`;
