// @ts-check
// Draft alternatives on the item page (composer, team, model), saved replies, model rewrites,
// and the drafting settings page. The item page leaves a <div id="draft-alternatives">; when it
// is not there yet this module adds one after the draft card. Text goes in as text only.
import { api, failure, may, statuses } from './api.js';
import { $, clear, el, find, findAs } from './dom.js';
import { reload } from './item.js';
import { showError } from './ui.js';

/**
 * @typedef {Api.DraftsAnswer & { currentText?: string | null }} Drafts The answer, plus the draft as shown when it came.
 * @typedef {Api.Offered | Api.RewriteAnswer['alternative']} Alternative
 * @typedef {{ source: 'composer' | 'team' | 'model', index: number } | { source: 'rewrite', style: string } | { source: 'saved', savedId: string }} Choice
 */

/** @type {Record<string, string>} */
const SOURCE_LABEL = { composer: 'Composer (playbook)', team: "Team's past reply", model: 'Language model', rewrite: 'Model rewrite' };
/** @type {Promise<Api.DraftsAnswer> | null} */
let loading = null;

function itemIdFromHash() {
  const m = /^#\/items?\/([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
  return m?.[1] ?? null;
}

function container() {
  let box = find('draft-alternatives');
  if (box) {
    box.classList.add('card', 'alternatives');
    return box;
  }
  const draft = document.querySelector('#item-body .card.draft');
  if (!draft) return null;
  box = el('div', { id: 'draft-alternatives', class: 'card alternatives' });
  draft.after(box);
  return box;
}

/** @param {string[] | undefined} list */
function warnings(list) {
  if (!list || !list.length) return null;
  return el(
    'ul',
    { class: 'alt-warnings' },
    list.map((w) => el('li', {}, w)),
  );
}

/**
 * `detail` is free-form on the server (Record<string, unknown>): each field is checked before use.
 * @param {Alternative} a
 */
function sourceNote(a) {
  const detail = a.detail ?? {};
  const answered = detail['answeredItem'];
  if (a.source === 'team' && typeof answered === 'string' && answered)
    return el('a', { href: `#/item/${encodeURIComponent(answered)}`, class: 'muted' }, 'the post it answered');
  if (a.source === 'model')
    return el(
      'span',
      { class: 'muted' },
      `${String(detail['model'] ?? '')}${detail['leavesMachine'] ? ' · post text left this machine' : ' · on this machine'}`,
    );
  const used = detail['used'];
  if (a.source === 'composer' && Array.isArray(used)) return el('span', { class: 'muted' }, used.map(String).join(' · '));
  return null;
}

/**
 * @param {string} id
 * @param {Choice & { text: string, draftVersion: number }} payload
 */
async function choose(id, payload) {
  try {
    await api('POST', `/api/items/${encodeURIComponent(id)}/drafts/use`, payload);
    await reload();
  } catch (err) {
    showError(failure(err).message);
  }
}

/**
 * @param {string} id
 * @param {Drafts} data
 * @param {Choice} payload
 * @param {string} text
 */
function useButton(id, data, payload, text) {
  const editable = may('edit') && statuses('editable').includes(data.current.status);
  if (!editable) return null;
  if (text === data.currentText) return el('span', { class: 'badge' }, 'current draft');
  return el(
    'button',
    { type: 'button', class: 'use-alt', onclick: () => choose(id, { ...payload, text, draftVersion: data.current.draftVersion }) },
    'Use this',
  );
}

/**
 * @param {string} id
 * @param {Drafts} data
 * @param {Alternative} a
 */
function alternativeCard(id, data, a) {
  return el(
    'li',
    { class: `alt alt-${a.source}` },
    el('div', { class: 'alt-head' }, el('strong', {}, SOURCE_LABEL[a.source] || a.source), ' ', sourceNote(a)),
    el('p', { class: 'alt-text' }, a.text),
    warnings(a.warnings),
    a.source === 'rewrite'
      ? useButton(id, data, { source: 'rewrite', style: a.style }, a.text)
      : useButton(id, data, { source: a.source, index: a.index }, a.text),
  );
}

/**
 * @param {string} id
 * @param {Drafts} data
 */
function savedPicker(id, data) {
  if (!data.saved.length) return null;
  const select = el(
    'select',
    { id: 'saved-reply', 'aria-label': 'Saved reply' },
    el('option', { value: '' }, 'Saved replies…'),
    data.saved.map((s) => el('option', { value: s.id }, s.title)),
  );
  const preview = el('p', { class: 'alt-text', id: 'saved-preview' });
  const bar = el('div', { class: 'saved-bar' });
  select.addEventListener('change', () => {
    const s = data.saved.find((x) => x.id === select.value);
    preview.textContent = s ? s.text : '';
    clear(bar).append(
      ...[s && warnings(s.warnings), s && useButton(id, data, { source: 'saved', savedId: s.id }, s.text)].filter((n) => n instanceof Node),
    );
  });
  return el('div', { class: 'saved' }, el('h3', {}, 'Saved replies'), select, preview, bar);
}

/**
 * @param {string} id
 * @param {Drafts} data
 * @param {HTMLElement} list
 */
function rewriteBar(id, data, list) {
  if (!data.rewrites.length || !may('edit') || !statuses('editable').includes(data.current.status)) return null;
  /** @type {Record<string, string>} */
  const names = { shorter: 'Shorter', warmer: 'Warmer', formal: 'More formal' };
  /**
   * @param {string} style
   * @param {HTMLButtonElement} button
   */
  const ask = async (style, button) => {
    button.disabled = true;
    try {
      /** @type {Api.RewriteAnswer} */
      const res = await api('POST', `/api/items/${encodeURIComponent(id)}/drafts/rewrite`, {
        style,
        draftVersion: data.current.draftVersion,
      });
      list.prepend(alternativeCard(id, data, res.alternative));
    } catch (err) {
      showError(failure(err).message);
    } finally {
      button.disabled = false;
    }
  };
  return el(
    'div',
    { class: 'rewrite-bar' },
    el('span', { class: 'muted' }, 'Rewrite the draft: '),
    data.rewrites.map((style) => {
      const b = el('button', { type: 'button', class: 'rewrite' }, names[style] || style);
      b.addEventListener('click', () => ask(style, b));
      return b;
    }),
  );
}

/**
 * @param {HTMLElement} box
 * @param {string} id
 * @param {Drafts} data
 */
function render(box, id, data) {
  const list = el(
    'ol',
    { class: 'alt-list' },
    data.alternatives.map((a) => alternativeCard(id, data, a)),
  );
  const leaves =
    data.model && data.model.leavesMachine
      ? el('p', { class: 'notice' }, `Drafting with ${data.model.model} at ${data.model.host}: post text leaves this machine.`)
      : null;
  // append() would write "null" for a part that is not there.
  clear(box).append(
    ...[el('h2', {}, 'Other drafts'), leaves, rewriteBar(id, data, list), list, savedPicker(id, data)].filter((n) => n !== null),
  );
}

async function refresh() {
  const id = itemIdFromHash();
  const box = id ? container() : null;
  if (!id || !box || box.dataset['loaded'] === id) return;
  box.dataset['loaded'] = id;
  const current = findAs('draft-text', HTMLTextAreaElement);
  /** @type {Promise<Api.DraftsAnswer>} */
  const mine = (loading = api('GET', `/api/items/${encodeURIComponent(id)}/drafts`));
  try {
    /** @type {Drafts} */
    const data = await mine;
    if (loading !== mine || itemIdFromHash() !== id) return;
    data.currentText = current ? current.value : null;
    render(box, id, data);
  } catch (err) {
    const { status, message } = failure(err);
    if (status !== 401) clear(box).append(el('p', { class: 'muted' }, `Other drafts are unavailable: ${message}`));
  }
}

// The item page re-renders on every change (live events too): draw again each time it does.
const body = $('item-body');
if (body) new MutationObserver(() => void refresh()).observe(body, { childList: true });

/** The settings page: where each brand drafts, and whether post text leaves the machine. */
export async function loadDraftSettings() {
  const box = clear($('settings-body'));
  /** @type {Api.DraftingAnswer} */
  const data = await api('GET', '/api/drafting');
  box.append(
    el(
      'div',
      { class: 'card' },
      el('h2', {}, 'Drafting'),
      el(
        'p',
        {},
        `Playbook snippets in: ${data.languages.join(', ') || 'none (one template per category)'}; ${data.savedReplies} saved replies.`,
      ),
    ),
    el(
      'div',
      { class: 'card' },
      el('h2', {}, 'Language models'),
      el(
        'ul',
        { class: 'models' },
        data.models.map((m) =>
          el(
            'li',
            {},
            el('strong', {}, m.brandName),
            ' ',
            m.model ? `${m.model} at ${m.host}` : 'offline composer only (no model configured)',
            m.leavesMachine
              ? el('p', { class: 'notice' }, 'Post text leaves this machine: it is sent to this endpoint for every draft.')
              : m.model
                ? el('span', { class: 'muted' }, ' · on this machine')
                : null,
          ),
        ),
      ),
    ),
  );
}
