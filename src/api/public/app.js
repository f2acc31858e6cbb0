// @ts-check
// Earshot web inbox: plain ES modules, no build step. Untrusted text only ever goes in through
// textContent (see js/dom.js); the CSP forbids inline script and style anyway.
import { loadAnalytics, setupAnalytics } from './js/analytics.js';
import { failure, may, resume, session, signIn, signOut } from './js/api.js';
import { loadAdmin, setupAdmin } from './js/admin.js';
import { loadAudit } from './js/audit.js';
import { loadDraftSettings } from './js/drafts.js';
import { $, tickAll } from './js/dom.js';
import { approveCurrent, escapeItem, startEdit } from './js/item-actions.js';
import { startReject } from './js/item-reject.js';
import { current, loadItem, reload } from './js/item.js';
import { closeKeys, toggleKeys } from './js/keys-overlay.js';
import { refreshMentions } from './js/mentions.js';
import { onLiveEvent, setupNotify } from './js/notify.js';
import { leaveItem, onPresenceEvent, refreshAll } from './js/presence.js';
import { loadQueue, moveSelection, neighbourId, queue, renderQueue, selectedId, setupFilters, toggleChosen } from './js/queue.js';
import { loadSources, startBanner, stopBanner } from './js/sources.js';
import { show, showError } from './js/ui.js';
import { loadSpikes, showSpikeBanner } from './js/spikes.js';

/** @type {{ source: EventSource | null, timer: ReturnType<typeof setTimeout> | undefined }} */
const live = { source: null, timer: undefined };
/**
 * A key pressed on the queue that acts on the item once its page has loaded.
 * @type {(() => unknown) | null}
 */
let pendingAction = null;

async function route() {
  if (!session.me) return show('login');
  showError('');
  const hash = location.hash || '#/';
  // `#/items/<id>` too: alerts sent before the link fix are still in people's chat history.
  const item = /^#\/items?\/([A-Za-z0-9_-]{1,64})$/.exec(hash);
  // Leaving an item page tells the others on it.
  if (!item) leaveItem();
  const spike = /^#\/spikes(?:\/(s_[A-Za-z0-9_-]{1,40}))?$/.exec(hash);
  try {
    if (item?.[1]) {
      show('item');
      await loadItem(item[1]);
      const action = pendingAction;
      pendingAction = null;
      if (action) await action();
    } else if (hash === '#/analytics') {
      show('analytics');
      setupAnalytics();
      await loadAnalytics();
    } else if (hash === '#/sources') {
      show('sources');
      await loadSources();
    } else if (hash === '#/settings') {
      show('settings');
      await loadDraftSettings();
    } else if (spike) {
      show('spikes');
      await loadSpikes(spike[1] ?? null);
    } else if (hash === '#/admin' && may('admin')) {
      show('admin');
      setupAdmin(session.me.name);
      await loadAdmin();
    } else if (hash === '#/audit' || hash.startsWith('#/audit?')) {
      show('audit');
      await loadAudit();
    } else {
      current.id = null;
      show('queue');
      renderQueue();
      void showSpikeBanner().catch(() => undefined);
      await loadQueue();
    }
  } catch (err) {
    const { status, message } = failure(err);
    if (status !== 401) showError(message);
  }
}

/** One EventSource; each inbox change reloads what is on screen (coalesced within 250 ms). */
function startLive() {
  if (live.source) return;
  live.source = new EventSource('/api/events');
  live.source.addEventListener('open', () => {
    $('live').hidden = false;
    void refreshAll();
  });
  live.source.addEventListener('error', () => ($('live').hidden = true));
  live.source.addEventListener('signed-out', () => signedOut('Your session has ended. Sign in again.'));
  live.source.addEventListener('inbox', (event) => {
    /** @type {string[]} */
    let ids = [];
    /** @type {Api.LiveEvent} */
    let data;
    try {
      data = JSON.parse(event.data);
      ids = data.ids || [];
      void onLiveEvent({ action: data.action, ids });
    } catch {
      return;
    }
    // Presence changes redraw markers only; a note may mention me.
    if (data.action === 'presence') return onPresenceEvent(data);
    if (data.action === 'note.added') void refreshMentions();
    clearTimeout(live.timer);
    live.timer = setTimeout(() => {
      if (!$('queue').hidden) loadQueue().catch(() => {});
      if (!$('item').hidden && current.id && ids.includes(current.id)) reload().catch(() => {});
    }, 250);
  });
}

function stopLive() {
  live.source?.close();
  live.source = null;
  $('live').hidden = true;
}

async function enter() {
  if (!session.me) return;
  $('who').textContent = `${session.me.name} (${session.me.role})`;
  $('logout').hidden = false;
  $('nav').hidden = false;
  $('nav-audit').hidden = !may('audit');
  $('nav-admin').hidden = !may('admin');
  await setupFilters();
  setupNotify();
  startLive();
  startBanner();
  void refreshMentions();
  await route();
}

/** @param {string} [message] */
function signedOut(message) {
  leaveItem();
  session.me = null;
  session.csrf = null;
  session.vocab = null;
  stopLive();
  stopBanner();
  $('who').textContent = '';
  $('logout').hidden = true;
  $('nav').hidden = true;
  queue.filtersReady = false;
  show('login');
  showError(message || '');
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/**
 * j/k move, Enter opens, a/e/r act; on the queue, a/e/r open the selected item first.
 * @param {KeyboardEvent} event
 */
async function onKey(event) {
  if (event.defaultPrevented) return;
  if (event.key === 'Escape' && (closeKeys() || escapeItem())) return void event.preventDefault();
  const target = event.target instanceof Element ? event.target.tagName : '';
  if (!session.me || event.ctrlKey || event.metaKey || event.altKey || TYPING.has(target)) return;
  const onItem = !$('item').hidden;
  const onQueue = !$('queue').hidden;
  const key = event.key;
  if (key === '?') return toggleKeys();
  if (onQueue && (key === 'j' || key === 'k')) return moveSelection(key === 'j' ? 1 : -1);
  if (onQueue && key === 'x') return toggleChosen();
  if (onItem && (key === 'j' || key === 'k')) {
    const next = neighbourId(current.id, key === 'j' ? 1 : -1);
    if (next) location.hash = `#/item/${next}`;
    return;
  }
  if (onQueue && key === 'Enter' && selectedId()) return void (location.hash = `#/item/${selectedId()}`);
  /** @type {Record<string, () => unknown>} */
  const actions = { a: approveCurrent, e: startEdit, r: startReject };
  const action = actions[key];
  if (!action) return;
  event.preventDefault();
  if (onQueue && selectedId()) {
    pendingAction = action;
    location.hash = `#/item/${selectedId()}`;
    return;
  }
  if (onItem) await action();
}

function wire() {
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    showError('');
    try {
      await signIn($('login-name').value.trim(), $('login-password').value);
      $('login-password').value = '';
      await enter();
    } catch (err) {
      const { status, message } = failure(err);
      showError(status === 429 ? message : status === 401 ? 'Wrong user name or password.' : message);
    }
  });
  $('logout').addEventListener('click', async () => {
    await signOut().catch(() => {});
    signedOut('Signed out.');
  });
  window.addEventListener('hashchange', () => route());
  $('sources-refresh').addEventListener('click', () => void loadSources().catch((err) => showError(failure(err).message)));
  document.addEventListener('keydown', (event) => void onKey(event));
  session.onSignedOut = signedOut;
  setInterval(tickAll, 1000);
}

async function boot() {
  wire();
  try {
    if (await resume()) return await enter();
  } catch (err) {
    showError(failure(err).message);
  }
  show('login');
}

boot();
