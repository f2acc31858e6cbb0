// @ts-check
// Bulk actions on the selected rows: one request, answered per item, and the answer shown as it
// is (some may be refused while the rest went through).
import { api, failure, may, session } from './api.js';
import { $ } from './dom.js';
import { currentFilters } from './queue-filters.js';
import { toast } from './toast.js';

/** @typedef {'reject' | 'assign' | 'unassign' | 'snooze' | 'spam' | 'unspam'} BulkChoice */
/** @typedef {import('./queue.js').QueueState} QueueState */
/** @type {Record<BulkChoice, string>} */
const DONE = {
  reject: 'Rejected',
  assign: 'Assigned',
  unassign: 'Unassigned',
  snooze: 'Snoozed',
  spam: 'Marked as spam',
  unspam: 'Restored',
};

/** @param {QueueState} queue */
export function updateBulk(queue) {
  const n = queue.chosen.size;
  $('bulk').hidden = n === 0 || !may('reject');
  $('bulk-count').textContent = `${n} selected`;
  const onPage = queue.entries.length > 0 && queue.entries.every((e) => queue.chosen.has(e.item.id));
  $('select-page').checked = onPage;
  $('select-page').indeterminate = !onPage && queue.entries.some((e) => queue.chosen.has(e.item.id));
  $('select-page').disabled = queue.entries.length === 0 || !may('reject');
  const spamView = currentFilters().status === 'spam';
  $('bulk-unspam').hidden = !spamView;
  $('bulk-spam').hidden = spamView;
  const similarBox = $('bulk-similar').parentElement;
  if (similarBox) similarBox.hidden = !queue.entries.some((e) => e.similar > 0);
}

/**
 * @param {string} label
 * @param {Api.BulkAnswer} body
 */
function describe(label, body) {
  const refused = body.results.filter((r) => !r.ok);
  const parts = [`${label} ${body.done} of ${body.results.length}.`];
  if (refused.length) {
    const reasons = [...new Set(refused.map((r) => (r.ok ? '' : r.error)))].slice(0, 3);
    parts.push(`${refused.length} not changed: ${reasons.join('; ')}${refused.length > reasons.length ? '…' : ''}`);
  }
  return { text: parts.join(' '), partial: refused.length > 0 };
}

/**
 * @param {QueueState} queue
 * @param {() => Promise<unknown>} reload
 * @param {BulkChoice} action
 * @param {Record<string, unknown>} [extra]
 */
async function run(queue, reload, action, extra = {}) {
  const ids = [...queue.chosen];
  if (ids.length === 0) return;
  const similar = !$('bulk-similar').parentElement?.hidden && $('bulk-similar').checked;
  const box = $('bulk-result');
  try {
    /** @type {Api.BulkAnswer} */
    const body = await api('POST', '/api/items/bulk', { action: action === 'unassign' ? 'assign' : action, ids, similar, ...extra });
    const { text, partial } = describe(DONE[action], body);
    box.textContent = text;
    box.classList.toggle('partial', partial);
    box.hidden = false;
    // The ones refused stay selected, so the person can see and retry them.
    queue.chosen.clear();
    for (const r of body.results) if (!r.ok && ids.includes(r.id)) queue.chosen.add(r.id);
  } catch (err) {
    const { message } = failure(err);
    box.textContent = `Nothing changed: ${message}`;
    box.classList.add('partial');
    box.hidden = false;
    toast(message, { kind: 'error' });
  }
  await reload();
}

/**
 * @param {QueueState} queue
 * @param {() => Promise<unknown>} reload
 */
export function setupBulk(queue, reload) {
  const render = () => updateBulk(queue);
  $('select-page').addEventListener('change', () => {
    const on = $('select-page').checked;
    for (const e of queue.entries) {
      if (on) queue.chosen.add(e.item.id);
      else queue.chosen.delete(e.item.id);
    }
    for (const box of document.querySelectorAll('#items input.pick')) if (box instanceof HTMLInputElement) box.checked = on;
    for (const node of $('items').children) node.classList.toggle('chosen', on);
    render();
  });
  $('bulk-reject').addEventListener('click', () => {
    $('bulk-reject-form').hidden = false;
    $('bulk-reason').focus();
  });
  $('bulk-reject-cancel').addEventListener('click', () => ($('bulk-reject-form').hidden = true));
  $('bulk-reject-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('bulk-reject-form').hidden = true;
    await run(queue, reload, 'reject', { reason: $('bulk-reason').value.trim() });
    $('bulk-reason').value = '';
  });
  $('bulk-assign').addEventListener('click', () => run(queue, reload, 'assign', { assignee: session.me?.name }));
  $('bulk-unassign').addEventListener('click', () => run(queue, reload, 'unassign', { assignee: null }));
  $('bulk-spam').addEventListener('click', () => run(queue, reload, 'spam'));
  $('bulk-unspam').addEventListener('click', () => run(queue, reload, 'unspam'));
  $('bulk-snooze').addEventListener('change', async () => {
    const hours = Number($('bulk-snooze').value);
    $('bulk-snooze').value = '';
    if (hours) await run(queue, reload, 'snooze', { until: new Date(Date.now() + hours * 3_600_000).toISOString() });
  });
}
