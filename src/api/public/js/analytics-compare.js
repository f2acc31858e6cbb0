// @ts-check
// Analytics a manager reads first: this period against the one before it, what people complain
// about, each platform and each responder. Every number comes from the server (SQL over the range).
import { cardTable } from './card-table.js';
import { hbar } from './charts.js';
import { duration, el, label } from './dom.js';

const pct = (/** @type {number | null | undefined} */ share) =>
  share === null || share === undefined ? '—' : `${Math.round(share * 100)} %`;
const share = (/** @type {number} */ part, /** @type {number} */ whole) => (whole ? part / whole : null);

/**
 * @typedef {{ text: string, tone: 'good' | 'bad' | 'flat' | 'neutral' }} Delta
 * @typedef {'up' | 'down' | 'either'} Good
 */

/**
 * "+5 (+25 %)", "−3 (−10 %)", "+4 (new)", "no change". `good` says which direction is good news;
 * 'either' for counts that are neither (more mentions is not better or worse by itself).
 * @param {number} current
 * @param {number} previous
 * @param {Good} [good]
 * @returns {Delta}
 */
export function countDelta(current, previous, good = 'up') {
  const diff = current - previous;
  if (diff === 0) return { text: 'no change', tone: 'flat' };
  const sign = diff > 0 ? '+' : '−';
  const rel = previous ? ` (${sign}${Math.round((Math.abs(diff) / previous) * 100)} %)` : ' (new)';
  const tone = good === 'either' ? 'neutral' : diff > 0 === (good === 'up') ? 'good' : 'bad';
  return { text: `${sign}${Math.abs(diff)}${rel}`, tone };
}

/**
 * Faster or slower, for a median duration; lower is better.
 * @param {number | null} current
 * @param {number | null} previous
 * @returns {Delta}
 */
export function durationDelta(current, previous) {
  if (current === null || previous === null) return { text: previous === null ? 'nothing to compare' : 'no replies yet', tone: 'flat' };
  const diff = current - previous;
  if (Math.abs(diff) < 1000) return { text: 'no change', tone: 'flat' };
  return { text: `${duration(Math.abs(diff))} ${diff < 0 ? 'faster' : 'slower'}`, tone: diff < 0 ? 'good' : 'bad' };
}

/**
 * Percentage points for a share; higher is better unless `good` is 'down'.
 * @param {number | null} current
 * @param {number | null} previous
 * @param {Good} [good]
 * @returns {Delta}
 */
export function shareDelta(current, previous, good = 'up') {
  if (current === null || previous === null) return { text: 'nothing to compare', tone: 'flat' };
  const points = Math.round((current - previous) * 100);
  if (points === 0) return { text: 'no change', tone: 'flat' };
  return { text: `${points > 0 ? '+' : '−'}${Math.abs(points)} pts`, tone: points > 0 === (good === 'up') ? 'good' : 'bad' };
}

/** @param {Delta} d */
function delta(d) {
  return el('span', { class: `delta ${d.tone}` }, d.text);
}

/**
 * @param {string} id
 * @param {string} title
 * @param {string} value
 * @param {Delta} d
 * @param {string} previousText
 */
function kpi(id, title, value, d, previousText) {
  return el(
    'div',
    { class: 'kpi', id: `kpi-${id}` },
    el('span', { class: 'kpi-title' }, title),
    el('strong', { class: 'kpi-value' }, value),
    delta(d),
    el('span', { class: 'muted kpi-prev' }, previousText),
  );
}

/**
 * The headline figures, each with its change against the previous period of equal length.
 * @param {Api.AnalyticsAnswer['comparison']} c
 */
export function comparisonSection(c) {
  const cur = c.current;
  const prev = c.previous;
  const day = (/** @type {number} */ ms) => new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  const before = (/** @type {string | number} */ v) => `before: ${v}`;
  const negCur = share(cur.negative, cur.mentions);
  const negPrev = share(prev.negative, prev.mentions);
  return el(
    'section',
    { class: 'card', id: 'comparison' },
    el('h2', {}, `This period against the one before it (${day(prev.from)} – ${day(prev.to)})`),
    el(
      'div',
      { class: 'kpis' },
      kpi('mentions', 'Mentions', String(cur.mentions), countDelta(cur.mentions, prev.mentions, 'either'), before(prev.mentions)),
      kpi('complaints', 'Complaints', String(cur.complaints), countDelta(cur.complaints, prev.complaints, 'down'), before(prev.complaints)),
      kpi('negative', 'Negative share', pct(negCur), shareDelta(negCur, negPrev, 'down'), before(pct(negPrev))),
      kpi('replied', 'Replies sent', String(cur.replied), countDelta(cur.replied, prev.replied), before(prev.replied)),
      kpi(
        'first-response',
        'Median first response',
        cur.medianFirstResponseMs === null ? '—' : duration(cur.medianFirstResponseMs),
        durationDelta(cur.medianFirstResponseMs, prev.medianFirstResponseMs),
        before(prev.medianFirstResponseMs === null ? '—' : duration(prev.medianFirstResponseMs)),
      ),
      kpi(
        'sla',
        'SLA attained',
        pct(cur.slaAttainment),
        shareDelta(cur.slaAttainment, prev.slaAttainment),
        before(pct(prev.slaAttainment)),
      ),
    ),
    el(
      'p',
      { class: 'muted' },
      'First response and SLA count from when the post was made. Complaints: posts triage marked as a complaint or negative.',
    ),
  );
}

/**
 * @param {string} id
 * @param {string[]} headers
 * @param {HTMLElement[]} rows
 */
const table = (id, headers, rows) => cardTable('data', headers, rows, { id });

/**
 * What people complain about: complaints per category, the change, and all mentions.
 * @param {Api.AnalyticsAnswer['categories']} categories
 */
export function categorySection(categories) {
  const max = Math.max(1, ...categories.map((c) => c.complaints));
  const rows = categories.map((c) =>
    el(
      'tr',
      { 'data-category': c.category },
      el('td', {}, label(c.category)),
      el('td', { class: 'num' }, String(c.complaints)),
      el('td', {}, hbar(`${label(c.category)}: ${c.complaints} complaints`, c.complaints, max)),
      el('td', {}, delta(countDelta(c.complaints, c.previousComplaints, 'down'))),
      el('td', { class: 'num' }, String(c.mentions)),
    ),
  );
  return el(
    'section',
    { class: 'card' },
    el('h2', {}, 'What people complain about'),
    categories.length
      ? table('categories', ['Category', 'Complaints', '', 'Change', 'All mentions'], rows)
      : el('p', { class: 'muted' }, 'No mentions in this range.'),
  );
}

/** @param {Api.PlatformRow[]} platforms */
export function platformSection(platforms) {
  const rows = platforms.map((p) =>
    el(
      'tr',
      { 'data-platform': p.platform },
      el('td', {}, p.platform),
      el('td', { class: 'num' }, String(p.mentions)),
      el('td', {}, delta(countDelta(p.mentions, p.previousMentions, 'either'))),
      el('td', { class: 'num' }, pct(share(p.negative, p.mentions))),
      el('td', { class: 'num' }, `${p.current.replied} of ${p.current.items}`),
      el('td', { class: 'num' }, p.current.medianFirstResponseMs === null ? '—' : duration(p.current.medianFirstResponseMs)),
      el('td', { class: 'num' }, pct(share(p.current.slaMet, p.current.slaDecided))),
    ),
  );
  return el(
    'section',
    { class: 'card' },
    el('h2', {}, 'Per platform'),
    platforms.length
      ? table('platforms', ['Platform', 'Mentions', 'Change', 'Negative', 'Answered', 'Median first response', 'SLA attained'], rows)
      : el('p', { class: 'muted' }, 'No mentions in this range.'),
  );
}

/** @param {Api.ResponderRow[]} responders */
export function responderSection(responders) {
  const rows = responders.map((r) =>
    el(
      'tr',
      { 'data-responder': r.responder },
      el('td', {}, r.responder),
      el('td', { class: 'num' }, String(r.replies)),
      el('td', {}, delta(countDelta(r.replies, r.previousReplies))),
      el('td', { class: 'num' }, r.medianFirstResponseMs === null ? '—' : duration(r.medianFirstResponseMs)),
      el('td', { class: 'num' }, r.replies ? `${pct(r.slaMet / r.replies)} (${r.slaMet} of ${r.replies})` : '—'),
    ),
  );
  return el(
    'section',
    { class: 'card' },
    el('h2', {}, 'Per responder'),
    el('p', { class: 'muted' }, 'Replies posted in the range, by the person whose approval sent them.'),
    responders.length
      ? table('responders', ['Responder', 'Replies sent', 'Change', 'Median first response', 'SLA attained'], rows)
      : el('p', { class: 'muted' }, 'No replies sent in this range.'),
  );
}
