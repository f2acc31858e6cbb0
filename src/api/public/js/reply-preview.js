// @ts-check
// The reply as it will be posted (mention prefix, invisible characters removed) with a live
// counter in the platform's own way of counting; the server renders and counts it
// (src/playbook/reply-limits.ts), so there is one implementation of every platform's rules.
import { api } from './api.js';
import { el, find } from './dom.js';

const DEBOUNCE_MS = 150;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
let latest = 0;

export function previewBlock() {
  return el(
    'div',
    { class: 'reply-preview', id: 'reply-preview' },
    el(
      'div',
      { class: 'preview-head' },
      el('span', { class: 'muted' }, 'As posted'),
      el('span', { id: 'reply-count', class: 'reply-count', 'aria-live': 'polite' }),
    ),
    el('p', { id: 'reply-as-posted', class: 'as-posted' }),
  );
}

/** @param {Api.ReplyPreviewAnswer} check */
function show(check) {
  const count = find('reply-count');
  const text = find('reply-as-posted');
  if (!count || !text) return;
  text.textContent = check.text;
  count.textContent = check.limit === null ? `${check.count} characters` : `${check.count} / ${check.limit}`;
  count.title = check.how;
  count.classList.toggle('over', check.over);
  count.classList.toggle('near', !check.over && check.limit !== null && check.count > check.limit * 0.9);
}

/**
 * @typedef {(check: Api.ReplyPreviewAnswer) => void} AfterPreview
 */

/**
 * Asks now; answers that arrive out of order are dropped.
 * @param {string} id
 * @param {string} text
 * @param {AfterPreview} [after]
 */
export async function previewNow(id, text, after) {
  const mine = ++latest;
  try {
    /** @type {Api.ReplyPreviewAnswer} */
    const check = await api('POST', `/api/items/${encodeURIComponent(id)}/preview`, { text });
    if (mine !== latest) return;
    show(check);
    after?.(check);
  } catch {
    // The counter is a help; approve still checks the length on the server.
  }
}

/**
 * @param {string} id
 * @param {string} text
 * @param {AfterPreview} [after]
 */
export function schedulePreview(id, text, after) {
  clearTimeout(timer);
  timer = setTimeout(() => void previewNow(id, text, after), DEBOUNCE_MS);
}
