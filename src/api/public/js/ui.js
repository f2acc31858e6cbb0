import { $ } from './dom.js';

export function showError(message) {
  const box = $('error');
  box.textContent = message || '';
  box.hidden = !message;
}

const SECTIONS = ['login', 'queue', 'item', 'analytics', 'sources', 'audit', 'settings', 'spikes', 'admin'];

export function show(section) {
  for (const id of SECTIONS) $(id).hidden = id !== section;
}
