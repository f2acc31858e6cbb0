// @ts-check
// One item: the post, the author card, triage reasons, the draft and its actions, the audit trail.
import { api, statuses } from './api.js';
import { $, clear, countdown, duration, el, externalLink, fmtNumber, label, when } from './dom.js';
import { draftBlock } from './item-actions.js';
import { triageForm } from './item-triage-form.js';
import { undoBar } from './item-undo.js';
import { conversationBlock, keepTyped, notesBlock, restoreTyped, sideTeamBlock } from './item-team.js';
import { refreshMentions } from './mentions.js';
import { presenceBar, watchItem } from './presence.js';

/**
 * @typedef {Api.ItemDetailAnswer} Detail
 * @typedef {Api.TeamAnswer} Team
 * @type {{ id: string | null, detail: Detail | null, team: Team | null }}
 */
export const current = { id: null, detail: null, team: null };

/** @param {Api.InboxItem} item */
function headerBlock(item) {
  const snoozed = item.snoozedUntil && item.snoozedUntil > Date.now();
  return el(
    'div',
    { class: 'item-head' },
    el('span', { class: `badge ${item.priority}` }, item.priority),
    el('span', { class: `badge status-${item.status}`, id: 'item-status' }, label(item.status)),
    snoozed ? el('span', { class: 'badge snoozed' }, `snoozed until ${when(item.snoozedUntil)}`) : null,
    statuses('closed').includes(item.status) ? null : countdown(item.slaDueAt),
    // The SLA counts from the post: one Earshot found after its due time was never answerable in time.
    item.slaDueAt < item.routedAt
      ? el(
          'span',
          { class: 'badge late', id: 'sla-arrival' },
          `SLA breached on arrival: posted ${duration(item.routedAt - item.createdAt)} before Earshot saw it`,
        )
      : null,
    el(
      'span',
      { class: 'meta' },
      `${item.brandId} · ${item.sourceId} · urgency ${item.urgency} · ${item.assignee ? `assigned to ${item.assignee}` : 'unassigned'}`,
    ),
    item.replyUrl ? externalLink(item.replyUrl, 'Our reply') : null,
    item.lastError ? el('p', { class: 'error-inline' }, item.lastError) : null,
    item.rejectReason ? el('p', { class: 'muted' }, `Rejected: ${item.rejectReason}`) : null,
  );
}

/** @param {Detail['mention']} mention */
function postBlock(mention) {
  if (!mention) return el('div', { class: 'card' }, el('p', { class: 'muted' }, 'The post has expired from the store.'));
  return el(
    'article',
    { class: 'card post' },
    el(
      'h2',
      {},
      mention.author.name || mention.author.handle,
      el('span', { class: 'muted' }, ` @${mention.author.handle} on ${mention.platform}`),
    ),
    el('p', { class: 'post-text', id: 'post-text' }, mention.text),
    el('p', { class: 'muted' }, when(mention.createdAt), ' ', externalLink(mention.url, 'Open the post')),
  );
}

/**
 * @param {Api.HistoryEntry} h
 * @param {string} itemId
 */
function historyEntry(h, itemId) {
  const mine = h.kind === 'reply';
  return el(
    'li',
    { class: mine ? 'history reply' : 'history' },
    el('span', { class: 'muted' }, `${mine ? 'Our reply' : h.id === itemId ? 'This post' : 'Post'} · ${when(h.at)} `),
    externalLink(h.url, 'link'),
    el('div', {}, h.text ?? '(no longer stored)'),
  );
}

/**
 * @param {Detail['author']} author
 * @param {string} itemId
 */
function authorBlock(author, itemId) {
  if (!author || !author.profile) return null;
  const p = author.profile;
  return el(
    'aside',
    { class: 'card author-card' },
    el('h2', {}, 'Author'),
    el('p', {}, el('strong', {}, p.name || p.handle), ` @${p.handle} `, externalLink(p.url, 'profile')),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Reach'),
      el('dd', {}, p.followers === null ? 'unknown' : `${fmtNumber(p.followers)} followers`),
      el('dt', {}, 'Posts'),
      el('dd', {}, String(p.mentions)),
      el('dt', {}, 'Complaints'),
      el('dd', {}, String(p.complaints)),
      el('dt', {}, 'Our replies'),
      el('dd', {}, String(p.replies)),
      el('dt', {}, 'First seen'),
      el('dd', {}, when(p.firstSeen)),
    ),
    el('h3', {}, 'History'),
    el(
      'ol',
      { class: 'history-list' },
      author.history.map((h) => historyEntry(h, itemId)),
    ),
  );
}

/** @param {Detail} detail */
function triageBlock(detail) {
  const { triage } = detail;
  if (!triage) return null;
  return el(
    'div',
    { class: 'card' },
    el('h2', {}, 'Why it is here'),
    el('p', {}, `Sentiment ${triage.sentiment} · urgency ${triage.urgency} · ${label(triage.category)}`),
    el(
      'ul',
      { class: 'reasons' },
      triage.reasons.map((r) => el('li', {}, r)),
    ),
    triageForm(detail, reload),
  );
}

/** @param {Detail['audit']} audit */
function auditBlock(audit) {
  return el(
    'details',
    { class: 'card' },
    el('summary', {}, `Audit trail (${audit.length})`),
    el(
      'ol',
      { class: 'audit-list' },
      audit.map((a) =>
        el('li', {}, `${when(a.at)} · ${a.actor} · ${a.action}`, a.detail ? el('code', {}, ` ${JSON.stringify(a.detail)}`) : null),
      ),
    ),
  );
}

/**
 * @param {Detail} detail
 * @param {Team} team
 */
export function renderItem(detail, team) {
  current.detail = detail;
  current.team = team;
  const typed = keepTyped();
  const body = clear($('item-body'));
  // append() would print a null as "null": el() drops it.
  body.append(
    headerBlock(detail.item),
    presenceBar(detail.item.id),
    el('div', { class: 'undo-slot' }, undoBar(detail.item)),
    el(
      'div',
      { class: 'columns' },
      el(
        'div',
        { class: 'main-col' },
        postBlock(detail.mention),
        conversationBlock(detail, team, reload),
        draftBlock(detail, team, reload),
        // Filled by the drafts module (alternative drafts); left empty here.
        el('div', { id: 'draft-alternatives', class: 'draft-alternatives' }),
        notesBlock(detail, team, reload),
        triageBlock(detail),
        auditBlock(detail.audit),
      ),
      el('div', { class: 'side-col' }, sideTeamBlock(detail, team, reload), authorBlock(detail.author, detail.item.id)),
    ),
  );
  restoreTyped(typed);
}

/** @param {string} id */
export async function loadItem(id) {
  current.id = id;
  const path = `/api/items/${encodeURIComponent(id)}`;
  /** @type {[Promise<Detail>, Promise<Team>]} */
  const asked = [api('GET', path), api('GET', `${path}/team`)];
  const [detail, team] = await Promise.all(asked);
  if (current.id !== id) return detail;
  renderItem(detail, team);
  watchItem(id);
  // Opening the item marked my mentions in it as read.
  void refreshMentions();
  return detail;
}

/** Reload after an action or a live event, keeping an edit in progress. */
export async function reload() {
  if (!current.id || document.querySelector('#draft-text:not([readonly])')) return;
  await loadItem(current.id);
}
