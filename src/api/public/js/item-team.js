// @ts-check
// Working together on one item: the author's other open items and the conversation they form,
// internal notes with @mentions, tags, and assigning to a colleague.
import { api, failure, may, session, statuses } from './api.js';
import { el, findAs, label, when } from './dom.js';
import { typing } from './presence.js';
import { busy, inlineError, toast } from './toast.js';

/**
 * @typedef {Api.ItemDetailAnswer} Detail
 * @typedef {Api.TeamAnswer} Team
 * @typedef {() => Promise<void>} Reload
 */

/**
 * @param {HTMLButtonElement} button
 * @param {() => Promise<unknown>} work
 * @param {Reload} reload
 */
async function act(button, work, reload) {
  inlineError(button, '');
  try {
    await busy(button, work);
    await reload();
  } catch (err) {
    const { message } = failure(err);
    inlineError(button, message);
    toast(message, { kind: 'error' });
  }
}

/** @param {Pick<Api.InboxItem, 'id' | 'status' | 'priority' | 'urgency' | 'category' | 'sourceId' | 'createdAt'>} item */
function itemLink(item) {
  return el(
    'a',
    { href: `#/item/${encodeURIComponent(item.id)}` },
    `${label(item.status)} · ${item.priority} · urgency ${item.urgency} · ${label(item.category)} · ${item.sourceId} · ${when(item.createdAt)}`,
  );
}

/**
 * One person, one conversation: their other open items, and once this one is answered, an offer
 * to close them as answered here (or link them), so nobody answers the same person twice.
 * @param {Detail} detail
 * @param {Team} team
 * @param {Reload} reload
 */
export function conversationBlock(detail, team, reload) {
  const { item } = detail;
  const others = team.authorOpen;
  const linked = team.conversation.items;
  if (!others.length && !linked.length) return null;
  const answered = statuses('answered').includes(item.status);
  const ids = others.map((o) => o.id);
  const close = el(
    'button',
    {
      type: 'button',
      id: 'close-answered',
      class: answered ? 'primary' : '',
      onclick: () => act(close, () => closeOthers(item.id, ids), reload),
    },
    `Close ${ids.length === 1 ? 'it' : `all ${ids.length}`} as answered here`,
  );
  const link = el(
    'button',
    { type: 'button', id: 'link-others', onclick: () => act(link, () => api('POST', `/api/items/${item.id}/link`, { ids }), reload) },
    'Link as one conversation',
  );
  return el(
    'div',
    { class: `card conversation${answered && others.length ? ' offer' : ''}`, id: 'conversation' },
    others.length
      ? el('h2', {}, `This author has ${others.length} other open item${others.length === 1 ? '' : 's'}`)
      : el('h2', {}, 'Conversation'),
    answered && others.length
      ? el('p', { class: 'policy' }, 'You answered this one. Close the others as answered here, so nobody answers this person twice.')
      : null,
    others.length ? otherItems(others, linked) : null,
    others.length && may('reject') ? el('div', { class: 'actions' }, close, may('edit') ? link : null) : null,
    linked.length ? linkedItems(linked) : null,
  );
}

/**
 * @param {Team['authorOpen']} others
 * @param {Team['conversation']['items']} linked
 */
function otherItems(others, linked) {
  return el(
    'ul',
    { class: 'other-items' },
    others.map((o) =>
      el(
        'li',
        { 'data-id': o.id },
        itemLink(o),
        o.assignee ? ` · ${o.assignee}` : '',
        linked.some((l) => l.id === o.id) ? el('span', { class: 'badge linked' }, 'linked') : null,
      ),
    ),
  );
}

/** @param {Team['conversation']['items']} linked */
function linkedItems(linked) {
  return el(
    'details',
    {},
    el('summary', {}, `Linked items (${linked.length})`),
    el(
      'ul',
      { class: 'other-items' },
      linked.map((l) => el('li', {}, itemLink(l), l.rejectReason ? ` · ${l.rejectReason}` : '')),
    ),
  );
}

/**
 * @param {string} id
 * @param {string[]} ids
 */
async function closeOthers(id, ids) {
  /** @type {Api.CloseAnsweredAnswer} */
  const { closed, skipped } = await api('POST', `/api/items/${id}/close-answered`, { ids });
  toast(
    `Closed ${closed.length} as answered here${skipped.length ? `; ${skipped.length} left: ${skipped.map((s) => s.why).join('; ')}` : ''}.`,
  );
}

/**
 * Note text like "@ana" becomes a highlighted mention only when ana is a user (names from the server).
 * @param {Api.Note} note
 */
function noteText(note) {
  /** @type {Array<string | HTMLElement>} */
  const parts = [];
  const names = new Set(note.mentions.map((m) => m.toLowerCase()));
  const me = session.me?.name.toLowerCase();
  let last = 0;
  for (const m of note.body.matchAll(/@([\w.-]{1,64})/gu)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!names.has(name.replace(/[.-]+$/, ''))) continue;
    parts.push(note.body.slice(last, m.index), el('span', { class: name === me ? 'mention me' : 'mention' }, m[0]));
    last = m.index + m[0].length;
  }
  parts.push(note.body.slice(last));
  return el('div', { class: 'note-body' }, parts);
}

/** @param {Team['notes']} notes */
function noteList(notes) {
  return el(
    'ol',
    { class: 'note-list' },
    notes.map((n) =>
      el(
        'li',
        { class: n.mentions.includes(session.me?.name ?? '') ? 'note mentions-me' : 'note' },
        el('span', { class: 'muted' }, `${n.author} · ${when(n.at)}`),
        noteText(n),
      ),
    ),
  );
}

/**
 * @param {Detail} detail
 * @param {Team} team
 * @param {Reload} reload
 */
export function notesBlock(detail, team, reload) {
  const { item } = detail;
  const input = el('textarea', {
    id: 'note-text',
    rows: '2',
    maxlength: '4000',
    placeholder: 'Internal note (never posted). @name tells a colleague.',
    'aria-label': 'Internal note',
    oninput: () => typing(item.id),
  });
  const add = el('button', { type: 'submit', id: 'add-note' }, 'Add note');
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    act(
      add,
      async () => {
        await api('POST', `/api/items/${item.id}/notes`, { body });
        input.value = '';
      },
      reload,
    );
  };
  const names = team.assignees.map((a) => a.name).join(', ');
  return el(
    'div',
    { class: 'card notes', id: 'notes' },
    el('h2', {}, `Internal notes (${team.notes.length})`),
    noteList(team.notes),
    may('edit')
      ? el(
          'form',
          { class: 'note-form', onsubmit: submit },
          input,
          el('div', { class: 'actions' }, add, el('span', { class: 'hint' }, `Mention: ${names}`)),
        )
      : null,
  );
}

/**
 * @param {Api.InboxItem} item
 * @param {string[]} tags
 * @param {Reload} reload
 */
function tagsBlock(item, tags, reload) {
  const input = el('input', { id: 'tag-input', maxlength: '32', placeholder: 'add a tag', 'aria-label': 'Add a tag', list: 'known-tags' });
  const add = el('button', { type: 'submit', id: 'add-tag' }, 'Add');
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    if (input.value.trim()) act(add, () => api('POST', `/api/items/${item.id}/tags`, { tag: input.value }), reload);
  };
  const chip = (/** @type {string} */ tag) => {
    const remove = el(
      'button',
      {
        type: 'button',
        class: 'chip-remove',
        'aria-label': `Remove tag ${tag}`,
        onclick: () => act(remove, () => api('DELETE', `/api/items/${item.id}/tags/${encodeURIComponent(tag)}`), reload),
      },
      '×',
    );
    return el('li', { class: 'chip' }, tag, may('edit') ? remove : null);
  };
  return el(
    'div',
    { class: 'tags-block' },
    el('h3', {}, 'Tags'),
    tags.length ? el('ul', { class: 'chips', id: 'tags' }, tags.map(chip)) : el('p', { class: 'muted', id: 'tags' }, 'No tags.'),
    may('edit') ? el('form', { class: 'inline-form', onsubmit: submit }, input, add) : null,
  );
}

/**
 * @param {Api.InboxItem} item
 * @param {Team} team
 * @param {Reload} reload
 */
function assignBlock(item, team, reload) {
  if (!may('assign') || !statuses('actionable').includes(item.status)) return null;
  const select = el(
    'select',
    { id: 'assign-to', 'aria-label': 'Assign to' },
    el('option', { value: '' }, 'Nobody'),
    team.assignees.map((a) =>
      el('option', { value: a.name, selected: a.name === item.assignee }, a.name === session.me?.name ? `${a.name} (me)` : a.name),
    ),
  );
  const go = el(
    'button',
    {
      type: 'button',
      id: 'assign-other',
      onclick: () => act(go, () => api('POST', `/api/items/${item.id}/assign`, { assignee: select.value || null }), reload),
    },
    'Assign',
  );
  return el('div', { class: 'assign-block' }, el('h3', {}, 'Assigned to'), el('div', { class: 'inline-form' }, select, go));
}

/**
 * @param {Detail} detail
 * @param {Team} team
 * @param {Reload} reload
 */
export function sideTeamBlock(detail, team, reload) {
  return el('aside', { class: 'card team-card' }, assignBlock(detail.item, team, reload), tagsBlock(detail.item, team.tags, reload));
}

/**
 * Text typed into the note and tag boxes survives a live reload of the page.
 * @typedef {{ note: string, tag: string, focus: string | null }} Typed
 * @returns {Typed}
 */
export function keepTyped() {
  const note = findAs('note-text', HTMLTextAreaElement);
  const tag = findAs('tag-input', HTMLInputElement);
  return { note: note?.value ?? '', tag: tag?.value ?? '', focus: document.activeElement?.id ?? null };
}

/** @param {Typed} typed */
export function restoreTyped(typed) {
  const note = findAs('note-text', HTMLTextAreaElement);
  const tag = findAs('tag-input', HTMLInputElement);
  if (note && typed.note) note.value = typed.note;
  if (tag && typed.tag) tag.value = typed.tag;
  if (typed.focus === 'note-text') note?.focus();
  if (typed.focus === 'tag-input') tag?.focus();
}
