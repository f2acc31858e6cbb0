// @ts-check
// The queue: the server's order (urgent tier, SLA at risk, urgency, SLA left, newest), one row
// per near-duplicate group, keyset pages (previous/next), filters in the hash, bulk selection.
// The list only says "Nothing waiting" once the server has answered zero.
import { api, failure } from './api.js';
import { $, clear } from './dom.js';
import { setupBulk, updateBulk } from './queue-bulk.js';
import { currentFilters, loadViews, renderViews, setupFilterControls, showFilters } from './queue-filters.js';
import { rowNode } from './queue-row.js';
import { paint as paintPresence } from './presence.js';

const PAGE = 100;

/**
 * @typedef {Api.QueueRowAnswer} Row
 * @typedef {object} QueueState
 * @property {Row[]} entries
 * @property {number} total
 * @property {boolean} totalExact False when `total` is the server's estimate ("about N").
 * @property {string | null} next
 * @property {string | null} cursor
 * @property {Array<{ cursor: string | null, offset: number }>} back
 * @property {number} offset
 * @property {string | null} filterKey
 * @property {number} selected
 * @property {'loading' | 'ready' | 'error'} state
 * @property {string} error
 * @property {boolean} loading
 * @property {boolean} again
 * @property {boolean} filtersReady
 * @property {Set<string>} chosen
 * @property {number | null} lastPicked
 * @property {Map<string, Row[]>} expanded The open "+N similar" groups: the lead's id to the rest of the group.
 */

/** @type {QueueState} */
export const queue = {
  entries: [],
  total: 0,
  /** False when the total is the server's estimate (a common word in the search box): shown as "about". */
  totalExact: true,
  next: null,
  /** This page's cursor (null: the first page) and the pages before it, for "previous". */
  cursor: null,
  back: [],
  /** Items covered by the pages before this one (a row with +N similar covers N + 1). */
  offset: 0,
  filterKey: null,
  selected: 0,
  /** 'loading' before the first answer for these filters, then 'ready' or 'error'. */
  state: 'loading',
  error: '',
  loading: false,
  again: false,
  filtersReady: false,
  chosen: new Set(),
  lastPicked: null,
  expanded: new Map(),
};

export async function setupFilters() {
  if (queue.filtersReady) return;
  await setupFilterControls(() => loadQueue().catch(() => {}));
  setupBulk(queue, () => loadQueue().catch(() => {}));
  $('queue-more').addEventListener('click', () => turn(1));
  $('queue-prev').addEventListener('click', () => turn(-1));
  $('queue-retry').addEventListener('click', () => loadQueue().catch(() => {}));
  queue.filtersReady = true;
  await loadViews();
}

/** @param {Record<string, string>} filters */
function query(filters) {
  const params = new URLSearchParams(filters);
  params.set('collapse', '1');
  params.set('limit', String(PAGE));
  if (queue.cursor) params.set('cursor', queue.cursor);
  return params.toString();
}

const covered = () => queue.entries.reduce((n, e) => n + 1 + (e.similar || 0), 0);

function renderState() {
  const { state } = queue;
  $('queue-loading').hidden = state !== 'loading';
  $('queue-error').hidden = state !== 'error';
  $('queue-error-text').textContent = state === 'error' ? `The queue did not load: ${queue.error}` : '';
  $('queue-empty').hidden = !(state === 'ready' && queue.total === 0 && queue.entries.length === 0);
  $('items').setAttribute('aria-busy', queue.loading ? 'true' : 'false');
  const shown = covered();
  const from = queue.offset + 1;
  $('queue-count').textContent =
    state === 'ready' && shown
      ? `${from.toLocaleString()}–${(queue.offset + shown).toLocaleString()} of ${queue.totalExact === false ? 'about ' : ''}${queue.total.toLocaleString()}`
      : '';
  $('queue-more').hidden = !(state === 'ready' && queue.next);
  $('queue-prev').hidden = !(state === 'ready' && queue.back.length);
}

export function renderQueue() {
  const list = clear($('items'));
  /** @type {import('./queue-row.js').RowHooks} */
  const hooks = { pick: (index, event) => pickRow(index, event), toggle: (entry) => toggleGroup(entry) };
  queue.entries.forEach((entry, i) => list.append(rowNode(entry, i, queue, hooks)));
  renderState();
  updateBulk(queue);
  renderViews();
  paintPresence();
}

/** New filters start from the first page with nothing selected. */
function syncFilters() {
  const filters = currentFilters();
  const key = JSON.stringify(filters);
  if (key !== queue.filterKey) {
    queue.filterKey = key;
    Object.assign(queue, {
      cursor: null,
      back: [],
      offset: 0,
      entries: [],
      total: 0,
      next: null,
      selected: 0,
      state: 'loading',
      lastPicked: null,
    });
    queue.chosen.clear();
    queue.expanded.clear();
  }
  showFilters(filters);
  return filters;
}

/** Serialised: an SSE burst while a load is in flight triggers exactly one more load. */
export async function loadQueue() {
  if (queue.loading) {
    queue.again = true;
    return;
  }
  queue.loading = true;
  const filters = syncFilters();
  if (!$('queue').hidden) renderState();
  try {
    const selectedId = queue.entries[queue.selected]?.item.id;
    /** @type {Api.QueuePageAnswer} */
    const { items, total, totalExact, next } = await api('GET', `/api/inbox?${query(filters)}`);
    if (JSON.stringify(filters) !== queue.filterKey) return; // the filters moved on meanwhile
    Object.assign(queue, { entries: items, total, totalExact, next, state: 'ready', error: '' });
    const kept = items.findIndex((e) => e.item.id === selectedId);
    queue.selected = kept >= 0 ? kept : Math.min(queue.selected, Math.max(0, items.length - 1));
    const here = new Set(items.map((e) => e.item.id));
    for (const id of [...queue.expanded.keys()]) if (!here.has(id)) queue.expanded.delete(id);
  } catch (err) {
    const { status, message } = failure(err);
    if (status === 401) throw err;
    queue.state = 'error';
    queue.error = status ? message : 'the server could not be reached';
  } finally {
    queue.loading = false;
    if (!$('queue').hidden) renderQueue();
    if (queue.again) {
      queue.again = false;
      await loadQueue();
    }
  }
}

/**
 * Next (+1) or previous (-1) keyset page; the selection stays with the items chosen.
 * @param {1 | -1} step
 */
async function turn(step) {
  if (queue.loading) return;
  if (step > 0 && queue.next) {
    queue.back.push({ cursor: queue.cursor, offset: queue.offset });
    queue.offset += covered();
    queue.cursor = queue.next;
  } else if (step < 0 && queue.back.length) {
    const previous = queue.back.pop();
    if (!previous) return;
    queue.cursor = previous.cursor;
    queue.offset = previous.offset;
  } else return;
  queue.selected = 0;
  queue.state = 'loading';
  queue.entries = [];
  queue.expanded.clear();
  await loadQueue().catch(() => {});
  $('queue').scrollIntoView({ block: 'start' });
}

/**
 * @param {number} index
 * @param {MouseEvent} event The checkbox's click.
 */
function pickRow(index, event) {
  const entry = queue.entries[index];
  if (!entry || !(event.target instanceof HTMLInputElement)) return;
  const on = event.target.checked;
  const from = event.shiftKey && queue.lastPicked !== null ? Math.min(queue.lastPicked, index) : index;
  const to = event.shiftKey && queue.lastPicked !== null ? Math.max(queue.lastPicked, index) : index;
  for (let i = from; i <= to; i += 1) {
    const id = queue.entries[i]?.item.id;
    if (id === undefined) continue;
    if (on) queue.chosen.add(id);
    else queue.chosen.delete(id);
  }
  queue.lastPicked = index;
  renderQueue();
}

/** x on the queue: select or unselect the row under the cursor. */
export function toggleChosen() {
  const entry = queue.entries[queue.selected];
  if (!entry) return;
  const id = entry.item.id;
  if (queue.chosen.has(id)) queue.chosen.delete(id);
  else queue.chosen.add(id);
  queue.lastPicked = queue.selected;
  renderQueue();
}

/** @param {Row} entry */
async function toggleGroup(entry) {
  const id = entry.item.id;
  if (queue.expanded.has(id)) {
    queue.expanded.delete(id);
    return renderQueue();
  }
  const params = new URLSearchParams(currentFilters());
  params.set('similarTo', id);
  params.set('limit', '500');
  try {
    /** @type {Api.QueuePageAnswer} */
    const { items } = await api('GET', `/api/inbox?${params}`);
    queue.expanded.set(
      id,
      items.filter((e) => e.item.id !== id),
    );
  } catch (err) {
    queue.state = 'error';
    queue.error = failure(err).message;
  }
  renderQueue();
}

/** @param {number} step */
export function moveSelection(step) {
  if (queue.entries.length === 0) return;
  queue.selected = Math.max(0, Math.min(queue.entries.length - 1, queue.selected + step));
  for (const node of $('items').children) node.classList.toggle('selected', Number(node.getAttribute('data-index')) === queue.selected);
  $('items').children[queue.selected]?.scrollIntoView({ block: 'nearest' });
}

export function selectedId() {
  return queue.entries[queue.selected]?.item.id ?? null;
}

/**
 * For j/k on an item page: the neighbour in the last loaded queue.
 * @param {string | null} id
 * @param {number} step
 */
export function neighbourId(id, step) {
  const index = queue.entries.findIndex((e) => e.item.id === id);
  const next = queue.entries[index + step];
  return next ? next.item.id : null;
}
