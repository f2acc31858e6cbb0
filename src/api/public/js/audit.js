// The audit log: every action, newest first.
import { api } from './api.js';
import { $, clear, el, when } from './dom.js';

export async function loadAudit() {
  const { entries } = await api('GET', '/api/audit?limit=300');
  const rows = entries.map((a) =>
    el(
      'tr',
      {},
      el('td', {}, when(a.at)),
      el('td', {}, a.actor),
      el('td', {}, a.action),
      el('td', {}, a.itemId ? el('a', { href: `#/item/${encodeURIComponent(a.itemId)}` }, a.itemId) : ''),
      el('td', {}, a.detail ? el('code', {}, JSON.stringify(a.detail)) : ''),
    ),
  );
  clear($('audit-body')).append(
    el('table', { class: 'audit' }, el('thead', {}, el('tr', {}, ['When', 'Who', 'Action', 'Item', 'Detail'].map((h) => el('th', {}, h)))), el('tbody', {}, rows)),
  );
}
