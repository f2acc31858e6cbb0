// Earshot web inbox. Plain browser JS, no build step.
// Every piece of text from a post, an author or the API is set with textContent or
// createElement: never innerHTML. The CSP forbids inline script and style anyway.
'use strict';

(function () {
  const TOKEN_KEY = 'earshot.token';
  const REFRESH_MS = 5000;
  const RANK = { viewer: 0, responder: 1, approver: 2, admin: 3 };
  const NEEDS = { edit: 'responder', assign: 'responder', reject: 'responder', approve: 'approver', resend: 'approver' };

  const state = { me: null, timer: null, listBusy: false };
  const $ = (id) => document.getElementById(id);

  // ---- small DOM helpers -------------------------------------------------

  /** el('a', { class: 'x', href: '…' }, 'text', child) — strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  /** Only http(s) links are ever put in an href; anything else (javascript:, data:) is dropped. */
  function safeUrl(value) {
    if (typeof value !== 'string' || !value) return null;
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch {
      return null;
    }
  }

  function externalLink(url, label) {
    const href = safeUrl(url);
    if (!href) return null;
    return el('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' }, label);
  }

  function shorten(text, max) {
    const flat = String(text || '').replace(/\s+/g, ' ').trim();
    return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
  }

  function when(value) {
    if (value === null || value === undefined || value === '') return '';
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
  }

  function may(action) {
    return Boolean(state.me) && RANK[state.me.role] >= RANK[NEEDS[action]];
  }

  function show(section) {
    for (const id of ['login', 'list', 'detail']) $(id).hidden = id !== section;
  }

  function showError(message) {
    const box = $('error');
    box.textContent = message || '';
    box.hidden = !message;
  }

  // ---- API ---------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || 'request failed (' + status + ')');
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { Authorization: 'Bearer ' + token };
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    const data = await res.json().catch(() => null);
    if (res.status === 401) {
      signOut('Your token was not accepted. Sign in again.');
      throw new ApiError(401, data);
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  // ---- sign in -----------------------------------------------------------

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.me = null;
    stopRefresh();
    $('who').textContent = '';
    $('logout').hidden = true;
    show('login');
    showError(message || '');
  }

  async function signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    try {
      state.me = await api('GET', '/api/me');
    } catch (err) {
      if (err.status !== 401) showError(err.message);
      return;
    }
    $('who').textContent = state.me.name + ' (' + state.me.role + ')';
    $('logout').hidden = false;
    showError('');
    route();
  }

  // ---- inbox list --------------------------------------------------------

  function listQuery() {
    const params = new URLSearchParams();
    const status = $('filter-status').value;
    const q = $('filter-q').value.trim();
    if (status) params.set('status', status);
    if (q) params.set('q', q);
    params.set('limit', '200');
    return params.toString();
  }

  function listEntry(entry) {
    const { item, mention, triage } = entry;
    const author = mention ? '@' + mention.author.handle : 'unknown author';
    const reasons = triage && triage.reasons.length ? triage.reasons.slice(0, 2).join(' · ') : '';
    const link = el(
      'a',
      { href: '#/items/' + encodeURIComponent(item.id), class: 'item-link' },
      el(
        'div',
        { class: 'item-head' },
        item.priority === 'urgent' ? el('span', { class: 'badge urgent', text: 'URGENT' }) : null,
        el('span', { class: 'urgency', title: 'urgency', text: String(item.urgency) }),
        el('span', { class: 'status status-' + item.status, text: item.status.replace('_', ' ') }),
        el('span', { class: 'author', text: author }),
        el('span', { class: 'muted', text: item.platform }),
        item.assignee ? el('span', { class: 'muted', text: '→ ' + item.assignee }) : null,
      ),
      el('div', { class: 'item-text', text: mention ? shorten(mention.text, 200) : '(post no longer stored)' }),
      reasons ? el('div', { class: 'reasons', text: reasons }) : null,
    );
    return el('li', { class: item.priority === 'urgent' ? 'item is-urgent' : 'item' }, link);
  }

  async function loadList() {
    if (state.listBusy || !state.me) return;
    state.listBusy = true;
    try {
      const data = await api('GET', '/api/inbox?' + listQuery());
      $('items').replaceChildren(...data.items.map(listEntry));
      $('list-empty').hidden = data.items.length > 0;
      $('list-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      showError('');
    } catch (err) {
      if (err.status !== 401) showError('Could not load the inbox: ' + err.message);
    } finally {
      state.listBusy = false;
    }
  }

  function startRefresh() {
    stopRefresh();
    state.timer = setInterval(() => {
      if (!document.hidden) loadList();
    }, REFRESH_MS);
  }

  function stopRefresh() {
    if (state.timer) clearInterval(state.timer);
    state.timer = null;
  }

  // ---- item detail -------------------------------------------------------

  function statusBlock(item) {
    const box = el('div', { class: 'status-block status-' + item.status });
    box.append(el('strong', { text: 'Status: ' + item.status.replace('_', ' ') }));
    if (item.assignee) box.append(el('span', { text: ' · assigned to ' + item.assignee }));
    if (item.status === 'posted') {
      box.append(el('span', { text: ' · replied ' + when(item.postedAt) + ' ' }), externalLink(item.replyUrl, 'view the reply') || '');
    }
    if (item.status === 'needs_check') {
      box.append(
        el('p', { class: 'prominent', text: 'Check before resending: we do not know whether the reply went out.' }),
        el('p', { class: 'last-error', text: item.lastError || 'no error recorded' }),
      );
    } else if (item.lastError) {
      box.append(el('p', { class: 'last-error', text: 'Last error: ' + item.lastError }));
    }
    if (item.status === 'rejected' && item.rejectReason) box.append(el('p', { text: 'Rejected: ' + item.rejectReason }));
    return box;
  }

  function postBlock(mention) {
    if (!mention) return el('section', { class: 'card' }, el('p', { class: 'muted', text: 'The post is no longer stored.' }));
    return el(
      'section',
      { class: 'card post' },
      el('p', { class: 'meta' }, mention.platform + ' · ' + when(mention.createdAt) + ' ', externalLink(mention.url, 'open the post') || ''),
      el('blockquote', { class: 'post-text', text: mention.text }),
    );
  }

  function authorBlock(mention, author) {
    const card = el('section', { class: 'card author' }, el('h2', { text: 'Author' }));
    if (!mention) return card;
    const a = mention.author;
    const followers = a.followers === null || a.followers === undefined ? 'reach unknown' : a.followers + ' followers';
    card.append(el('p', {}, el('strong', { text: a.name || a.handle }), ' @' + a.handle + ' · ' + followers + ' ', externalLink(a.url, 'profile') || ''));
    if (author && author.profile) {
      const p = author.profile;
      card.append(el('p', { class: 'muted', text: p.mentions + ' mentions · ' + p.complaints + ' complaints · ' + p.replies + ' replies sent' }));
    }
    const history = author ? author.history : [];
    if (history.length) {
      const list = el('ul', { class: 'history' });
      for (const h of history) {
        list.append(
          el(
            'li',
            { class: 'history-' + h.kind },
            el('span', { class: 'muted', text: when(h.at) + ' · ' + (h.kind === 'reply' ? 'our reply' : 'post') + ' ' }),
            el('span', { text: shorten(h.text || '', 160) }),
            h.url ? ' ' : '',
            externalLink(h.url, 'link') || '',
          ),
        );
      }
      card.append(el('h3', { text: 'History' }), list);
    }
    return card;
  }

  function triageBlock(triage) {
    if (!triage) return null;
    return el(
      'section',
      { class: 'card triage' },
      el('h2', { text: 'Why it is here' }),
      el('p', { class: 'muted', text: 'urgency ' + triage.urgency + ' · ' + triage.sentiment + ' · ' + triage.category.replace(/_/g, ' ') }),
      el('ul', {}, triage.reasons.map((r) => el('li', { text: r }))),
    );
  }

  function draftBlock(detail) {
    const { item } = detail;
    const editable = ['new', 'assigned', 'failed', 'needs_check'].includes(item.status);
    const area = el('textarea', { id: 'draft', rows: 6, maxlength: 5000, disabled: !editable || !may('edit') });
    area.value = item.draft;
    const warnings = el('ul', { class: 'warnings' }, item.draftWarnings.map((w) => el('li', { text: w })));
    const button = (label, action, handler, enabled) =>
      el('button', { type: 'button', disabled: !enabled || !may(action), title: may(action) ? null : 'needs the ' + NEEDS[action] + ' role', onclick: handler }, label);
    const buttons = el(
      'div',
      { class: 'buttons' },
      button('Save draft', 'edit', () => saveDraft(item, area.value), editable),
      button('Approve', 'approve', () => approve(item, area.value), ['new', 'assigned', 'failed'].includes(item.status)),
      button('Reject', 'reject', () => reject(item), editable),
      button('Assign to me', 'assign', () => assignToMe(item), editable && item.assignee !== (state.me && state.me.name)),
      item.status === 'needs_check' ? button('Resend', 'resend', () => resend(item), true) : null,
    );
    return el('section', { class: 'card draft' }, el('h2', { text: 'Reply draft (v' + item.draftVersion + ')' }), area, warnings, buttons);
  }

  async function loadItem(id) {
    try {
      const detail = await api('GET', '/api/items/' + encodeURIComponent(id));
      $('detail-body').replaceChildren(
        statusBlock(detail.item),
        postBlock(detail.mention),
        triageBlock(detail.triage) || '',
        draftBlock(detail),
        authorBlock(detail.mention, detail.author),
      );
      showError('');
    } catch (err) {
      $('detail-body').replaceChildren();
      if (err.status !== 401) showError('Could not load the item: ' + err.message);
    }
  }

  // ---- actions -----------------------------------------------------------

  async function act(id, method, path, body) {
    try {
      await api(method, '/api/items/' + encodeURIComponent(id) + path, body);
      await loadItem(id);
      return true;
    } catch (err) {
      if (err.status !== 401) showError(err.message);
      return false;
    }
  }

  async function saveDraft(item, text) {
    await act(item.id, 'PUT', '/draft', { text, draftVersion: item.draftVersion });
  }

  async function approve(item, text) {
    let version = item.draftVersion;
    if (text !== item.draft) {
      // Approve what is on screen: save the edit first, then approve the version it became.
      try {
        const saved = await api('PUT', '/api/items/' + encodeURIComponent(item.id) + '/draft', { text, draftVersion: version });
        item = saved.item;
        version = item.draftVersion;
      } catch (err) {
        if (err.status !== 401) showError(err.message);
        return;
      }
    }
    const acknowledgeWarnings = item.draftWarnings.length > 0 && window.confirm('The draft has warnings:\n- ' + item.draftWarnings.join('\n- ') + '\n\nApprove anyway?');
    if (item.draftWarnings.length > 0 && !acknowledgeWarnings) return loadItem(item.id);
    await act(item.id, 'POST', '/approve', { draftVersion: version, acknowledgeWarnings });
  }

  async function reject(item) {
    const reason = window.prompt('Why reject? (for example: spam, already answered elsewhere)');
    if (reason === null) return;
    if (!reason.trim()) return showError('A reason is needed to reject.');
    await act(item.id, 'POST', '/reject', { reason: reason.trim().slice(0, 500) });
  }

  async function assignToMe(item) {
    await act(item.id, 'POST', '/assign', { assignee: state.me.name });
  }

  async function resend(item) {
    if (!window.confirm('Did you check the platform and the reply is NOT there? Resending may post it twice otherwise.')) return;
    await act(item.id, 'POST', '/resend', {});
  }

  // ---- routing -----------------------------------------------------------

  function route() {
    if (!sessionStorage.getItem(TOKEN_KEY)) return signOut('');
    if (!state.me) return signIn(sessionStorage.getItem(TOKEN_KEY));
    const match = /^#\/items\/([^/]+)$/.exec(location.hash);
    if (match) {
      stopRefresh();
      show('detail');
      $('detail-body').replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
      loadItem(decodeURIComponent(match[1]));
    } else {
      show('list');
      loadList();
      startRefresh();
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      $('token').value = '';
      if (token) signIn(token);
    });
    $('logout').addEventListener('click', () => signOut(''));
    $('filter-status').addEventListener('change', loadList);
    let debounce = null;
    $('filter-q').addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(loadList, 300);
    });
    window.addEventListener('hashchange', route);
    route();
  });
})();
