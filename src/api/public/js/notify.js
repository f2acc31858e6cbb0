// @ts-check
// Opt-in browser notifications with a short sound for new urgent items. The live channel only
// says which ids were created; the page asks the queue for the newest urgent items and
// announces the ones it has not seen. The sound is made with WebAudio: no file to fetch.
import { api } from './api.js';
import { $, shorten } from './dom.js';

const KEY = 'earshot.notify';
/** @type {{ seen: Set<string> | null, audio: AudioContext | null, checking: boolean, pending: Set<string> }} */
const state = { seen: null, audio: null, checking: false, pending: new Set() };

/** Safari before 14.1 has only the prefixed constructor. */
const audioContext = () =>
  /** @type {{ AudioContext?: typeof AudioContext, webkitAudioContext?: typeof AudioContext }} */ (window).AudioContext ??
  /** @type {{ webkitAudioContext?: typeof AudioContext }} */ (window).webkitAudioContext;

const supported = () => typeof Notification !== 'undefined';
const enabled = () => supported() && Notification.permission === 'granted' && localStorage.getItem(KEY) === '1';

function label() {
  const button = $('notify');
  if (!supported()) return void (button.hidden = true);
  button.hidden = false;
  if (Notification.permission === 'denied') button.textContent = 'Notifications are blocked in this browser';
  else button.textContent = enabled() ? 'Urgent notifications on (turn off)' : 'Notify me of urgent items';
  button.setAttribute('aria-pressed', enabled() ? 'true' : 'false');
}

/** Two short tones, quiet: enough to turn a head, not to startle. */
export function chime() {
  const Context = audioContext();
  if (!Context) return;
  state.audio ??= new Context();
  const ctx = state.audio;
  const now = ctx.currentTime;
  [880, 660].forEach((hz, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.0001, now + i * 0.16);
    gain.gain.exponentialRampToValueAtTime(0.15, now + i * 0.16 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.16 + 0.15);
    osc.connect(gain).connect(ctx.destination);
    osc.start(now + i * 0.16);
    osc.stop(now + i * 0.16 + 0.16);
  });
}

async function urgentNow() {
  /** @type {Api.QueuePageAnswer} */
  const { items } = await api('GET', '/api/inbox?priority=urgent&status=new&limit=50');
  return items;
}

async function toggle() {
  if (enabled()) {
    localStorage.removeItem(KEY);
    return label();
  }
  const answer = await Notification.requestPermission();
  if (answer === 'granted') {
    localStorage.setItem(KEY, '1');
    // Created inside the click, so the browser lets it play later.
    const Context = audioContext();
    if (Context) state.audio ??= new Context();
    state.seen = new Set((await urgentNow().catch(() => [])).map((e) => e.item.id));
  }
  label();
}

export function setupNotify() {
  label();
  if (supported()) $('notify').addEventListener('click', () => void toggle());
}

/** @param {{ item: Api.InboxItem, mention: Api.ItemDetailAnswer['mention'] }} entry */
function announce(entry) {
  const { item, mention } = entry;
  const who = mention ? `@${mention.author.handle}` : 'a post';
  const note = new Notification(`Urgent (${item.urgency}): ${who} on ${item.platform}`, {
    body: mention ? shorten(mention.text, 140) : '',
    tag: item.id,
  });
  note.addEventListener('click', () => {
    window.focus();
    location.hash = `#/item/${item.id}`;
    note.close();
  });
}

/**
 * Called for every live inbox event; only "created" ones can bring a new urgent item. Events
 * that arrive while a check runs are kept and checked right after, never dropped.
 * @param {{ action: string, ids: string[] }} event
 */
export async function onLiveEvent(event) {
  if (!enabled() || event.action !== 'inbox.created') return;
  for (const id of event.ids) state.pending.add(id);
  if (state.checking) return;
  state.checking = true;
  try {
    while (state.pending.size) {
      const created = new Set(state.pending);
      state.pending.clear();
      await check(created);
    }
  } finally {
    state.checking = false;
  }
}

/**
 * Reads the created items themselves: a check of "the top urgent items" missed a new urgent item
 * whenever more urgent ones were already waiting (the queue puts higher urgency first).
 * @param {Set<string>} created
 */
async function check(created) {
  try {
    const seen = (state.seen ??= new Set());
    const ids = [...created].filter((id) => !seen.has(id)).slice(0, 20);
    for (const id of ids) seen.add(id);
    /** @type {Array<Api.ItemDetailAnswer | null>} */
    const entries = await Promise.all(
      ids.map((id) => /** @type {Promise<Api.ItemDetailAnswer>} */ (api('GET', `/api/items/${encodeURIComponent(id)}`)).catch(() => null)),
    );
    const fresh = entries.filter((e) => e !== null && e.item.priority === 'urgent' && e.item.status === 'new');
    if (fresh.length === 0) return;
    for (const entry of fresh.slice(0, 3)) if (entry) announce(entry);
    chime();
  } catch {
    // A missed notification is not worth an error on screen; the queue still shows the item.
  }
}
