// @ts-check
// Source health: one card per source with its state, what is wrong and what to renew, a
// "Test connection" button for admins, and the banner every page shows while a source needs a person.
import { api, failure, may } from './api.js';
import { $, clear, duration, el, when } from './dom.js';

const BANNER_EVERY_MS = 60_000;
/** @type {ReturnType<typeof setInterval> | undefined} */
let bannerTimer;

/** @param {number | null} ms */
function ago(ms) {
  if (!ms) return 'never';
  return `${when(ms)} (${duration(Date.now() - ms)} ago)`;
}

/**
 * @param {string} term
 * @param {string | null} value
 */
function fact(term, value) {
  return value === null || value === undefined || value === '' ? null : [el('dt', {}, term), el('dd', {}, value)];
}

/** @param {Api.RenewHint | null} renew */
function renewBlock(renew) {
  if (!renew) return null;
  return el(
    'div',
    { class: 'renew' },
    el('strong', {}, 'What to renew: '),
    renew.paths.length ? renew.paths.flatMap((p, i) => [i ? ', ' : '', el('code', {}, p)]) : 'this connector\u2019s credentials',
    renew.env.length ? [' from ', ...renew.env.flatMap((n, i) => [i ? ', ' : '', el('code', {}, `$${n}`)])] : null,
  );
}

/**
 * @param {string} id
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} out
 */
async function runTest(id, button, out) {
  button.disabled = true;
  out.className = 'test-result muted';
  out.textContent = 'Testing…';
  try {
    /** @type {Api.SourceTestAnswer} */
    const result = await api('POST', `/api/sources/${encodeURIComponent(id)}/test`);
    out.className = `test-result ${result.ok ? 'ok' : 'failed'}`;
    out.textContent = result.ok
      ? `Connection ok: ${result.fetched} post${result.fetched === 1 ? '' : 's'} read in ${result.ms} ms; nothing was stored.`
      : `Connection failed: ${result.error}`;
    if (!result.ok && result.detail) out.append(el('span', { class: 'muted detail' }, ` Detail: ${result.detail}`));
  } catch (err) {
    out.className = 'test-result failed';
    out.textContent = `Could not run the test: ${failure(err).message}`;
  } finally {
    button.disabled = false;
  }
}

/** @param {Api.SourceStatus} source */
function testAction(source) {
  if (!may('admin')) return null;
  const out = el('span', { class: 'test-result', role: 'status', 'aria-live': 'polite' });
  const button = el(
    'button',
    { type: 'button', class: 'test-connection', onclick: () => void runTest(source.id, button, out) },
    'Test connection',
  );
  return el('div', { class: 'actions' }, button, out);
}

/** @param {Api.SourceStatus} source */
function sourceCard(source) {
  const h = source.health;
  const stream = h.stream ? (h.stream.connected ? 'connected' : h.stream.error ? `down: ${h.stream.error}` : 'not connected') : null;
  const detail = source.state.lastErrorDetail && source.state.lastErrorDetail !== h.lastError ? source.state.lastErrorDetail : '';
  return el(
    'article',
    { class: `card source state-${h.state}`, id: `source-${source.id}`, 'data-state': h.state },
    el(
      'h2',
      {},
      source.id,
      ' ',
      el('span', { class: `badge state ${h.state}` }, h.label),
      el('span', { class: 'muted' }, ` ${source.kind} · ${source.brand} · every ${duration(source.interval)}`),
    ),
    el('p', { class: 'summary' }, h.summary),
    renewBlock(h.renew),
    el(
      'dl',
      { class: 'facts' },
      fact('Last success', ago(h.lastSuccessAt)),
      fact('Last new post', ago(h.lastItemAt)),
      fact('Errors in a row', String(h.errorStreak)),
      fact('Last error', h.lastError ? `${h.lastError}${h.lastErrorAt ? ` (${when(h.lastErrorAt)})` : ''}` : ''),
      fact('Paused until', h.pausedUntil ? when(h.pausedUntil) : ''),
      fact('Live stream', stream),
    ),
    // Admins only get the detail from the server: it can quote what the platform answered.
    detail ? el('details', {}, el('summary', {}, 'Error detail (admins)'), el('pre', { class: 'detail' }, detail)) : null,
    testAction(source),
  );
}

/**
 * The banner on every page: shown while any source is failing, stopped or needs credentials.
 * @param {Api.SourcesAnswer['problems']} problems
 */
export function renderBanner(problems) {
  const banner = $('source-banner');
  if (!problems.length) {
    banner.hidden = true;
    clear(banner);
    return;
  }
  const names = problems.map((p) => `${p.id} (${p.label.toLowerCase()})`).join(', ');
  clear(banner).append(
    `${problems.length === 1 ? 'A source needs attention' : `${problems.length} sources need attention`}: ${names}. `,
    el('a', { href: '#/sources' }, 'See source health'),
  );
  banner.hidden = false;
}

export async function refreshBanner() {
  try {
    /** @type {Api.SourcesAnswer} */
    const { problems } = await api('GET', '/api/sources');
    renderBanner(problems);
  } catch {
    // The banner is a hint; the page itself reports errors.
  }
}

export function startBanner() {
  stopBanner();
  void refreshBanner();
  bannerTimer = setInterval(() => void refreshBanner(), BANNER_EVERY_MS);
}

export function stopBanner() {
  clearInterval(bannerTimer);
  bannerTimer = undefined;
  renderBanner([]);
}

export async function loadSources() {
  const body = $('sources-body');
  if (!body.childElementCount) body.append(el('p', { class: 'muted' }, 'Loading…'));
  /** @type {Api.SourcesAnswer} */
  const { sources, problems } = await api('GET', '/api/sources');
  renderBanner(problems);
  const summary = problems.length
    ? `${problems.length} of ${sources.length} need attention.`
    : sources.length
      ? `All ${sources.length} sources are working.`
      : 'No sources are configured.';
  clear(body).append(el('p', { id: 'sources-summary' }, summary), ...sources.map(sourceCard));
}
