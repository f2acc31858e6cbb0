// @ts-check
// "Sending in 12s… Undo": the window after an approval in which nothing has been posted yet.
import { api, failure, may } from './api.js';
import { el } from './dom.js';
import { busy, toast } from './toast.js';
import { button, current } from './item-run.js';

/**
 * "Sending… Undo" with a countdown, kept until the window closes or the item moves on.
 * @param {string} id
 * @param {number} sendAt
 */
export function sendingToast(id, sendAt) {
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
  await current.reload();
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
