// @ts-check
// Who else is on an item: heartbeats to the server while an item page is open ('viewing', or
// 'typing' while keys are pressed in the draft or a note), shown on the item page and as a small
// marker on queue rows. Changes arrive as 'presence' events on the live channel.
import { api, session } from './api.js';
import { clear, el, find } from './dom.js';

const BEAT_MS = 15_000;
const TYPING_IDLE_MS = 4_000;
const TYPING_RESEND_MS = 3_000;

/**
 * @typedef {{ user: string, state: Api.PresenceState, until: number }} Seen
 * @typedef {Api.PresenceState | 'gone'} Beat
 */

/**
 * itemId → [{ user, state, until }] (until in this browser's clock).
 * @type {Map<string, Seen[]>}
 */
const seen = new Map();
/**
 * @type {{ item: string | null, timer: ReturnType<typeof setInterval> | undefined, typingSent: number, idle: ReturnType<typeof setTimeout> | undefined, state: Api.PresenceState }}
 */
const me = { item: null, timer: undefined, typingSent: 0, idle: undefined, state: 'viewing' };

/**
 * @param {string} id
 * @param {Beat} state
 */
function beat(id, state) {
  /** @type {Promise<Api.PresenceBeatAnswer>} */
  const sent = api('POST', `/api/items/${encodeURIComponent(id)}/presence`, { state });
  return sent.then(
    (res) => id === me.item && store(id, res.presence),
    () => {},
  );
}

/**
 * @param {string} id
 * @param {Api.PresenceEntry[] | undefined} entries
 */
function store(id, entries) {
  const now = Date.now();
  seen.set(
    id,
    (entries || []).map((e) => ({ user: e.user, state: e.state, until: now + e.ms })),
  );
  paint();
}

/** @param {string | null} id */
function others(id) {
  const now = Date.now();
  return ((id && seen.get(id)) || []).filter((e) => e.until > now && e.user !== session.me?.name);
}

/**
 * Called by the item page once it has rendered `id`; leaving it says goodbye.
 * @param {string} id
 */
export function watchItem(id) {
  if (me.item === id) return paint();
  leaveItem();
  me.item = id;
  me.state = 'viewing';
  void beat(id, 'viewing');
  me.timer = setInterval(() => void beat(id, me.state), BEAT_MS);
}

export function leaveItem() {
  if (!me.item) return;
  clearInterval(me.timer);
  clearTimeout(me.idle);
  void beat(me.item, 'gone');
  me.item = null;
}

/**
 * Keys pressed in the draft or a note: tell others, at most every few seconds; idle means viewing again.
 * @param {string} id
 */
export function typing(id) {
  if (id !== me.item) return;
  const now = Date.now();
  if (me.state !== 'typing' || now - me.typingSent > TYPING_RESEND_MS) {
    me.state = 'typing';
    me.typingSent = now;
    void beat(id, 'typing');
  }
  clearTimeout(me.idle);
  me.idle = setTimeout(() => {
    me.state = 'viewing';
    void beat(id, 'viewing');
  }, TYPING_IDLE_MS);
}

/**
 * A live event: { action: 'presence', ids: [id], presence: [...] }.
 * @param {Api.LiveEvent} event
 */
export function onPresenceEvent(event) {
  const id = event.ids?.[0];
  if (id) store(id, event.presence);
}

/** Everyone on any item, for queue markers (on sign-in and when the live stream reconnects). */
export async function refreshAll() {
  try {
    /** @type {Api.PresenceAnswer} */
    const { items } = await api('GET', '/api/presence');
    seen.clear();
    for (const [id, entries] of Object.entries(items)) store(id, entries);
  } catch {
    // Markers are a convenience; the queue works without them.
  }
}

/** @param {Seen[]} list */
function describe(list) {
  const typingNow = list.filter((e) => e.state === 'typing').map((e) => e.user);
  const viewing = list.filter((e) => e.state === 'viewing').map((e) => e.user);
  const parts = [];
  if (typingNow.length) parts.push(`${typingNow.join(', ')} ${typingNow.length === 1 ? 'is' : 'are'} typing…`);
  if (viewing.length) parts.push(`${viewing.join(', ')} ${viewing.length === 1 ? 'is' : 'are'} viewing`);
  return parts.join(' · ');
}

/** @param {string} id */
export function presenceBar(id) {
  const node = el('p', { id: 'presence', class: 'presence', 'aria-live': 'polite', 'data-item': id });
  fill(node, others(id));
  return node;
}

/**
 * @param {HTMLElement} node
 * @param {Seen[]} list
 */
function fill(node, list) {
  clear(node);
  node.hidden = list.length === 0;
  if (list.length)
    node.append(el('span', { class: list.some((e) => e.state === 'typing') ? 'presence-dot typing' : 'presence-dot' }), describe(list));
}

/** Redraws the item page's bar and every queue marker from what is known now (also drops expired entries). */
export function paint() {
  const bar = find('presence');
  if (bar) fill(bar, others(bar.getAttribute('data-item')));
  for (const marker of document.querySelectorAll('.presence-marker[data-item]')) {
    if (!(marker instanceof HTMLElement)) continue;
    const list = others(marker.getAttribute('data-item'));
    marker.hidden = list.length === 0;
    marker.textContent = list.length ? `${list.some((e) => e.state === 'typing') ? '✎' : '👁'} ${list.map((e) => e.user).join(', ')}` : '';
    marker.title = describe(list);
  }
}

// Expired entries (a closed tab that never said goodbye) drop out without waiting for an event.
setInterval(paint, 5_000);
window.addEventListener('pagehide', () => leaveItem());
