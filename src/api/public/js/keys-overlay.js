// @ts-check
// `?` shows every key the inbox answers to; Escape or `?` again closes it.
import { el, find } from './dom.js';

/** @type {Array<[string, Array<[string, string]>]>} */
const KEYS = [
  [
    'Queue',
    [
      ['j / k', 'next / previous item'],
      ['Enter', 'open the selected item'],
      ['a / e / r', 'open it to approve, edit or reject'],
    ],
  ],
  [
    'Item',
    [
      ['j / k', 'next / previous item in the queue'],
      ['a', 'approve (a public reply waits a few seconds: Undo)'],
      ['e', 'edit the draft'],
      ['Esc', 'cancel the edit or the reject form'],
      ['r', 'reject (urgent and safety items ask to confirm)'],
    ],
  ],
  ['Anywhere', [['?', 'show or hide this list']]],
];

export function keysOpen() {
  return Boolean(find('keys-overlay'));
}

export function closeKeys() {
  const node = find('keys-overlay');
  if (!node) return false;
  node.remove();
  return true;
}

export function toggleKeys() {
  if (closeKeys()) return;
  const close = el('button', { type: 'button', class: 'link', id: 'keys-close', onclick: () => closeKeys() }, 'Close');
  const panel = el(
    'div',
    { class: 'keys-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'keys-title' },
    el('h2', { id: 'keys-title' }, 'Keyboard shortcuts'),
    KEYS.map(([title, rows]) =>
      el(
        'section',
        {},
        el('h3', {}, title),
        el(
          'dl',
          { class: 'keys-list' },
          rows.flatMap(([k, what]) => [
            el(
              'dt',
              {},
              k.split(' / ').flatMap((part, i) => [i ? ' / ' : '', el('kbd', {}, part)]),
            ),
            el('dd', {}, what),
          ]),
        ),
      ),
    ),
    close,
  );
  const overlay = el(
    'div',
    { id: 'keys-overlay', class: 'keys-overlay', onclick: (/** @type {MouseEvent} */ e) => e.target === overlay && closeKeys() },
    panel,
  );
  document.body.append(overlay);
  close.focus();
}
