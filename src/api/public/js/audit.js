// @ts-check
// The audit log: one sentence per action, newest first, filtered by who, what, which item and
// when, in pages, with a CSV export of exactly what the filters select. The filters live in the
// URL (#/audit?actor=ana&action=item.approved), so a view can be shared and survives a reload.
import { api } from './api.js';
import { cardTable } from './card-table.js';
import { $, clear, el, label, when } from './dom.js';

const PAGE = 50;
/** @typedef {'actor' | 'action' | 'itemId' | 'from' | 'to'} Field */
/** @typedef {Partial<Record<Field, string>>} AuditFilters */
/** @type {Field[]} */
const FIELDS = ['actor', 'action', 'itemId', 'from', 'to'];
/**
 * Cursors of the pages before the current one, so "Newer" goes back exactly.
 * @type {{ cursors: Array<string | null>, cursor: string | null, filters: AuditFilters }}
 */
const view = { cursors: [], cursor: null, filters: {} };

/** @returns {AuditFilters} */
function hashFilters() {
  const query = location.hash.split('?')[1] ?? '';
  const params = new URLSearchParams(query);
  return Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? '']).filter(([, v]) => v));
}

/** @param {AuditFilters} filters */
function setHash(filters) {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  const hash = params.toString() ? `#/audit?${params}` : '#/audit';
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

/**
 * Local calendar days → epoch ms: from the start of `from` to the end of `to`.
 * @param {AuditFilters} filters
 * @param {string | null} cursor
 */
function apiParams(filters, cursor) {
  const params = new URLSearchParams();
  if (filters.actor) params.set('actor', filters.actor);
  if (filters.action) params.set('action', filters.action);
  if (filters.itemId) params.set('itemId', filters.itemId);
  if (filters.from) params.set('from', String(new Date(`${filters.from}T00:00:00`).getTime()));
  if (filters.to) params.set('to', String(new Date(`${filters.to}T00:00:00`).getTime() + 86_400_000));
  if (cursor) params.set('cursor', cursor);
  return params;
}

/**
 * @param {HTMLSelectElement} select
 * @param {readonly string[]} values
 * @param {string} any
 * @param {(value: string) => string} [format]
 */
function options(select, values, any, format = (v) => v) {
  const chosen = select.value;
  clear(select).append(el('option', { value: '' }, any), ...values.map((v) => el('option', { value: v }, format(v))));
  select.value = values.includes(chosen) ? chosen : '';
}

/**
 * @param {AuditFilters} filters
 * @param {Api.AuditPageAnswer['filters']} offered
 */
function form(filters, offered) {
  const actor = el('select', { id: 'au-actor', name: 'actor' });
  const action = el('select', { id: 'au-action', name: 'action' });
  options(actor, offered.actors, 'Anyone');
  options(action, offered.actions, 'Any action', (a) => label(a.replace('.', ': ')));
  actor.value = filters.actor ?? '';
  action.value = filters.action ?? '';
  const item = el('input', { id: 'au-item', name: 'itemId', maxlength: '64', placeholder: 'item id', value: filters.itemId ?? '' });
  const from = el('input', { id: 'au-from', name: 'from', type: 'date', value: filters.from ?? '' });
  const to = el('input', { id: 'au-to', name: 'to', type: 'date', value: filters.to ?? '' });
  const apply = () => {
    const next = { actor: actor.value, action: action.value, itemId: item.value.trim(), from: from.value, to: to.value };
    setHash(next);
    void show(next, null, []);
  };
  const clearAll = () => {
    setHash({});
    void show({}, null, []);
  };
  return el(
    'form',
    { class: 'toolbar audit-filters', id: 'audit-filters', onsubmit: (/** @type {SubmitEvent} */ e) => (e.preventDefault(), apply()) },
    el('label', {}, 'Who', actor),
    el('label', {}, 'Action', action),
    el('label', {}, 'Item', item),
    el('label', {}, 'From', from),
    el('label', {}, 'To', to),
    el('button', { type: 'submit', id: 'au-apply' }, 'Filter'),
    el('button', { type: 'button', id: 'au-clear', onclick: clearAll }, 'Clear'),
    el(
      'a',
      { class: 'button', id: 'au-csv', href: `/api/export/audit.csv?${apiParams(filters, null)}`, download: 'earshot-audit.csv' },
      'Export CSV',
    ),
  );
}

/** @param {Api.AuditLine} a */
function row(a) {
  return el(
    'tr',
    { 'data-action': a.action },
    el('td', { class: 'when' }, when(a.at)),
    el('td', { class: 'what' }, a.text ?? `${a.actor} ${a.action}`),
    el('td', {}, a.itemId ? el('a', { href: `#/item/${encodeURIComponent(a.itemId)}` }, 'Open item') : ''),
    el('td', { class: 'muted' }, a.action),
  );
}

/**
 * @param {number} total
 * @param {number} shown
 * @param {string | null} next
 */
function pager(total, shown, next) {
  const first = view.cursors.length * PAGE + 1;
  const range = shown ? `${first}–${first + shown - 1} of ${total}` : `0 of ${total}`;
  const newer = el(
    'button',
    {
      type: 'button',
      id: 'au-newer',
      disabled: view.cursors.length === 0,
      onclick: () => void show(view.filters, view.cursors.at(-1) ?? null, view.cursors.slice(0, -1)),
    },
    '← Newer',
  );
  const older = el(
    'button',
    { type: 'button', id: 'au-older', disabled: !next, onclick: () => void show(view.filters, next, [...view.cursors, view.cursor]) },
    'Older →',
  );
  return el('div', { class: 'pager' }, newer, el('span', { id: 'audit-count', class: 'muted', 'aria-live': 'polite' }, range), older);
}

/**
 * @param {AuditFilters} filters
 * @param {string | null} cursor
 * @param {Array<string | null>} cursors
 */
async function show(filters, cursor, cursors) {
  const body = $('audit-body');
  /** @type {Api.AuditPageAnswer} */
  const data = await api('GET', `/api/audit/page?${apiParams(filters, cursor)}&limit=${PAGE}`);
  Object.assign(view, { filters, cursor, cursors });
  const table = cardTable('audit', ['When', 'What happened', 'Item', 'Kind'], data.entries.map(row));
  clear(body).append(
    form(filters, data.filters),
    data.entries.length ? table : el('p', { class: 'muted', id: 'audit-empty' }, 'No entries match these filters.'),
    pager(data.total, data.entries.length, data.next),
  );
}

export async function loadAudit() {
  const body = $('audit-body');
  if (!body.childElementCount) body.append(el('p', { class: 'muted' }, 'Loading…'));
  await show(hashFilters(), null, []);
}
