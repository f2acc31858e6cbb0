// @ts-check
// Analytics: this period against the previous one, what people complain about, per platform and
// per responder, volume and sentiment over time, first-response times, SLA attainment, recovery.
import { categorySection, comparisonSection, platformSection, responderSection } from './analytics-compare.js';
import { api } from './api.js';
import { barChart, legend, meter, volumeChart } from './charts.js';
import { $, clear, duration, el } from './dom.js';

const DAY = 86_400_000;

/** @param {number} ms */
function dateValue(ms) {
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

export function setupAnalytics() {
  if (!$('a-from').value) {
    $('a-to').value = dateValue(Date.now());
    $('a-from').value = dateValue(Date.now() - 6 * DAY);
  }
  $('a-go').onclick = () => loadAnalytics();
}

function range() {
  // Local dates: from the start of the first day to the end of the last.
  const from = new Date(`${$('a-from').value}T00:00:00`).getTime();
  const to = new Date(`${$('a-to').value}T23:59:59.999`).getTime();
  const params = new URLSearchParams({ from: String(from), to: String(Math.min(to, Date.now())) });
  if ($('a-brand').value) params.set('brand', $('a-brand').value);
  return params;
}

/**
 * @param {string} title
 * @param {import('./dom.js').Child[]} children
 */
function section(title, ...children) {
  return el('section', { class: 'card chart-card' }, el('h2', {}, title), ...children);
}

/** @param {Api.VolumeSeries} volume */
function volumeSections(volume) {
  // Small multiples only when there is more than one line to tell apart.
  const sources = Object.keys(volume.bySource).length > 1 ? Object.entries(volume.bySource) : [];
  const perSource = sources.map(([id, points]) =>
    el('div', { class: 'small-chart' }, el('h3', {}, `Source ${id}`), volumeChart(`Mentions from ${id}`, points, volume.bucketMs)),
  );
  const perBrand =
    Object.keys(volume.byBrand).length > 1
      ? Object.entries(volume.byBrand).map(([id, points]) =>
          el('div', { class: 'small-chart' }, el('h3', {}, `Brand ${id}`), volumeChart(`Mentions of ${id}`, points, volume.bucketMs)),
        )
      : [];
  const total = volume.overall.reduce((n, p) => n + p.total, 0);
  return section(
    `Mention volume and sentiment (${total})`,
    legend(),
    volumeChart('All mentions', volume.overall, volume.bucketMs),
    el('div', { class: 'grid2' }, perBrand, perSource),
  );
}

/** @param {Api.ResponseStats} response */
function responseSection(response) {
  const replies = `${response.replied} ${response.replied === 1 ? 'reply' : 'replies'}`;
  const stats = response.replied
    ? `median ${duration(response.medianMs ?? 0)}, 90 % within ${duration(response.p90Ms ?? 0)}`
    : 'no replies yet';
  return section(
    'First response time',
    el('p', { class: 'muted' }, `${replies}; ${stats}. Clock: ${response.clock}.`),
    barChart('First response time distribution', response.buckets),
  );
}

/** @param {Api.SlaStats[]} sla */
function slaSection(sla) {
  return section(
    'SLA attainment',
    el(
      'p',
      { class: 'muted' },
      'Answered before the SLA was due, counted from when the post was made; items still open and not yet due are not counted.',
    ),
    sla.map((s) =>
      el(
        'div',
        { class: 'sla-row', id: `sla-${s.priority}` },
        el('strong', {}, s.priority),
        meter(`${s.priority} SLA attainment`, s.attainment),
        el('span', { class: 'muted' }, `${s.met} met · ${s.late} late · ${s.overdue} overdue · ${s.pending} pending`),
      ),
    ),
  );
}

/** @param {Api.RecoveryStats} r */
function recoverySection(r) {
  return section(
    'Sentiment recovery',
    el('p', { class: 'muted' }, 'How often an author’s next post after our reply is less negative than the one we answered.'),
    meter('Sentiment recovery', r.rate),
    el(
      'p',
      { id: 'recovery-text' },
      `${r.improved} of ${r.followedUp} authors who posted again were less negative (${r.replied} ${r.replied === 1 ? 'reply' : 'replies'} in the range).`,
    ),
  );
}

export async function loadAnalytics() {
  const body = $('analytics-body');
  // Never an empty page that looks like "no data" while the numbers are on their way.
  if (!body.childElementCount) body.append(el('p', { class: 'muted' }, 'Loading…'));
  /** @type {Api.AnalyticsAnswer} */
  const data = await api('GET', `/api/analytics?${range()}`);
  clear(body).append(
    comparisonSection(data.comparison),
    el(
      'div',
      { class: 'grid2' },
      categorySection(data.categories),
      el('div', {}, platformSection(data.platforms), responderSection(data.responders)),
    ),
    volumeSections(data.volume),
    el('div', { class: 'grid2' }, responseSection(data.response), el('div', {}, slaSection(data.sla), recoverySection(data.recovery))),
  );
  if (data.truncated) body.append(el('p', { class: 'muted' }, 'Only the newest 5000 items in this range were used.'));
}
