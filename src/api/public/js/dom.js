// DOM helpers. Every piece of text from a post, an author or the API goes in through
// textContent / text nodes: never innerHTML. Links are http(s) only.

/** el('a', { class: 'x', href: '…' }, 'text', child): strings become text nodes. */
export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Same as el() for SVG; attribute values are numbers or our own constants, text goes in as text. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.setAttribute('class', value);
    else if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

export const $ = (id) => document.getElementById(id);

export function clear(node) {
  node.replaceChildren();
  return node;
}

/** Only http(s) URLs are ever put in an href; javascript:, data: and the rest are dropped. */
export function safeUrl(value) {
  if (typeof value !== 'string' || !value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export function externalLink(url, label) {
  const href = safeUrl(url);
  if (!href) return null;
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' }, label);
}

export function shorten(text, max) {
  const flat = String(text || '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

export function when(value) {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

/** 3d 4h / 2h 5m / 4m 10s: two units are enough to act on. */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s % 60}s`;
}

export function countdownText(due, now = Date.now()) {
  const left = due - now;
  return left >= 0 ? `${duration(left)} left` : `overdue ${duration(-left)}`;
}

/** A countdown the ticker in app.js refreshes every second. */
export function countdown(due) {
  const node = el('span', { class: 'countdown', 'data-due': String(due) });
  tickOne(node, Date.now());
  return node;
}

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

export function fmtNumber(n) {
  if (n === null || n === undefined) return '—';
  if (n >= 1_000_000) return (n / 1_000_000).toFixed(1) + 'M';
  if (n >= 10_000) return Math.round(n / 1000) + 'k';
  return String(n);
}

export function label(text) {
  return String(text || '').replaceAll('_', ' ');
}
