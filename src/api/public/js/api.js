// Talks to /api with the session cookie (sent by the browser, HttpOnly) and the session's CSRF
// token on every state change.

// `vocab` is the server's own list of what this user may do, the item statuses and the triage
// categories, sent with the session (src/api/vocabulary.ts) so the UI keeps no copy of them.
export const session = { me: null, csrf: null, vocab: null, onSignedOut: () => {} };

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `request failed (${status})`);
    this.status = status;
  }
}

/** Only hides buttons: the server checks every action again. */
export function may(action) {
  return Boolean(session.vocab) && session.vocab.may.includes(action);
}

/** Whether this user can give the approval a restricted item asks for (an approver or higher). */
export function isApprover() {
  return may('approveRestricted');
}

/** Item statuses by group (all, open, actionable, editable, closed), as the server defines them. */
export function statuses(group) {
  return session.vocab ? session.vocab.statuses[group] : [];
}

export function categories() {
  return session.vocab ? session.vocab.categories : [];
}

function remember(me) {
  session.me = { name: me.name, role: me.role };
  session.csrf = me.csrfToken;
  session.vocab = { may: me.may, statuses: me.statuses, categories: me.categories };
  return session.me;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, cache: 'no-store', credentials: 'same-origin' };
  if (method !== 'GET' && session.csrf) headers['x-csrf-token'] = session.csrf;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = await res.json().catch(() => null);
  if (res.status === 401 && path !== '/api/session') {
    session.onSignedOut('Your session has ended. Sign in again.');
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export async function signIn(name, password) {
  return remember(await api('POST', '/api/session', { name, password }));
}

/** On page load: is there still a session cookie? null when not. */
export async function resume() {
  try {
    return remember(await api('GET', '/api/session'));
  } catch (err) {
    if (err.status === 401) return null;
    throw err;
  }
}

export async function signOut() {
  try {
    await api('DELETE', '/api/session');
  } finally {
    session.me = null;
    session.csrf = null;
    session.vocab = null;
  }
}
