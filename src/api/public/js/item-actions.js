// @ts-check
// The draft and everything a person can do to an item. Buttons a role cannot use are not drawn;
// the server refuses them anyway. Errors appear next to the button pressed and as a toast.
import { api, categories, failure, isApprover, may, session, statuses } from './api.js';
import { el, find, findAs, label, when } from './dom.js';
import { typing } from './presence.js';
import { previewBlock, previewNow, schedulePreview } from './reply-preview.js';
import { busy, inlineError, toast } from './toast.js';
import { showError } from './ui.js';

/** @type {Array<[string, number]>} */
const SNOOZES = [
  ['1h', 3_600_000],
  ['4h', 4 * 3_600_000],
  ['1 day', 86_400_000],
];

/**
 * @typedef {Api.ItemDetailAnswer} Detail
 * @typedef {Api.TeamAnswer} Team
 * @typedef {() => Promise<void>} Reload
 */

/** @type {Reload} */
let reloadItem = async () => {};
/** @type {Detail | null} */
let detailNow = null;
/** @type {Team | null} */
let teamNow = null;

const draftText = () => findAs('draft-text', HTMLTextAreaElement);
const button = (/** @type {string} */ id) => findAs(id, HTMLButtonElement);

/**
 * Runs an action with `button` busy; a refusal is shown beside it (never only below the fold).
 * @template T
 * @param {HTMLButtonElement | null} button
 * @param {() => Promise<T>} action
 * @returns {Promise<T | undefined>}
 */
async function run(button, action) {
  showError('');
  inlineError(button, '');
  try {
    const result = await busy(button, action);
    await reloadItem();
    return result;
  } catch (err) {
    const { status, message } = failure(err);
    const stale = status === 409 && /draft changed/.test(message);
    inlineError(button, message);
    toast(message, { kind: 'error', ...(stale ? { action: { label: 'Reload', onClick: () => void reloadItem() } } : {}) });
    return undefined;
  }
}

/** @param {Api.InboxItem} item */
function warningsBlock(item) {
  if (!item.draftWarnings.length) return null;
  return el(
    'div',
    { class: 'warnings', role: 'note' },
    el('strong', {}, 'Playbook warnings'),
    el(
      'ul',
      {},
      item.draftWarnings.map((w) => el('li', {}, w)),
    ),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'ack-warnings' }), ' I have read the warnings; approve anyway'),
  );
}

/** @param {Detail} detail */
function approvalNote(detail) {
  const { item, approval } = detail;
  const notes = [];
  if (approval?.approverNeeded?.length)
    notes.push(el('p', { class: 'policy' }, `Needs an approver: ${approval.approverNeeded.join('; ')}`));
  if (item.status === 'awaiting_second')
    notes.push(el('p', { class: 'policy' }, `First approval by ${item.firstApprovedBy}; a second person must approve.`));
  else if (approval?.twoApprovals && statuses('actionable').includes(item.status))
    notes.push(el('p', { class: 'policy' }, 'Two approvals are needed before this is posted.'));
  return notes;
}

/**
 * Disabled (with the reason) when the policy asks for an approver and this person is not one.
 * @param {Detail} detail
 */
function approveButton(detail) {
  const blocked = detail.approval?.approverNeeded?.length && !isApprover();
  const mineFirst = detail.item.status === 'awaiting_second' && detail.item.firstApprovedBy === session.me?.name;
  const why = blocked ? 'The approval policy asks for an approver' : mineFirst ? 'You gave the first approval' : null;
  const label = teamNow?.undoSeconds ? `Approve and post (${teamNow.undoSeconds}s to undo)` : 'Approve and post';
  return el(
    'button',
    {
      type: 'button',
      id: 'approve',
      class: 'primary',
      disabled: Boolean(why),
      title: why,
      'data-blocked': why ? 'policy' : null,
      onclick: () => approveCurrent(),
    },
    label,
  );
}

/** @param {Detail} detail */
function actionButtons(detail) {
  const { item } = detail;
  if (item.status === 'rejected') {
    if (!may('reject')) return el('div', { class: 'actions' });
    const reopen = el(
      'button',
      { type: 'button', id: 'reopen', onclick: () => run(reopen, () => api('POST', `/api/items/${item.id}/reopen`)) },
      'Reopen',
    );
    return el('div', { class: 'actions' }, reopen);
  }
  if (!statuses('actionable').includes(item.status)) return el('div', { class: 'actions' });
  const mine = item.assignee === session.me?.name;
  const assign = el(
    'button',
    {
      type: 'button',
      id: 'assign',
      onclick: () => run(assign, () => api('POST', `/api/items/${item.id}/assign`, { assignee: mine ? null : session.me?.name })),
    },
    mine ? 'Unassign' : 'Assign to me',
  );
  const resend = el(
    'button',
    { type: 'button', id: 'resend', onclick: () => run(resend, () => api('POST', `/api/items/${item.id}/resend`)) },
    'Not there: send again',
  );
  return el(
    'div',
    { class: 'actions' },
    may('approve') && item.status !== 'needs_check' ? approveButton(detail) : null,
    may('edit') ? el('button', { type: 'button', id: 'edit', onclick: () => startEdit() }, 'Edit') : null,
    may('reject') ? el('button', { type: 'button', id: 'reject', onclick: () => startReject() }, 'Reject') : null,
    may('assign') ? assign : null,
    may('resend') && item.status === 'needs_check' ? resend : null,
    may('snooze') ? snoozeControl(item) : null,
  );
}

/** @param {Api.InboxItem} item */
function snoozeControl(item) {
  const snoozed = item.snoozedUntil && item.snoozedUntil > Date.now();
  if (snoozed) {
    const wake = el(
      'button',
      { type: 'button', id: 'unsnooze', onclick: () => run(wake, () => api('POST', `/api/items/${item.id}/snooze`, { until: null })) },
      'Wake up',
    );
    return wake;
  }
  const select = el(
    'select',
    { id: 'snooze-for', 'aria-label': 'Snooze for' },
    SNOOZES.map(([text, ms]) => el('option', { value: String(ms) }, text)),
  );
  const button = el(
    'button',
    {
      type: 'button',
      id: 'snooze',
      onclick: () =>
        run(button, () =>
          api('POST', `/api/items/${item.id}/snooze`, { until: new Date(Date.now() + Number(select.value)).toISOString() }),
        ),
    },
    'Snooze',
  );
  return el('span', { class: 'snooze' }, button, select);
}

function rejectForm() {
  const confirm = teamNow?.confirmReject;
  return el(
    'form',
    {
      id: 'reject-form',
      class: 'inline-form',
      hidden: true,
      onsubmit: (/** @type {SubmitEvent} */ e) => (e.preventDefault(), rejectCurrent(false)),
    },
    el('input', {
      id: 'reject-reason',
      maxlength: '500',
      placeholder: 'Why? (spam, answered elsewhere, …)',
      'aria-label': 'Reject reason',
      onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === 'Escape' && cancelReject(),
    }),
    el('button', { type: 'submit', id: 'reject-submit' }, 'Reject'),
    confirm
      ? el(
          'p',
          { id: 'reject-confirm', class: 'confirm', hidden: true, role: 'alert' },
          'This item is urgent or a safety/legal report. Rejecting it means nobody answers. ',
          el('button', { type: 'button', id: 'reject-confirmed', class: 'danger', onclick: () => rejectCurrent(true) }, 'Yes, reject it'),
          ' ',
          el('button', { type: 'button', onclick: () => cancelReject() }, 'Keep it'),
        )
      : null,
  );
}

/**
 * @param {Detail} detail
 * @param {Team} team
 * @param {Reload} reload
 */
export function draftBlock(detail, team, reload) {
  reloadItem = reload;
  detailNow = detail;
  teamNow = team;
  const { item } = detail;
  const text = el(
    'textarea',
    {
      id: 'draft-text',
      rows: '5',
      maxlength: '5000',
      readonly: true,
      'aria-label': 'Draft reply',
      oninput: () => draftTyped(),
      onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === 'Escape' && !text.readOnly && (e.preventDefault(), cancelEdit()),
    },
    item.draft,
  );
  const save = el('button', { type: 'button', id: 'save-draft', class: 'primary', onclick: () => saveDraft(save) }, 'Save draft');
  const block = el(
    'div',
    { class: 'card draft' },
    el('h2', {}, `Draft reply (v${item.draftVersion}${item.draftEdited ? ', edited' : ''})`),
    text,
    el(
      'div',
      { class: 'edit-bar', id: 'edit-bar', hidden: true },
      save,
      el('button', { type: 'button', id: 'cancel-edit', onclick: () => cancelEdit() }, 'Cancel'),
      el('span', { class: 'hint' }, el('kbd', {}, 'Esc'), ' cancels'),
    ),
    previewBlock(),
    warningsBlock(item),
    approvalNote(detail),
    item.approvedBy ? el('p', { class: 'muted' }, `Approved by ${item.approvedBy} ${when(item.approvedAt)}`) : null,
    actionButtons(detail),
    rejectForm(),
  );
  // The counter and "as posted" text for the stored draft; an over-limit draft blocks approve.
  queueMicrotask(() => previewNow(item.id, item.draft, onPreview));
  return block;
}

function draftTyped() {
  const text = draftText();
  if (!detailNow || !text) return;
  typing(detailNow.item.id);
  schedulePreview(detailNow.item.id, text.value, onPreview);
}

/** @param {Api.ReplyPreviewAnswer} check */
function onPreview(check) {
  const approve = button('approve');
  if (!approve || approve.getAttribute('data-blocked') === 'policy') return;
  approve.disabled = check.over;
  approve.title = check.over ? (check.reason ?? '') : '';
  inlineError(approve, check.over ? `Too long to post: ${check.reason}` : '');
}

export function startEdit() {
  const text = draftText();
  const bar = find('edit-bar');
  if (!detailNow || !may('edit') || !find('edit') || !text || !bar) return;
  text.readOnly = false;
  bar.hidden = false;
  text.focus();
}

export function cancelEdit() {
  const text = draftText();
  if (!text || text.readOnly || !detailNow) return false;
  text.readOnly = true;
  const bar = find('edit-bar');
  if (bar) bar.hidden = true;
  text.value = detailNow.item.draft;
  previewNow(detailNow.item.id, text.value, onPreview);
  return true;
}

/** @param {HTMLButtonElement} button */
async function saveDraft(button) {
  const text = draftText();
  if (!text || !detailNow) return;
  const { id, draftVersion } = detailNow.item;
  const body = { text: text.value, draftVersion };
  text.readOnly = true;
  const saved = await run(button, () => api('PUT', `/api/items/${id}/draft`, body));
  // Refused (409 draft changed, 422): the text stays editable so nothing typed is lost.
  if (saved === undefined) text.readOnly = false;
}

export async function approveCurrent() {
  const approve = button('approve');
  if (!detailNow || !approve || !draftText()?.readOnly) return;
  // Pressing `a` on a blocked approve says why instead of doing nothing.
  if (approve.disabled) return void inlineError(approve, approve.title || 'Approve is not available for this item.');
  const ack = findAs('ack-warnings', HTMLInputElement);
  if (ack && !ack.checked) return void inlineError(approve, 'Read the playbook warnings and tick the box first.');
  const { id, draftVersion } = detailNow.item;
  const body = { draftVersion, acknowledgeWarnings: Boolean(ack && ack.checked) };
  /** @type {Api.ItemAnswer | undefined} */
  const res = await run(approve, () => api('POST', `/api/items/${id}/approve`, body));
  const sendAt = res?.item.sendAt;
  if (res && sendAt) sendingToast(res.item.id, sendAt);
}

/**
 * "Sending… Undo" with a countdown, kept until the window closes or the item moves on.
 * @param {string} id
 * @param {number} sendAt
 */
function sendingToast(id, sendAt) {
  const t = toast('', { id: 'undo-toast', ms: 0, action: { label: 'Undo', onClick: () => void undoApproval(id) } });
  const tick = () => {
    const left = Math.ceil((sendAt - Date.now()) / 1000);
    if (left <= 0 || !document.getElementById('undo-toast')) return void (clearInterval(timer), t.close());
    t.update(`Sending in ${left}s…`);
  };
  const timer = setInterval(tick, 250);
  tick();
}

/** @param {string} id */
async function undoApproval(id) {
  document.getElementById('undo-toast')?.remove();
  try {
    await busy(button('undo'), () => api('POST', `/api/items/${id}/undo`));
    toast('Undone: nothing was sent. The draft is back.');
  } catch (err) {
    toast(failure(err).message, { kind: 'error' });
  }
  await reloadItem();
}

/**
 * Above the fold on the item page while an approval can still be undone.
 * @param {Api.InboxItem} item
 */
export function undoBar(item) {
  if (item.status !== 'approved' && item.status !== 'publishing') return null;
  const sendAt = item.sendAt ?? 0;
  const open = item.status === 'approved' && sendAt > Date.now();
  const text = el('span', { id: 'undo-text' }, open ? '' : 'Sending…');
  const undo = open && may('approve') ? el('button', { type: 'button', id: 'undo', onclick: () => undoApproval(item.id) }, 'Undo') : null;
  const bar = el('div', { class: 'undo-bar', id: 'undo-bar', role: 'status' }, text, undo);
  if (open) {
    let drawn = false;
    const tick = () => {
      const left = Math.ceil((sendAt - Date.now()) / 1000);
      // Replaced by a re-render (or the window closed): this bar's timer stops.
      if ((drawn && !bar.isConnected) || left <= 0) {
        clearInterval(timer);
        text.textContent = 'Sending…';
        undo?.remove();
        return;
      }
      text.textContent = `Sending in ${left}s… `;
      drawn = true;
    };
    const timer = setInterval(tick, 250);
    tick();
  }
  return bar;
}

const rejectReason = () => findAs('reject-reason', HTMLInputElement);

export function startReject() {
  const form = find('reject-form');
  if (!detailNow || !find('reject') || !form) return;
  form.hidden = false;
  rejectReason()?.focus();
}

function cancelReject() {
  const form = find('reject-form');
  const confirm = find('reject-confirm');
  if (form) form.hidden = true;
  if (confirm) confirm.hidden = true;
}

/** Escape: leaves an edit or the reject form. True when it did something. */
export function escapeItem() {
  if (cancelEdit()) return true;
  const form = find('reject-form');
  if (form && !form.hidden) return (cancelReject(), true);
  return false;
}

/** @param {boolean} confirmed */
function rejectCurrent(confirmed) {
  const submit = button('reject-submit');
  const reason = rejectReason()?.value.trim() ?? '';
  if (!reason || !detailNow) return void inlineError(submit, 'Give a reason for rejecting.');
  // Enter alone never rejects an urgent or safety item: the confirmation needs its own click.
  const confirm = find('reject-confirm');
  if (teamNow?.confirmReject && !confirmed && confirm) {
    confirm.hidden = false;
    return;
  }
  const { id } = detailNow.item;
  return run(confirmed ? button('reject-confirmed') : submit, () => api('POST', `/api/items/${id}/reject`, { reason }));
}

/**
 * "Correct the triage": feeds retraining. Served by POST /api/items/:id/triage.
 * @param {Detail} detail
 * @param {Reload} reload
 */
export function triageForm(detail, reload) {
  if (!may('edit') || !detail.triage) return null;
  const t = detail.triage;
  const sentiment = el(
    'select',
    { id: 'fix-sentiment', 'aria-label': 'Sentiment' },
    /** @type {Api.Sentiment[]} */ (['positive', 'neutral', 'negative']).map((s) =>
      el('option', { value: s, selected: s === t.sentiment }, s),
    ),
  );
  const category = el(
    'select',
    { id: 'fix-category', 'aria-label': 'Category' },
    categories().map((c) => el('option', { value: c, selected: c === t.category }, label(c))),
  );
  const complaint = el('input', { type: 'checkbox', id: 'fix-complaint', checked: Boolean(t.complaint) });
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    reloadItem = reload;
    run(button('fix-triage'), () =>
      api('POST', `/api/items/${detail.item.id}/triage`, {
        sentiment: sentiment.value,
        category: category.value,
        complaint: complaint.checked,
      }),
    );
  };
  return el(
    'details',
    { class: 'fix-triage' },
    el('summary', {}, 'Correct the triage'),
    el(
      'form',
      { onsubmit: submit, class: 'inline-form' },
      sentiment,
      category,
      el('label', { class: 'check' }, complaint, ' complaint'),
      el('button', { type: 'submit', id: 'fix-triage' }, 'Save correction'),
    ),
  );
}
