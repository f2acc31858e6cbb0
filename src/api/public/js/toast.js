// @ts-check
// Toasts and inline errors any page can use. Toasts sit fixed at the bottom of the viewport, so a
// message is visible wherever the page is scrolled; screen readers hear them through aria-live
// (errors assertively). Text goes in through textContent only.
import { el } from './dom.js';

const DEFAULT_MS = { info: 4000, error: 9000 };

/**
 * @typedef {object} ToastOptions
 * @property {'info' | 'error'} [kind]
 * @property {string} [id] A toast with this id replaces the one before it.
 * @property {number} [ms] How long it stays; 0 keeps it until closed.
 * @property {{ label: string, onClick: () => void }} [action]
 * @typedef {{ node: HTMLElement, close: () => void, update: (next: string) => void }} Toast
 */

/** @param {'info' | 'error'} kind */
function region(kind) {
  const id = kind === 'error' ? 'toasts-alert' : 'toasts';
  let node = document.getElementById(id);
  if (node) return node;
  const stack = document.getElementById('toast-stack') ?? document.body.appendChild(el('div', { id: 'toast-stack', class: 'toast-stack' }));
  node = el('div', kind === 'error' ? { id, role: 'alert', 'aria-live': 'assertive' } : { id, role: 'status', 'aria-live': 'polite' });
  stack.append(node);
  return node;
}

/**
 * toast('Saved') / toast(err.message, { kind: 'error' }) /
 * toast('Sent', { action: { label: 'Undo', onClick } }). `ms: 0` keeps it until closed.
 * Returns { node, close, update(text) }.
 * @param {unknown} message
 * @param {ToastOptions} [options]
 * @returns {Toast}
 */
export function toast(message, options = {}) {
  const kind = options.kind === 'error' ? 'error' : 'info';
  const text = el('span', { class: 'toast-text' }, String(message ?? ''));
  const close = () => {
    clearTimeout(timer);
    node.remove();
  };
  const wanted = options.action;
  const action = wanted
    ? el('button', { type: 'button', class: 'toast-action', onclick: () => (close(), wanted.onClick()) }, wanted.label)
    : null;
  const node = el(
    'div',
    { class: `toast ${kind}`, ...(options.id ? { id: options.id } : {}) },
    text,
    action,
    el('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: close }, '×'),
  );
  if (options.id) document.getElementById(options.id)?.remove();
  region(kind).append(node);
  const ms = options.ms ?? DEFAULT_MS[kind];
  const timer = ms > 0 ? setTimeout(close, ms) : undefined;
  return { node, close, update: (next) => void (text.textContent = String(next)) };
}

/** @param {unknown} message */
export function toastError(message) {
  return toast(message, { kind: 'error' });
}

/**
 * An error drawn right after the control it belongs to (the Approve button, a form), replacing
 * the previous one there; an empty message removes it.
 * @param {HTMLElement | null | undefined} anchor
 * @param {unknown} message
 */
export function inlineError(anchor, message) {
  if (!anchor) return null;
  const key = anchor.id || 'anon';
  // Inside a row of buttons the message goes under the row, not between two buttons.
  const after = anchor.closest('.actions') ?? anchor;
  document.querySelector(`.inline-error[data-for="${CSS.escape(key)}"]`)?.remove();
  if (!message) return null;
  const node = el('p', { class: 'inline-error', role: 'alert', 'data-for': key }, String(message));
  after.insertAdjacentElement('afterend', node);
  node.scrollIntoView?.({ block: 'nearest' });
  return node;
}

/**
 * Runs `work` with `button` showing a busy state (disabled, aria-busy, optional label).
 * @template T
 * @param {HTMLButtonElement | HTMLSelectElement | null | undefined} button
 * @param {() => Promise<T>} work
 * @param {string} [label]
 * @returns {Promise<T>}
 */
export async function busy(button, work, label) {
  if (!button) return work();
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (label) button.textContent = label;
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
    button.disabled = false;
    if (label && button.isConnected) button.textContent = before;
  }
}
