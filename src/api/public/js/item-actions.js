// @ts-check
// The draft and what a person can do to an item from it. Buttons a role cannot use are not drawn;
// the server refuses them anyway. Errors appear next to the button pressed and as a toast.
import { api, isApprover, may, session, statuses } from './api.js';
import { el, find, findAs, when } from './dom.js';
import { typing } from './presence.js';
import { previewBlock, previewNow, schedulePreview } from './reply-preview.js';
import { inlineError } from './toast.js';
import { button, current, run } from './item-run.js';
import { cancelReject, rejectForm, startReject } from './item-reject.js';
import { sendingToast } from './item-undo.js';

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

const draftText = () => findAs('draft-text', HTMLTextAreaElement);

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
  const label = current.team?.undoSeconds ? `Approve and post (${current.team.undoSeconds}s to undo)` : 'Approve and post';
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

/**
 * @param {Detail} detail
 * @param {Team} team
 * @param {Reload} reload
 */
export function draftBlock(detail, team, reload) {
  current.reload = reload;
  current.detail = detail;
  current.team = team;
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
  if (!current.detail || !text) return;
  typing(current.detail.item.id);
  schedulePreview(current.detail.item.id, text.value, onPreview);
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
  if (!current.detail || !may('edit') || !find('edit') || !text || !bar) return;
  text.readOnly = false;
  bar.hidden = false;
  text.focus();
}

export function cancelEdit() {
  const text = draftText();
  if (!text || text.readOnly || !current.detail) return false;
  text.readOnly = true;
  const bar = find('edit-bar');
  if (bar) bar.hidden = true;
  text.value = current.detail.item.draft;
  previewNow(current.detail.item.id, text.value, onPreview);
  return true;
}

/** @param {HTMLButtonElement} button */
async function saveDraft(button) {
  const text = draftText();
  if (!text || !current.detail) return;
  const { id, draftVersion } = current.detail.item;
  const body = { text: text.value, draftVersion };
  text.readOnly = true;
  const saved = await run(button, () => api('PUT', `/api/items/${id}/draft`, body));
  // Refused (409 draft changed, 422): the text stays editable so nothing typed is lost.
  if (saved === undefined) text.readOnly = false;
}

export async function approveCurrent() {
  const approve = button('approve');
  if (!current.detail || !approve || !draftText()?.readOnly) return;
  // Pressing `a` on a blocked approve says why instead of doing nothing.
  if (approve.disabled) return void inlineError(approve, approve.title || 'Approve is not available for this item.');
  const ack = findAs('ack-warnings', HTMLInputElement);
  if (ack && !ack.checked) return void inlineError(approve, 'Read the playbook warnings and tick the box first.');
  const { id, draftVersion } = current.detail.item;
  const body = { draftVersion, acknowledgeWarnings: Boolean(ack && ack.checked) };
  /** @type {Api.ItemAnswer | undefined} */
  const res = await run(approve, () => api('POST', `/api/items/${id}/approve`, body));
  const sendAt = res?.item.sendAt;
  if (res && sendAt) sendingToast(res.item.id, sendAt);
}

/** Escape: leaves an edit or the reject form. True when it did something. */
export function escapeItem() {
  if (cancelEdit()) return true;
  const form = find('reject-form');
  if (form && !form.hidden) return (cancelReject(), true);
  return false;
}
