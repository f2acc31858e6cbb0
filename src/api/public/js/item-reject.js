// @ts-check
// Rejecting an item: a reason is required, and an urgent or safety item asks once more.
import { api } from './api.js';
import { el, find, findAs } from './dom.js';
import { inlineError } from './toast.js';
import { button, current, run } from './item-run.js';

export function rejectForm() {
  const confirm = current.team?.confirmReject;
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

const rejectReason = () => findAs('reject-reason', HTMLInputElement);

export function startReject() {
  const form = find('reject-form');
  if (!current.detail || !find('reject') || !form) return;
  form.hidden = false;
  rejectReason()?.focus();
}

export function cancelReject() {
  const form = find('reject-form');
  const confirm = find('reject-confirm');
  if (form) form.hidden = true;
  if (confirm) confirm.hidden = true;
}

/** @param {boolean} confirmed */
function rejectCurrent(confirmed) {
  const submit = button('reject-submit');
  const reason = rejectReason()?.value.trim() ?? '';
  if (!reason || !current.detail) return void inlineError(submit, 'Give a reason for rejecting.');
  // Enter alone never rejects an urgent or safety item: the confirmation needs its own click.
  const confirm = find('reject-confirm');
  if (current.team?.confirmReject && !confirmed && confirm) {
    confirm.hidden = false;
    return;
  }
  const { id } = current.detail.item;
  return run(confirmed ? button('reject-confirmed') : submit, () => api('POST', `/api/items/${id}/reject`, { reason }));
}
