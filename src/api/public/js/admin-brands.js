// @ts-check
// The admin page's brands: the names, keywords, handles and hashtags that file a post under a brand.
import { api, failure } from './api.js';
import { cardTable, labelCells } from './card-table.js';
import { $, clear, el, submitButton } from './dom.js';
import { busy, inlineError, toast } from './toast.js';

/** @typedef {() => Promise<void>} Reload */

/**
 * The admin page's tables: one header row, then the rows given.
 * @param {string[]} headers
 * @param {HTMLElement[]} rows
 */
export const adminTable = (headers, rows) => cardTable('audit admin-table', headers, rows);

const BRAND_COLUMNS = ['Id', 'Name', 'Keywords', 'Handles', 'Hashtags', 'Set by', ''];

/** @param {unknown} err */
const reason = (err) => failure(err).message;

/**
 * "a, b ,c" -> ['a', 'b', 'c']: how keyword lists are typed in one field.
 * @param {string} value
 */
function terms(value) {
  return String(value || '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * @param {Api.PublicBrand} brand
 * @param {Reload} reload
 */
function brandEditRow(brand, reload) {
  const input = (/** @type {string} */ field, /** @type {string} */ value, /** @type {string} */ label) =>
    el('input', { value, 'aria-label': `${label} of ${brand.id}`, 'data-field': field, maxlength: '2000' });
  const fields = [
    input('name', brand.name, 'Name'),
    input('keywords', brand.keywords.join(', '), 'Keywords'),
    input('handles', brand.handles.join(', '), 'Handles'),
    input('hashtags', brand.hashtags.join(', '), 'Hashtags'),
  ];
  const save = el('button', { type: 'button' }, 'Save');
  save.addEventListener('click', async () => {
    const [name = '', keywords = '', handles = '', hashtags = ''] = fields.map((f) => f.value);
    try {
      await busy(save, () =>
        api('PATCH', `/api/admin/brands/${encodeURIComponent(brand.id)}`, {
          name: name.trim(),
          keywords: terms(keywords),
          handles: terms(handles),
          hashtags: terms(hashtags),
        }),
      );
      toast(`Brand ${brand.id} saved; workers use it for the next post.`);
      await reload();
    } catch (err) {
      inlineError(save, reason(err));
    }
  });
  return el(
    'tr',
    { 'data-brand': brand.id },
    el('td', {}, brand.id),
    fields.map((f) => el('td', {}, f)),
    el('td', {}),
    el('td', { class: 'actions' }, save, el('button', { type: 'button', class: 'link', onclick: () => reload() }, 'Cancel')),
  );
}

/**
 * @param {Api.PublicBrand[]} brands
 * @param {Reload} reload
 */
export function renderBrands(brands, reload) {
  const rows = brands.map((b) => {
    const row = el(
      'tr',
      { 'data-brand': b.id },
      el('td', {}, b.id),
      el('td', {}, b.name),
      el('td', {}, b.keywords.join(', ')),
      el('td', {}, b.handles.join(', ')),
      el('td', {}, b.hashtags.map((t) => `#${t.replace(/^#/, '')}`).join(' ')),
      el('td', { class: 'muted' }, b.managedBy === 'admin' ? 'admin' : 'config file'),
      el(
        'td',
        { class: 'actions' },
        el('button', { type: 'button', onclick: () => row.replaceWith(labelCells(BRAND_COLUMNS, brandEditRow(b, reload))) }, 'Edit'),
      ),
    );
    return row;
  });
  clear($('admin-brands')).append(adminTable(BRAND_COLUMNS, rows));
}

/**
 * @param {SubmitEvent} event
 * @param {Reload} reload
 */
export async function addBrand(event, reload) {
  event.preventDefault();
  const form = $('admin-brand-form');
  const body = {
    id: $('ab-id').value.trim(),
    name: $('ab-name').value.trim(),
    keywords: terms($('ab-keywords').value),
    handles: terms($('ab-handles').value),
    hashtags: terms($('ab-hashtags').value),
  };
  try {
    /** @type {Api.BrandAnswer} */
    const res = await busy(submitButton(form), () => api('POST', '/api/admin/brands', body));
    form.reset();
    inlineError(form, '');
    toast(`Brand ${res.brand.name} added; posts naming it are filed under it from now on.`);
    await reload();
  } catch (err) {
    inlineError(form, reason(err));
  }
}
