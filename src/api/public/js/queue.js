// The queue: urgent first, then by SLA time left (the server sorts), filters, j/k selection.
import { api, session } from './api.js';
import { $, clear, countdown, el, label, shorten } from './dom.js';
import { paint as paintPresence } from './presence.js';

const CATEGORIES = ['delay_cancellation', 'lost_damaged_item', 'billing_refund', 'staff_service', 'product_defect_outage', 'account_login', 'safety_legal_press', 'praise', 'question', 'other'];
const FILTERS = ['status', 'brand', 'source', 'category', 'assignee', 'tag', 'q'];

export const queue = { entries: [], total: 0, next: null, selected: 0, loading: false, again: false, filtersReady: false };
const PAGE = 100;

function fillSelect(select, values, keep) {
  const current = select.value;
  const first = select.options[0];
  clear(select).append(first);
  for (const [value, text] of values) select.append(el('option', { value }, text));
  select.value = keep && values.some(([v]) => v === current) ? current : '';
}

/** Options come from the configured sources (brand and source ids) and the known categories. */
export async function setupFilters() {
  if (queue.filtersReady) return;
  const { sources } = await api('GET', '/api/sources');
  const brands = [...new Set(sources.map((s) => s.brand))].map((b) => [b, b]);
  fillSelect($('f-brand'), brands, true);
  fillSelect($('a-brand'), brands, true);
  fillSelect($('f-source'), sources.map((s) => [s.id, `${s.id} (${s.kind})`]), true);
  fillSelect($('f-category'), CATEGORIES.map((c) => [c, label(c)]), true);
  fillSelect($('f-assignee'), [[session.me.name, 'Me']], true);
  const { tags } = await api('GET', '/api/tags');
  fillSelect($('f-tag'), tags.map((t) => [t.tag, `${t.tag} (${t.items})`]), true);
  for (const name of FILTERS) $(`f-${name}`).addEventListener(name === 'q' ? 'input' : 'change', () => loadQueue());
  $('f-snoozed').addEventListener('change', () => loadQueue());
  $('queue-more').addEventListener('click', () => loadMore().catch(() => {}));
  queue.filtersReady = true;
}

function query() {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = $(`f-${name}`).value.trim();
    if (value) params.set(name, value);
  }
  if ($('f-snoozed').checked) params.set('snoozed', '1');
  return params.toString();
}

function entryNode(entry, index) {
  const { item, mention } = entry;
  const author = mention ? `${mention.author.name || mention.author.handle} (@${mention.author.handle})` : 'post expired';
  const snoozed = item.snoozedUntil && item.snoozedUntil > Date.now();
  return el(
    'li',
    { class: `entry ${item.priority}${index === queue.selected ? ' selected' : ''}`, 'data-id': item.id, 'data-index': String(index) },
    el(
      'a',
      { href: `#/item/${encodeURIComponent(item.id)}`, class: 'entry-link' },
      el('span', { class: `badge ${item.priority}` }, item.priority),
      el('span', { class: `badge status-${item.status}` }, label(item.status)),
      snoozed ? el('span', { class: 'badge snoozed' }, 'snoozed') : null,
      entry.conversation ? el('span', { class: 'badge linked', title: 'part of a linked conversation' }, 'linked') : null,
      el('span', { class: 'presence-marker', 'data-item': item.id, hidden: true }),
      countdown(item.slaDueAt),
      el('span', { class: 'author' }, author),
      el('span', { class: 'text' }, mention ? shorten(mention.text, 180) : ''),
      el('span', { class: 'meta' }, `${item.brandId} · ${item.sourceId} · ${label(item.category)}${item.assignee ? ` · ${item.assignee}` : ''}`),
    ),
  );
}

export function renderQueue() {
  const list = clear($('items'));
  queue.entries.forEach((entry, i) => list.append(entryNode(entry, i)));
  $('queue-empty').hidden = queue.entries.length > 0;
  // The server counts every matching item, not just the pages loaded so far.
  $('queue-count').textContent = queue.entries.length ? `${queue.entries.length} of ${queue.total}` : '';
  $('queue-more').hidden = !queue.next;
  paintPresence();
}

/** Serialised: an SSE burst while a load is in flight triggers exactly one more load. */
export async function loadQueue() {
  if (queue.loading) {
    queue.again = true;
    return;
  }
  queue.loading = true;
  try {
    const selectedId = queue.entries[queue.selected]?.item.id;
    // A live update reloads as many items as were shown, so "next page" clicks are not undone.
    const limit = Math.min(500, Math.max(PAGE, queue.entries.length));
    const { items, total, next } = await api('GET', `/api/inbox?${query()}&limit=${limit}`);
    queue.entries = items;
    queue.total = total;
    queue.next = next;
    const kept = items.findIndex((e) => e.item.id === selectedId);
    queue.selected = kept >= 0 ? kept : Math.min(queue.selected, Math.max(0, items.length - 1));
    if (!$('queue').hidden) renderQueue();
  } finally {
    queue.loading = false;
    if (queue.again) {
      queue.again = false;
      await loadQueue();
    }
  }
}

/** The page after the last one loaded (keyset cursor from the server), added below. */
export async function loadMore() {
  if (!queue.next || queue.loading) return;
  queue.loading = true;
  try {
    const { items, total, next } = await api('GET', `/api/inbox?${query()}&limit=${PAGE}&cursor=${encodeURIComponent(queue.next)}`);
    const known = new Set(queue.entries.map((e) => e.item.id));
    queue.entries = queue.entries.concat(items.filter((e) => !known.has(e.item.id)));
    queue.total = total;
    queue.next = next;
    renderQueue();
  } finally {
    queue.loading = false;
  }
}

export function moveSelection(step) {
  if (queue.entries.length === 0) return;
  queue.selected = Math.max(0, Math.min(queue.entries.length - 1, queue.selected + step));
  for (const node of $('items').children) node.classList.toggle('selected', Number(node.getAttribute('data-index')) === queue.selected);
  $('items').children[queue.selected]?.scrollIntoView({ block: 'nearest' });
}

export function selectedId() {
  return queue.entries[queue.selected]?.item.id ?? null;
}

/** For j/k on an item page: the neighbour in the last loaded queue. */
export function neighbourId(id, step) {
  const index = queue.entries.findIndex((e) => e.item.id === id);
  const next = queue.entries[index + step];
  return next ? next.item.id : null;
}
