// @ts-check
// Admin page: users and brands. Changes apply to every running process without a restart; the
// server checks the admin role on every request (this page only hides itself from others).
import { api, failure } from './api.js';
import { $, clear, el, submitButton, when } from './dom.js';
import { busy, inlineError, toast, toastError } from './toast.js';
import { addBrand, adminTable, renderBrands } from './admin-brands.js';

/** @type {Api.Role[]} */
const ROLES = ['viewer', 'responder', 'approver', 'admin'];

/** @param {unknown} err */
const reason = (err) => failure(err).message;

/**
 * A token is shown once, where the admin can copy it, and never again.
 * @param {string} name
 * @param {string} token
 */
function showToken(name, token) {
  const box = $('admin-token');
  clear(box).append(
    el(
      'p',
      {},
      el('strong', {}, `API token for ${name}`),
      ' (copy it now: it is not shown again; send it as "Authorization: Bearer <token>")',
    ),
    el('code', { id: 'admin-token-value' }, token),
    el('button', { type: 'button', class: 'link', onclick: () => (box.hidden = true) }, 'Done'),
  );
  box.hidden = false;
}

/**
 * @param {string} name
 * @param {{ role?: string, disabled?: boolean, password?: string, newToken?: boolean }} body
 * @param {HTMLButtonElement | HTMLSelectElement | null} button
 */
async function patchUser(name, body, button) {
  /** @type {Api.UserAnswer} */
  const res = await busy(button, () => api('PATCH', `/api/admin/users/${encodeURIComponent(name)}`, body));
  if (res.token) showToken(name, res.token);
  const ended = res.sessionsEnded ? ` ${res.sessionsEnded} session(s) ended.` : '';
  toast(`${name} updated.${ended}`);
  await loadAdmin();
}

/**
 * @param {Api.PublicUser} user
 * @param {HTMLElement} cell
 */
function passwordForm(user, cell) {
  const input = el('input', {
    type: 'password',
    autocomplete: 'new-password',
    minlength: '12',
    maxlength: '1024',
    'aria-label': `New password for ${user.name}`,
    required: true,
  });
  const form = el(
    'form',
    { class: 'inline-form' },
    input,
    el('button', { type: 'submit' }, 'Save'),
    el('button', { type: 'button', class: 'link', onclick: () => loadAdmin() }, 'Cancel'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await patchUser(user.name, { password: input.value }, form.querySelector('button'));
    } catch (err) {
      inlineError(form, reason(err));
    }
  });
  clear(cell).append(form);
  input.focus();
}

/**
 * @param {Api.PublicUser} user
 * @param {string | null} me
 */
function userActions(user, me) {
  const cell = el('td', { class: 'actions' });
  /**
   * @param {string} label
   * @param {{ disabled?: boolean, newToken?: boolean }} body
   * @param {string} [title]
   */
  const act = (label, body, title) => {
    const button = el(
      'button',
      { type: 'button', title, onclick: async () => patchUser(user.name, body, button).catch((err) => toastError(reason(err))) },
      label,
    );
    return button;
  };
  const endSessions = el(
    'button',
    {
      type: 'button',
      title: 'Sign this user out everywhere',
      onclick: async () => {
        try {
          /** @type {Api.SessionsEndedAnswer} */
          const res = await busy(endSessions, () => api('POST', `/api/admin/users/${encodeURIComponent(user.name)}/end-sessions`));
          toast(`${user.name}: ${res.sessionsEnded} session(s) ended.`);
        } catch (err) {
          toastError(reason(err));
        }
      },
    },
    'End sessions',
  );
  const toggle = user.disabled
    ? act('Enable', { disabled: false })
    : user.name === me
      ? null
      : act('Disable', { disabled: true }, 'Ends their sessions and refuses their token');
  cell.append(
    ...[
      toggle,
      el('button', { type: 'button', onclick: () => passwordForm(user, cell) }, 'Reset password'),
      act(user.token ? 'New token' : 'Make token', { newToken: true }, 'The old token stops working at once'),
      endSessions,
    ].filter((b) => b !== null),
  );
  return cell;
}

/** @param {Api.PublicUser} user */
function roleSelect(user) {
  const select = el(
    'select',
    { 'aria-label': `Role of ${user.name}`, 'data-user': user.name },
    ROLES.map((r) => el('option', { value: r, selected: r === user.role }, r)),
  );
  select.addEventListener('change', async () => {
    try {
      await patchUser(user.name, { role: select.value }, select);
    } catch (err) {
      select.value = user.role;
      toastError(reason(err));
    }
  });
  return select;
}

/**
 * @param {Api.PublicUser[]} users
 * @param {string | null} me
 */
function renderUsers(users, me) {
  const rows = users.map((u) =>
    el(
      'tr',
      { class: u.disabled ? 'disabled' : null, 'data-user': u.name },
      el('td', {}, u.name, u.name === me ? el('span', { class: 'muted' }, ' (you)') : null),
      el('td', {}, roleSelect(u)),
      el('td', {}, [u.password ? 'password' : null, u.token ? 'API token' : null].filter(Boolean).join(', ') || 'none'),
      el('td', {}, u.disabled ? 'disabled' : 'active'),
      el(
        'td',
        { class: 'muted', title: u.updatedAt ? `changed ${when(u.updatedAt)}` : null },
        u.managedBy === 'admin' ? 'admin' : 'config file',
      ),
      userActions(u, me),
    ),
  );
  clear($('admin-users')).append(adminTable(['Name', 'Role', 'Signs in with', 'Status', 'Set by', ''], rows));
}

/** @param {SubmitEvent} event */
async function addUser(event) {
  event.preventDefault();
  const form = $('admin-user-form');
  const body = {
    name: $('au-name').value.trim(),
    role: $('au-role').value,
    ...($('au-password').value ? { password: $('au-password').value } : {}),
    ...($('au-token').checked ? { token: true } : {}),
  };
  try {
    /** @type {Api.UserAnswer} */
    const res = await busy(submitButton(form), () => api('POST', '/api/admin/users', body));
    form.reset();
    inlineError(form, '');
    toast(`${res.user.name} added as ${res.user.role}; they can sign in now.`);
    if (res.token) showToken(res.user.name, res.token);
    await loadAdmin();
  } catch (err) {
    inlineError(form, reason(err));
  }
}

let wired = false;
/** @type {string | null} */
let me = null;

/** @param {string} myName */
export function setupAdmin(myName) {
  me = myName;
  if (wired) return;
  wired = true;
  $('au-role').replaceChildren(...ROLES.map((r) => el('option', { value: r, selected: r === 'responder' }, r)));
  $('admin-user-form').addEventListener('submit', (e) => void addUser(e));
  $('admin-brand-form').addEventListener('submit', (e) => void addBrand(e, loadAdmin));
}

export async function loadAdmin() {
  $('admin-loading').hidden = false;
  try {
    /** @type {[Promise<Api.UsersAnswer>, Promise<Api.BrandsAnswer>]} */
    const asked = [api('GET', '/api/admin/users'), api('GET', '/api/admin/brands')];
    const [{ users }, { brands }] = await Promise.all(asked);
    renderUsers(users, me);
    renderBrands(brands, loadAdmin);
  } finally {
    $('admin-loading').hidden = true;
  }
}
