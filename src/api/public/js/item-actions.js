// The draft and everything a person can do to an item. Buttons a role cannot use are not drawn;
// the server refuses them anyway. Errors appear next to the button pressed and as a toast.
import { api, categories, isApprover, may, session, statuses } from './api.js';
import { $, el, label, when } from './dom.js';
import { typing } from './presence.js';
import { previewBlock, previewNow, schedulePreview } from './reply-preview.js';
import { busy, inlineError, toast } from './toast.js';
import { showError } from './ui.js';

const SNOOZES = [['1h', 3_600_000], ['4h', 4 * 3_600_000], ['1 day', 86_400_000]];

let reloadItem = async () => {};
let detailNow = null;
let teamNow = null;

/** Runs an action with `button` busy; a refusal is shown beside it (never only below the fold). */
async function run(button, action) {
  showError('');
  inlineError(button, '');
  try {
    const result = await busy(button, action);
    await reloadItem();
    return result;
  } catch (err) {
    const stale = err.status === 409 && /draft changed/.test(err.message);
    inlineError(button, err.message);
    toast(err.message, { kind: 'error', ...(stale ? { action: { label: 'Reload', onClick: () => void reloadItem() } } : {}) });
    return undefined;
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
  else if (approval?.twoApprovals && statuses('actionable').includes(item.status)) notes.push(el('p', { class: 'policy' }, 'Two approvals are needed before this is posted.'));
  return notes;
}

/** Disabled (with the reason) when the policy asks for an approver and this person is not one. */
function approveButton(detail) {
  const blocked = detail.approval?.approverNeeded?.length && !isApprover();
  const mineFirst = detail.item.status === 'awaiting_second' && detail.item.firstApprovedBy === session.me.name;
  const why = blocked ? 'The approval policy asks for an approver' : mineFirst ? 'You gave the first approval' : null;
  const label = teamNow?.undoSeconds ? `Approve and post (${teamNow.undoSeconds}s to undo)` : 'Approve and post';
  return el('button', { type: 'button', id: 'approve', class: 'primary', disabled: Boolean(why), title: why, 'data-blocked': why ? 'policy' : null, onclick: () => approveCurrent() }, label);
}

function actionButtons(detail) {
  const { item } = detail;
  if (item.status === 'rejected') {
    if (!may('reject')) return el('div', { class: 'actions' });
    const reopen = el('button', { type: 'button', id: 'reopen', onclick: () => run(reopen, () => api('POST', `/api/items/${item.id}/reopen`)) }, 'Reopen');
    return el('div', { class: 'actions' }, reopen);
  }
  if (!statuses('actionable').includes(item.status)) return el('div', { class: 'actions' });
  const mine = item.assignee === session.me.name;
  const assign = el('button', { type: 'button', id: 'assign', onclick: () => run(assign, () => api('POST', `/api/items/${item.id}/assign`, { assignee: mine ? null : session.me.name })) }, mine ? 'Unassign' : 'Assign to me');
  const resend = el('button', { type: 'button', id: 'resend', onclick: () => run(resend, () => api('POST', `/api/items/${item.id}/resend`)) }, 'Not there: send again');
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

function snoozeControl(item) {
  const snoozed = item.snoozedUntil && item.snoozedUntil > Date.now();
  if (snoozed) {
    const wake = el('button', { type: 'button', id: 'unsnooze', onclick: () => run(wake, () => api('POST', `/api/items/${item.id}/snooze`, { until: null })) }, 'Wake up');
    return wake;
  }
  const select = el('select', { id: 'snooze-for', 'aria-label': 'Snooze for' }, SNOOZES.map(([text, ms]) => el('option', { value: String(ms) }, text)));
  const button = el('button', { type: 'button', id: 'snooze', onclick: () => run(button, () => api('POST', `/api/items/${item.id}/snooze`, { until: new Date(Date.now() + Number(select.value)).toISOString() })) }, 'Snooze');
  return el('span', { class: 'snooze' }, button, select);
}

function rejectForm() {
  const confirm = teamNow?.confirmReject;
  return el(
    'form',
    { id: 'reject-form', class: 'inline-form', hidden: true, onsubmit: (e) => (e.preventDefault(), rejectCurrent(false)) },
    el('input', { id: 'reject-reason', maxlength: '500', placeholder: 'Why? (spam, answered elsewhere, …)', 'aria-label': 'Reject reason', onkeydown: (e) => e.key === 'Escape' && cancelReject() }),
    el('button', { type: 'submit', id: 'reject-submit' }, 'Reject'),
    confirm ? el('p', { id: 'reject-confirm', class: 'confirm', hidden: true, role: 'alert' }, 'This item is urgent or a safety/legal report. Rejecting it means nobody answers. ', el('button', { type: 'button', id: 'reject-confirmed', class: 'danger', onclick: () => rejectCurrent(true) }, 'Yes, reject it'), ' ', el('button', { type: 'button', onclick: () => cancelReject() }, 'Keep it')) : null,
  );
}

export function draftBlock(detail, team, reload) {
  reloadItem = reload;
  detailNow = detail;
  teamNow = team;
  const { item } = detail;
  const text = el('textarea', { id: 'draft-text', rows: '5', maxlength: '5000', readonly: true, 'aria-label': 'Draft reply', oninput: () => draftTyped(), onkeydown: (e) => e.key === 'Escape' && !text.readOnly && (e.preventDefault(), cancelEdit()) }, item.draft);
  const save = el('button', { type: 'button', id: 'save-draft', class: 'primary', onclick: () => saveDraft(save) }, 'Save draft');
  const block = el(
    'div',
    { class: 'card draft' },
    el('h2', {}, `Draft reply (v${item.draftVersion}${item.draftEdited ? ', edited' : ''})`),
    text,
    el('div', { class: 'edit-bar', id: 'edit-bar', hidden: true }, save, el('button', { type: 'button', id: 'cancel-edit', onclick: () => cancelEdit() }, 'Cancel'), el('span', { class: 'hint' }, el('kbd', {}, 'Esc'), ' cancels')),
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
  typing(detailNow.item.id);
  schedulePreview(detailNow.item.id, $('draft-text').value, onPreview);
}

function onPreview(check) {
  const button = $('approve');
  if (!button || button.getAttribute('data-blocked') === 'policy') return;
  button.disabled = check.over;
  button.title = check.over ? check.reason : '';
  inlineError(button, check.over ? `Too long to post: ${check.reason}` : '');
}

export function startEdit() {
  if (!detailNow || !may('edit') || !$('edit')) return;
  const text = $('draft-text');
  text.readOnly = false;
  $('edit-bar').hidden = false;
  text.focus();
}

export function cancelEdit() {
  const text = $('draft-text');
  if (!text || text.readOnly) return false;
  text.readOnly = true;
  $('edit-bar').hidden = true;
  text.value = detailNow.item.draft;
  previewNow(detailNow.item.id, text.value, onPreview);
  return true;
}

async function saveDraft(button) {
  const text = $('draft-text');
  const body = { text: text.value, draftVersion: detailNow.item.draftVersion };
  text.readOnly = true;
  const saved = await run(button, () => api('PUT', `/api/items/${detailNow.item.id}/draft`, body));
  // Refused (409 draft changed, 422): the text stays editable so nothing typed is lost.
  if (saved === undefined) text.readOnly = false;
}

export async function approveCurrent() {
  const button = $('approve');
  if (!detailNow || !button || !$('draft-text').readOnly) return;
  // Pressing `a` on a blocked approve says why instead of doing nothing.
  if (button.disabled) return void inlineError(button, button.title || 'Approve is not available for this item.');
  const ack = $('ack-warnings');
  if (ack && !ack.checked) return void inlineError(button, 'Read the playbook warnings and tick the box first.');
  const body = { draftVersion: detailNow.item.draftVersion, acknowledgeWarnings: Boolean(ack && ack.checked) };
  const res = await run(button, () => api('POST', `/api/items/${detailNow.item.id}/approve`, body));
  if (res?.item?.sendAt) sendingToast(res.item);
}

/** "Sending… Undo" with a countdown, kept until the window closes or the item moves on. */
function sendingToast(item) {
  const t = toast('', { id: 'undo-toast', ms: 0, action: { label: 'Undo', onClick: () => void undoApproval(item.id) } });
  const tick = () => {
    const left = Math.ceil((item.sendAt - Date.now()) / 1000);
    if (left <= 0 || !document.getElementById('undo-toast')) return void (clearInterval(timer), t.close());
    t.update(`Sending in ${left}s…`);
  };
  const timer = setInterval(tick, 250);
  tick();
}

async function undoApproval(id) {
  document.getElementById('undo-toast')?.remove();
  const button = $('undo');
  try {
    await busy(button, () => api('POST', `/api/items/${id}/undo`));
    toast('Undone: nothing was sent. The draft is back.');
  } catch (err) {
    toast(err.message, { kind: 'error' });
  }
  await reloadItem();
}

/** Above the fold on the item page while an approval can still be undone. */
export function undoBar(item) {
  if (item.status !== 'approved' && item.status !== 'publishing') return null;
  const open = item.status === 'approved' && item.sendAt && item.sendAt > Date.now();
  const text = el('span', { id: 'undo-text' }, open ? '' : 'Sending…');
  const undo = open && may('approve') ? el('button', { type: 'button', id: 'undo', onclick: () => undoApproval(item.id) }, 'Undo') : null;
  const bar = el('div', { class: 'undo-bar', id: 'undo-bar', role: 'status' }, text, undo);
  if (open) {
    let drawn = false;
    const tick = () => {
      const left = Math.ceil((item.sendAt - Date.now()) / 1000);
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

export function startReject() {
  if (!detailNow || !$('reject')) return;
  $('reject-form').hidden = false;
  $('reject-reason').focus();
}

function cancelReject() {
  if ($('reject-form')) $('reject-form').hidden = true;
  if ($('reject-confirm')) $('reject-confirm').hidden = true;
}

/** Escape: leaves an edit or the reject form. True when it did something. */
export function escapeItem() {
  if (cancelEdit()) return true;
  if ($('reject-form') && !$('reject-form').hidden) return (cancelReject(), true);
  return false;
}

function rejectCurrent(confirmed) {
  const button = $('reject-submit');
  const reason = $('reject-reason').value.trim();
  if (!reason) return void inlineError(button, 'Give a reason for rejecting.');
  // Enter alone never rejects an urgent or safety item: the confirmation needs its own click.
  if (teamNow?.confirmReject && !confirmed) {
    $('reject-confirm').hidden = false;
    return;
  }
  return run(confirmed ? $('reject-confirmed') : button, () => api('POST', `/api/items/${detailNow.item.id}/reject`, { reason }));
}

/** "Correct the triage": feeds retraining. Served by POST /api/items/:id/triage. */
export function triageForm(detail, reload) {
  if (!may('edit') || !detail.triage) return null;
  const t = detail.triage;
  const sentiment = el('select', { id: 'fix-sentiment', 'aria-label': 'Sentiment' }, ['positive', 'neutral', 'negative'].map((s) => el('option', { value: s, selected: s === t.sentiment }, s)));
  const category = el('select', { id: 'fix-category', 'aria-label': 'Category' }, categories().map((c) => el('option', { value: c, selected: c === t.category }, label(c))));
  const complaint = el('input', { type: 'checkbox', id: 'fix-complaint', checked: Boolean(t.complaint) });
  const submit = (e) => {
    e.preventDefault();
    reloadItem = reload;
    run($('fix-triage'), () => api('POST', `/api/items/${detail.item.id}/triage`, { sentiment: sentiment.value, category: category.value, complaint: complaint.checked }));
  };
  return el(
    'details',
    { class: 'fix-triage' },
    el('summary', {}, 'Correct the triage'),
    el('form', { onsubmit: submit, class: 'inline-form' }, sentiment, category, el('label', { class: 'check' }, complaint, ' complaint'), el('button', { type: 'submit', id: 'fix-triage' }, 'Save correction')),
  );
}
