// @ts-check
// "Mentions me": a header badge with how many internal notes name me that I have not opened yet,
// and a short list of them. Opening the item marks them read (the server does that).
import { api } from './api.js';
import { $, clear, el, find, shorten, when } from './dom.js';

/** The last answer's notes, for the list the badge opens. @type {Api.MentionOfMe[]} */
let latest = [];

function badge() {
  let node = find('mentions-badge');
  if (node) return node;
  node = el(
    'button',
    {
      type: 'button',
      id: 'mentions-badge',
      class: 'link mentions-badge',
      'aria-haspopup': 'true',
      'aria-expanded': 'false',
      onclick: () => toggleList(),
    },
    '@',
  );
  $('nav').append(node);
  return node;
}

export async function refreshMentions() {
  try {
    /** @type {Api.MentionsAnswer} */
    const { unseen, recent } = await api('GET', '/api/mentions');
    const node = badge();
    node.textContent = unseen ? `@ Mentions (${unseen})` : '@ Mentions';
    node.classList.toggle('unseen', unseen > 0);
    latest = recent;
    if (find('mentions-list')) renderList(recent);
  } catch {
    // A badge is a convenience; nothing else depends on it.
  }
}

/** @param {Api.MentionOfMe[]} recent */
function renderList(recent) {
  const list =
    find('mentions-list') ??
    document.body.appendChild(
      el('div', { id: 'mentions-list', class: 'mentions-list card', role: 'dialog', 'aria-label': 'Notes that mention me' }),
    );
  clear(list).append(
    el('h2', {}, 'Notes that mention me'),
    recent.length
      ? el(
          'ol',
          {},
          recent.map((m) =>
            el(
              'li',
              { class: m.seen ? '' : 'unseen' },
              el('a', { href: `#/item/${encodeURIComponent(m.itemId)}`, onclick: () => list.remove() }, `${m.author} · ${when(m.at)}`),
              el('div', {}, shorten(m.body, 160)),
            ),
          ),
        )
      : el('p', { class: 'muted' }, 'Nobody has mentioned you yet.'),
  );
}

function toggleList() {
  const open = find('mentions-list');
  badge().setAttribute('aria-expanded', open ? 'false' : 'true');
  if (open) return open.remove();
  renderList(latest);
}
