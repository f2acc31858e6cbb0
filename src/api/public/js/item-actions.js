// The draft and everything a person can do to an item. Buttons a role cannot use are not drawn;
// the server refuses them anyway.
import { api, isApprover, may, session } from './api.js';
import { $, el, label, when } from './dom.js';
import { showError } from './ui.js';

const CATEGORIES = ['delay_cancellation', 'lost_damaged_item', 'billing_refund', 'staff_service', 'product_defect_outage', 'account_login', 'safety_legal_press', 'praise', 'question', 'other'];
const OPEN = ['new', 'assigned', 'awaiting_second', 'failed', 'needs_check'];
const SNOOZES = [['1h', 3_600_000], ['4h', 4 * 3_600_000], ['1 day', 86_400_000]];

let reloadItem = async () => {};
let detailNow = null;

async function run(action) {
  showError('');
  try {
    await action();
    await reloadItem();
  } catch (err) {
    showError(err.message);
  }
}

function warningsBlock(item) {
  if (!item.draftWarnings.length) return null;
  return el(
    'div',
    { class: 'warnings', role: 'note' },
    el('strong', {}, 'Playbook warnings'),
    el('ul', {}, item.draftWarnings.map((w) => el('li', {}, w))),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'ack-warnings' }), ' I have read the warnings; approve anyway'),
  );
}

function approvalNote(detail) {
  const { item, approval } = detail;
  const notes = [];
  if (approval?.approverNeeded?.length) notes.push(el('p', { class: 'policy' }, `Needs an approver: ${approval.approverNeeded.join('; ')}`));
  if (item.status === 'awaiting_second') notes.push(el('p', { class: 'policy' }, `First approval by ${item.firstApprovedBy}; a second person must approve.`));
  else if (approval?.twoApprovals && OPEN.includes(item.status)) notes.push(el('p', { class: 'policy' }, 'Two approvals are needed before this is posted.'));
  return notes;
}

/** Disabled (with the reason) when the policy asks for an approver and this person is not one. */
function approveButton(detail) {
  const blocked = detail.approval?.approverNeeded?.length && !isApprover();
  const mineFirst = detail.item.status === 'awaiting_second' && detail.item.firstApprovedBy === session.me.name;
  const why = blocked ? 'The approval policy asks for an approver' : mineFirst ? 'You gave the first approval' : null;
  return el('button', { type: 'button', id: 'approve', class: 'primary', disabled: Boolean(why), title: why, onclick: () => approveCurrent() }, 'Approve and post');
}

function actionButtons(detail) {
  const { item } = detail;
  if (!OPEN.includes(item.status)) return el('div', { class: 'actions' });
  const mine = item.assignee === session.me.name;
  return el(
    'div',
    { class: 'actions' },
    may('approve') && item.status !== 'needs_check' ? approveButton(detail) : null,
    may('edit') ? el('button', { type: 'button', id: 'edit', onclick: () => startEdit() }, 'Edit') : null,
    may('reject') ? el('button', { type: 'button', id: 'reject', onclick: () => startReject() }, 'Reject') : null,
    may('assign') ? el('button', { type: 'button', id: 'assign', onclick: () => run(() => api('POST', `/api/items/${item.id}/assign`, { assignee: mine ? null : session.me.name })) }, mine ? 'Unassign' : 'Assign to me') : null,
    may('resend') && item.status === 'needs_check' ? el('button', { type: 'button', id: 'resend', onclick: () => run(() => api('POST', `/api/items/${item.id}/resend`)) }, 'Not there: send again') : null,
    may('snooze') ? snoozeControl(item) : null,
  );
}

function snoozeControl(item) {
  const snoozed = item.snoozedUntil && item.snoozedUntil > Date.now();
  if (snoozed) return el('button', { type: 'button', id: 'unsnooze', onclick: () => run(() => api('POST', `/api/items/${item.id}/snooze`, { until: null })) }, 'Wake up');
  const select = el('select', { id: 'snooze-for', 'aria-label': 'Snooze for' }, SNOOZES.map(([text, ms]) => el('option', { value: String(ms) }, text)));
  const go = () => run(() => api('POST', `/api/items/${item.id}/snooze`, { until: new Date(Date.now() + Number(select.value)).toISOString() }));
  return el('span', { class: 'snooze' }, el('button', { type: 'button', id: 'snooze', onclick: go }, 'Snooze'), select);
}

export function draftBlock(detail, reload) {
  reloadItem = reload;
  detailNow = detail;
  const { item } = detail;
  return el(
    'div',
    { class: 'card draft' },
    el('h2', {}, `Draft reply (v${item.draftVersion}${item.draftEdited ? ', edited' : ''})`),
    el('textarea', { id: 'draft-text', rows: '5', maxlength: '5000', readonly: true, 'aria-label': 'Draft reply' }, item.draft),
    el('div', { class: 'edit-bar', id: 'edit-bar', hidden: true }, el('button', { type: 'button', id: 'save-draft', class: 'primary', onclick: () => saveDraft() }, 'Save draft'), el('button', { type: 'button', onclick: () => cancelEdit() }, 'Cancel')),
    warningsBlock(item),
    approvalNote(detail),
    item.approvedBy ? el('p', { class: 'muted' }, `Approved by ${item.approvedBy} ${when(item.approvedAt)}`) : null,
    actionButtons(detail),
    el('form', { id: 'reject-form', class: 'inline-form', hidden: true, onsubmit: (e) => (e.preventDefault(), rejectCurrent()) }, el('input', { id: 'reject-reason', maxlength: '500', placeholder: 'Why? (spam, answered elsewhere, …)', 'aria-label': 'Reject reason' }), el('button', { type: 'submit' }, 'Reject')),
  );
}

export function startEdit() {
  if (!detailNow || !may('edit') || !$('edit')) return;
  const text = $('draft-text');
  text.readOnly = false;
  $('edit-bar').hidden = false;
  text.focus();
}

function cancelEdit() {
  $('draft-text').readOnly = true;
  $('edit-bar').hidden = true;
  $('draft-text').value = detailNow.item.draft;
}

async function saveDraft() {
  const text = $('draft-text');
  const body = { text: text.value, draftVersion: detailNow.item.draftVersion };
  text.readOnly = true;
  await run(() => api('PUT', `/api/items/${detailNow.item.id}/draft`, body));
}

export function approveCurrent() {
  const button = $('approve');
  if (!detailNow || !button || button.disabled || !$('draft-text').readOnly) return;
  const ack = $('ack-warnings');
  if (ack && !ack.checked) return showError('Read the playbook warnings and tick the box first.');
  const body = { draftVersion: detailNow.item.draftVersion, acknowledgeWarnings: Boolean(ack && ack.checked) };
  return run(() => api('POST', `/api/items/${detailNow.item.id}/approve`, body));
}

export function startReject() {
  if (!detailNow || !$('reject')) return;
  $('reject-form').hidden = false;
  $('reject-reason').focus();
}

function rejectCurrent() {
  const reason = $('reject-reason').value.trim();
  if (!reason) return showError('Give a reason for rejecting.');
  return run(() => api('POST', `/api/items/${detailNow.item.id}/reject`, { reason }));
}

/** "Correct the triage": feeds retraining. Served by POST /api/items/:id/triage. */
export function triageForm(detail, reload) {
  if (!may('triage') || !detail.triage) return null;
  const t = detail.triage;
  const sentiment = el('select', { id: 'fix-sentiment', 'aria-label': 'Sentiment' }, ['positive', 'neutral', 'negative'].map((s) => el('option', { value: s, selected: s === t.sentiment }, s)));
  const category = el('select', { id: 'fix-category', 'aria-label': 'Category' }, CATEGORIES.map((c) => el('option', { value: c, selected: c === t.category }, label(c))));
  const complaint = el('input', { type: 'checkbox', id: 'fix-complaint', checked: Boolean(t.complaint) });
  const submit = (e) => {
    e.preventDefault();
    reloadItem = reload;
    run(() => api('POST', `/api/items/${detail.item.id}/triage`, { sentiment: sentiment.value, category: category.value, complaint: complaint.checked }));
  };
  return el(
    'details',
    { class: 'fix-triage' },
    el('summary', {}, 'Correct the triage'),
    el('form', { onsubmit: submit, class: 'inline-form' }, sentiment, category, el('label', { class: 'check' }, complaint, ' complaint'), el('button', { type: 'submit', id: 'fix-triage' }, 'Save correction')),
  );
}
