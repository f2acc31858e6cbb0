// @ts-check
// Talks to /api with the session cookie (sent by the browser, HttpOnly) and the session's CSRF
// token on every state change.

// `vocab` is the server's own list of what this user may do, the item statuses and the triage
// categories, sent with the session (src/api/vocabulary.ts) so the UI keeps no copy of them.
/**
 * @typedef {{ name: string, role: Api.Role }} Me
 * @type {{ me: Me | null, csrf: string | null, vocab: Api.Vocabulary | null, onSignedOut: (message: string) => void }}
 */
export const session = { me: null, csrf: null, vocab: null, onSignedOut: () => {} };

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {unknown} body The error answer, `{ error, message }` when the server wrote it.
   */
  constructor(status, body) {
    const message = body && typeof body === 'object' && 'message' in body && typeof body.message === 'string' ? body.message : '';
    super(message || `request failed (${status})`);
    this.status = status;
  }
}

/**
 * What a catch block holds: an ApiError, another Error, or (in theory) anything thrown.
 * @param {unknown} err
 * @returns {{ status: number | undefined, message: string }}
 */
export function failure(err) {
  if (err instanceof ApiError) return { status: err.status, message: err.message };
  return { status: undefined, message: err instanceof Error ? err.message : String(err) };
}

/**
 * Only hides buttons: the server checks every action again.
 * @param {Api.Action} action
 */
export function may(action) {
  return session.vocab !== null && session.vocab.may.includes(action);
}

/** Whether this user can give the approval a restricted item asks for (an approver or higher). */
export function isApprover() {
  return may('approveRestricted');
}

/**
 * Item statuses by group (all, open, actionable, editable, closed), as the server defines them.
 * @param {keyof Api.Vocabulary['statuses']} group
 * @returns {readonly Api.ItemStatus[]}
 */
export function statuses(group) {
  return session.vocab ? session.vocab.statuses[group] : [];
}

/** @returns {readonly Api.Category[]} */
export function categories() {
  return session.vocab ? session.vocab.categories : [];
}

/** @param {Api.SessionAnswer} me */
function remember(me) {
  session.me = { name: me.name, role: me.role };
  session.csrf = me.csrfToken;
  session.vocab = { may: me.may, statuses: me.statuses, categories: me.categories };
  return session.me;
}

/**
 * One API call. T is the answer's type from api-types/ (Api.ItemAnswer…), named by the
 * variable the answer goes into; left unnamed it is unknown, so nothing reads an answer unchecked.
 * @template [T=unknown]
 * @param {'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  /** @type {RequestInit} */
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

/**
 * @param {string} name
 * @param {string} password
 */
export async function signIn(name, password) {
  return remember(await api('POST', '/api/session', { name, password }));
}

/** On page load: is there still a session cookie? null when not. */
export async function resume() {
  try {
    return remember(await api('GET', '/api/session'));
  } catch (err) {
    if (failure(err).status === 401) return null;
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
