// @ts-check
// What the item page's action modules share: the item on screen, how to reload it, and how a
// button runs an action (busy while it runs, a refusal shown beside it and as a toast).
import { failure } from './api.js';
import { findAs } from './dom.js';
import { busy, inlineError, toast } from './toast.js';
import { showError } from './ui.js';

/**
 * @typedef {Api.ItemDetailAnswer} Detail
 * @typedef {Api.TeamAnswer} Team
 * @typedef {() => Promise<void>} Reload
 */

/** @type {{ reload: Reload, detail: Detail | null, team: Team | null }} */
export const current = { reload: async () => {}, detail: null, team: null };

export const button = (/** @type {string} */ id) => findAs(id, HTMLButtonElement);

/**
 * Runs an action with `button` busy; a refusal is shown beside it (never only below the fold).
 * @template T
 * @param {HTMLButtonElement | null} button
 * @param {() => Promise<T>} action
 * @returns {Promise<T | undefined>}
 */
export async function run(button, action) {
  showError('');
  inlineError(button, '');
  try {
    const result = await busy(button, action);
    await current.reload();
    return result;
  } catch (err) {
    const { status, message } = failure(err);
    const stale = status === 409 && /draft changed/.test(message);
    inlineError(button, message);
    toast(message, { kind: 'error', ...(stale ? { action: { label: 'Reload', onClick: () => void current.reload() } } : {}) });
    return undefined;
  }
}
