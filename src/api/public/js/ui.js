// @ts-check
import { $ } from './dom.js';

/** @param {string | null | undefined} message */
export function showError(message) {
  const box = $('error');
  box.textContent = message || '';
  box.hidden = !message;
}

/** @typedef {'login' | 'queue' | 'item' | 'analytics' | 'sources' | 'audit' | 'settings' | 'spikes' | 'admin'} Section */
/** @type {Section[]} */
const SECTIONS = ['login', 'queue', 'item', 'analytics', 'sources', 'audit', 'settings', 'spikes', 'admin'];

/** @param {Section} section */
export function show(section) {
  for (const id of SECTIONS) $(id).hidden = id !== section;
}
