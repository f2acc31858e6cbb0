// @ts-check
// DOM helpers. Every piece of text from a post, an author or the API goes in through
// textContent / text nodes: never innerHTML. Links are http(s) only.

/**
 * Attributes: `class`, `text` (the text content), `on<event>` (a listener) or any attribute;
 * null, undefined and false leave it out, true sets it empty.
 * @typedef {Record<string, unknown> | null | undefined} Attrs
 * @typedef {Node | string | number | null | undefined | false} ChildItem
 * @typedef {ChildItem | ChildItem[]} Child
 */

/**
 * el('a', { class: 'x', href: '…' }, 'text', child): strings become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {Child[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Same as el() for SVG; attribute values are numbers or our own constants, text goes in as text.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {Child[]} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/**
 * @template {Element} E
 * @param {E} node
 * @param {Attrs} attrs
 * @param {Child[]} children
 * @returns {E}
 */
function build(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.setAttribute('class', String(value));
    else if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

/**
 * An element of index.html by its id (page-types.d.ts lists them), typed by its tag. Missing is a
 * bug in the page, so it throws naming the id rather than handing on a null.
 * @template {keyof PageElements} K
 * @param {K} id
 * @returns {PageElements[K]}
 */
export function $(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return /** @type {PageElements[K]} */ (node);
}

/**
 * An element the JS adds itself, which may not be there: null when it is not.
 * @param {string} id
 * @returns {HTMLElement | null}
 */
export function find(id) {
  return document.getElementById(id);
}

/**
 * find() for one kind of element: findAs('draft-text', HTMLTextAreaElement).
 * @template {Element} E
 * @param {string} id
 * @param {new () => E} kind
 * @returns {E | null}
 */
export function findAs(id, kind) {
  const node = document.getElementById(id);
  return node instanceof kind ? node : null;
}

/**
 * A form's submit button, for busy() while the form is sent.
 * @param {HTMLFormElement} form
 * @returns {HTMLButtonElement | null}
 */
export function submitButton(form) {
  const button = form.querySelector('button[type=submit]');
  return button instanceof HTMLButtonElement ? button : null;
}

/**
 * @template {Element} N
 * @param {N} node
 * @returns {N}
 */
export function clear(node) {
  node.replaceChildren();
  return node;
}

/**
 * Only http(s) URLs are ever put in an href; javascript:, data: and the rest are dropped.
 * @param {unknown} value
 * @returns {string | null}
 */
export function safeUrl(value) {
  if (typeof value !== 'string' || !value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * @param {unknown} url
 * @param {Child} label
 */
export function externalLink(url, label) {
  const href = safeUrl(url);
  if (!href) return null;
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' }, label);
}

/**
 * @param {string | null | undefined} text
 * @param {number} max
 */
export function shorten(text, max) {
  const flat = String(text || '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** @param {string | number | null | undefined} value */
export function when(value) {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

/**
 * 3d 4h / 2h 5m / 4m 10s: two units are enough to act on.
 * @param {number} ms
 */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400),
    h = Math.floor((s % 86400) / 3600),
    m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s % 60}s`;
}

/**
 * @param {number} due
 * @param {number} [now]
 */
export function countdownText(due, now = Date.now()) {
  const left = due - now;
  return left >= 0 ? `${duration(left)} left` : `overdue ${duration(-left)}`;
}

/**
 * A countdown the ticker in app.js refreshes every second.
 * @param {number} due
 */
export function countdown(due) {
  const node = el('span', { class: 'countdown', 'data-due': String(due) });
  tickOne(node, Date.now());
  return node;
}

/**
 * @param {Element} node
 * @param {number} now
 */
export function tickOne(node, now) {
  const due = Number(node.getAttribute('data-due'));
  node.textContent = countdownText(due, now);
  node.classList.toggle('overdue', due < now);
  node.classList.toggle('soon', due >= now && due - now < 15 * 60_000);
}

export function tickAll() {
  const now = Date.now();
  for (const node of document.querySelectorAll('.countdown[data-due]')) tickOne(node, now);
}

/** @param {number | null | undefined} n */
export function fmtNumber(n) {
  if (n === null || n === undefined) return '—';
  if (n >= 1_000_000) return (n / 1_000_000).toFixed(1) + 'M';
  if (n >= 10_000) return Math.round(n / 1000) + 'k';
  return String(n);
}

/** @param {string | null | undefined} text */
export function label(text) {
  return String(text || '').replaceAll('_', ' ');
}
