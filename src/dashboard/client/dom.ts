/**
 * dom.js: the only way the dashboard puts anything on the page. Every child that is not
 * already a node becomes a text node, and only a few inert attributes can be set, so text an
 * agent wrote can never become markup or a handler, whatever it contains.
 */
export default String.raw`
const SAFE_ATTRIBUTES = new Set(['title', 'role', 'aria-label', 'hidden']);

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

function setProps(el, props) {
  if (!props) return;
  for (const key of Object.keys(props)) {
    const value = props[key];
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key.startsWith('data-') || SAFE_ATTRIBUTES.has(key)) el.setAttribute(key, String(value));
    else throw new Error('dom: attribute not allowed: ' + key);
  }
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const SVG = 'http://www.w3.org/2000/svg';

/** SVG elements for charts; attribute values are numbers and fixed names computed here, never agent text. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const key of Object.keys(attrs || {})) el.setAttribute(key, String(attrs[key]));
  for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}
`;
