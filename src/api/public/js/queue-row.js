// @ts-check
// One queue row: what a responder needs to pick the next item without opening it.
import { statuses } from './api.js';
import { countdown, el, label, shorten } from './dom.js';

/**
 * "now", "12 min", "3 h", "4 d": how old the post is (not how long we have had it).
 * @param {number} at
 * @param {number} [now]
 */
export function age(at, now = Date.now()) {
  const minutes = Math.floor(Math.max(0, now - at) / 60_000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

/**
 * @typedef {Api.QueueRowAnswer} Row
 * @typedef {{ pick: (index: number, event: MouseEvent) => void, toggle: (entry: Row) => void }} RowHooks
 */

/** @param {Row['mention']} mention */
function authorOf(mention) {
  return mention ? `${mention.author.name || mention.author.handle} (@${mention.author.handle})` : 'post expired';
}

/** @param {Row} entry */
function link(entry) {
  const { item, mention } = entry;
  const snoozed = item.snoozedUntil && item.snoozedUntil > Date.now();
  return el(
    'a',
    { href: `#/item/${encodeURIComponent(item.id)}`, class: 'entry-link' },
    el('span', { class: `badge ${item.priority}` }, item.priority),
    el('span', { class: 'urgency', title: `urgency ${item.urgency} of 100` }, String(item.urgency)),
    el('span', { class: `badge status-${item.status}` }, label(item.status)),
    snoozed ? el('span', { class: 'badge snoozed' }, 'snoozed') : null,
    entry.conversation ? el('span', { class: 'badge linked', title: 'part of a linked conversation' }, 'linked') : null,
    el('span', { class: 'presence-marker', 'data-item': item.id, hidden: true }),
    statuses('closed').includes(item.status) ? null : countdown(item.slaDueAt),
    el('span', { class: 'author' }, authorOf(mention)),
    el('span', { class: 'text' }, mention ? shorten(mention.text, 180) : ''),
    el(
      'span',
      { class: 'meta' },
      el('span', { class: 'platform' }, item.platform),
      ' · ',
      el('span', { class: 'age', title: new Date(item.createdAt).toLocaleString() }, age(item.createdAt)),
      ` · ${item.brandId} · ${item.sourceId} · ${label(item.category)}${item.assignee ? ` · ${item.assignee}` : ''}`,
    ),
  );
}

/**
 * hooks: pick(index, event) for the checkbox, toggle(entry) for "+N similar"; `similar` is the
 * expanded group's entries (null while collapsed).
 * @param {Row} entry
 * @param {number} index
 * @param {Pick<import('./queue.js').QueueState, 'chosen' | 'selected' | 'expanded'>} state
 * @param {RowHooks} hooks
 */
export function rowNode(entry, index, state, hooks) {
  const { item } = entry;
  const chosen = state.chosen.has(item.id);
  const classes = ['entry', item.priority, index === state.selected ? 'selected' : '', chosen ? 'chosen' : ''].filter(Boolean).join(' ');
  const expanded = state.expanded.get(item.id);
  return el(
    'li',
    { class: classes, 'data-id': item.id, 'data-index': String(index) },
    el('input', {
      type: 'checkbox',
      class: 'pick',
      'aria-label': `Select ${authorOf(entry.mention)}`,
      checked: chosen,
      onclick: (/** @type {MouseEvent} */ event) => hooks.pick(index, event),
    }),
    link(entry),
    entry.similar > 0
      ? el(
          'button',
          { type: 'button', class: 'link similar', 'aria-expanded': expanded ? 'true' : 'false', onclick: () => hooks.toggle(entry) },
          expanded ? `Hide ${entry.similar} similar` : `+${entry.similar} similar`,
        )
      : null,
    expanded
      ? el(
          'ol',
          { class: 'similar-list' },
          expanded.map((e) => el('li', { class: `entry ${e.item.priority}`, 'data-id': e.item.id }, link(e))),
        )
      : null,
  );
}
