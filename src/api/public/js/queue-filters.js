// @ts-check
// Queue filters live in the URL hash (#/?status=new&priority=urgent&q=refund): a link to a
// filtered queue can be shared, survives a reload, and the back button steps through filters.
// Saved views are named filter sets kept per person on the server (/api/views).
import { api, categories, failure, session, statuses } from './api.js';
import { $, clear, el, label } from './dom.js';
import { toast } from './toast.js';

/**
 * Select/input filters, by the name the API and the hash use (the control is #f-<name>).
 * @type {readonly ['status', 'priority', 'brand', 'source', 'category', 'assignee', 'tag', 'q']}
 */
export const FILTERS = ['status', 'priority', 'brand', 'source', 'category', 'assignee', 'tag', 'q'];
/** @typedef {typeof FILTERS[number] | 'snoozed'} FilterKey */
/** @typedef {Partial<Record<FilterKey, string>>} Filters */
/** @type {FilterKey[]} */
const ALL_KEYS = [...FILTERS, 'snoozed'];

/**
 * The filters in the hash now, as a plain object without empty values.
 * @returns {Filters}
 */
export function currentFilters() {
  const hash = location.hash || '#/';
  const at = hash.indexOf('?');
  const params = new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
  /** @type {Filters} */
  const out = {};
  for (const key of ALL_KEYS) {
    const value = (params.get(key) || '').trim();
    if (value) out[key] = value;
  }
  return out;
}

/** @param {Filters | Record<string, string>} filters */
export function filterHash(filters) {
  /** @type {Record<string, string | undefined>} */
  const given = filters;
  const params = new URLSearchParams();
  for (const key of ALL_KEYS) {
    const value = given[key];
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `#/?${text}` : '#/';
}

/**
 * @param {Filters | Record<string, string>} a
 * @param {Filters | Record<string, string>} b
 */
export function sameFilters(a, b) {
  return filterHash(a) === filterHash(b);
}

/**
 * Puts the hash's filters into the controls (after a reload, a shared link, back/forward).
 * @param {Filters} filters
 */
export function showFilters(filters) {
  for (const name of FILTERS) {
    const control = $(`f-${name}`);
    const value = filters[name] || '';
    if (control instanceof HTMLSelectElement && value && ![...control.options].some((o) => o.value === value))
      control.append(el('option', { value }, label(value)));
    if (control.value !== value && document.activeElement !== control) control.value = value;
  }
  $('f-snoozed').checked = filters.snoozed === '1';
}

/** @returns {Filters} */
function fromControls() {
  /** @type {Filters} */
  const out = {};
  for (const name of FILTERS) {
    const value = $(`f-${name}`).value.trim();
    if (value) out[name] = value;
  }
  if ($('f-snoozed').checked) out.snoozed = '1';
  return out;
}

/**
 * @param {HTMLSelectElement} select
 * @param {Array<[string, string]>} values
 */
function fillSelect(select, values) {
  const first = select.options[0];
  if (first) clear(select).append(first);
  for (const [value, text] of values) select.append(el('option', { value }, text));
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let typing;

/**
 * A changed select adds a history entry (back undoes it); typing in the search box replaces the
 * current entry, so back does not replay every keystroke. `reload` reloads the queue.
 * @param {() => unknown} reload
 */
export async function setupFilterControls(reload) {
  /** @type {Api.SourcesAnswer} */
  const { sources } = await api('GET', '/api/sources');
  /** @type {Array<[string, string]>} */
  const brands = [...new Set(sources.map((s) => s.brand))].map((b) => [b, b]);
  fillSelect($('f-brand'), brands);
  fillSelect($('a-brand'), brands);
  fillSelect(
    $('f-source'),
    sources.map((s) => [s.id, `${s.id} (${s.kind})`]),
  );
  // The server's statuses, then every status at once; the first option (open items) stays.
  fillSelect($('f-status'), [...statuses('all').map((s) => /** @type {[string, string]} */ ([s, label(s)])), ['all', 'All']]);
  fillSelect(
    $('f-category'),
    categories().map((c) => [c, label(c)]),
  );
  fillSelect($('f-assignee'), session.me ? [[session.me.name, 'Me']] : []);
  /** @type {Api.TagListAnswer} */
  const { tags } = await api('GET', '/api/tags');
  fillSelect(
    $('f-tag'),
    tags.map((t) => [t.tag, `${t.tag} (${t.items})`]),
  );
  for (const name of FILTERS.filter((n) => n !== 'q'))
    $(`f-${name}`).addEventListener('change', () => (location.hash = filterHash(fromControls())));
  $('f-snoozed').addEventListener('change', () => (location.hash = filterHash(fromControls())));
  $('f-q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      history.replaceState(null, '', filterHash(fromControls()));
      reload();
    }, 250);
  });
  setupViews();
}

/** @type {{ list: Api.SavedView[] }} */
const views = { list: [] };

export async function loadViews() {
  try {
    /** @type {Api.ViewsAnswer} */
    const answer = await api('GET', '/api/views');
    views.list = answer.views;
  } catch {
    views.list = [];
  }
  renderViews();
}

export function renderViews() {
  const here = currentFilters();
  const tabs = clear($('view-tabs'));
  $('views')
    .querySelector('[data-view=""]')
    ?.classList.toggle('active', Object.keys(here).length === 0);
  for (const view of views.list) {
    const active = sameFilters(view.filters, here);
    tabs.append(
      el(
        'span',
        { class: `view-tab${active ? ' active' : ''}` },
        el('a', { href: filterHash(view.filters), 'data-view': view.id, ...(active ? { 'aria-current': 'page' } : {}) }, view.name),
        el(
          'button',
          { type: 'button', class: 'link view-delete', 'aria-label': `Delete the view ${view.name}`, onclick: () => deleteView(view) },
          '×',
        ),
      ),
    );
  }
}

/** @param {Api.SavedView} view */
async function deleteView(view) {
  try {
    await api('DELETE', `/api/views/${encodeURIComponent(view.id)}`);
    await loadViews();
  } catch (err) {
    toast(failure(err).message, { kind: 'error' });
  }
}

function setupViews() {
  $('view-save').addEventListener('click', () => {
    $('view-form').hidden = false;
    $('view-save').hidden = true;
    $('view-name').focus();
  });
  const done = () => {
    $('view-form').hidden = true;
    $('view-save').hidden = false;
    $('view-name').value = '';
  };
  $('view-cancel').addEventListener('click', done);
  $('view-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/api/views', { name: $('view-name').value.trim(), filters: currentFilters() });
      done();
      await loadViews();
    } catch (err) {
      toast(failure(err).message, { kind: 'error' });
    }
  });
}
