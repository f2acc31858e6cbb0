// Talks to /api with the session cookie (sent by the browser, HttpOnly) and the session's CSRF
// token on every state change.

export const session = { me: null, csrf: null, onSignedOut: () => {} };

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `request failed (${status})`);
    this.status = status;
  }
}

const RANK = { viewer: 0, responder: 1, approver: 2, admin: 3 };
const NEEDS = { edit: 'responder', assign: 'responder', reject: 'responder', snooze: 'responder', triage: 'responder', approve: 'responder', resend: 'approver', audit: 'approver' };

/** Only hides buttons: the server checks every action again. */
export function may(action) {
  return Boolean(session.me) && RANK[session.me.role] >= RANK[NEEDS[action]];
}

export function isApprover() {
  return Boolean(session.me) && RANK[session.me.role] >= RANK.approver;
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
  const me = await api('POST', '/api/session', { name, password });
  session.me = { name: me.name, role: me.role };
  session.csrf = me.csrfToken;
  return session.me;
}

/** On page load: is there still a session cookie? null when not. */
export async function resume() {
  try {
    const me = await api('GET', '/api/session');
    session.me = { name: me.name, role: me.role };
    session.csrf = me.csrfToken;
    return session.me;
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
  }
}
