// @ts-check
// Spikes: the volume chart against its expected band, each spike's explanation, its posts and
// items, the buttons (acknowledge, escalate, mark as expected) and one holding reply for them all.
import { api, may } from './api.js';
import { $, clear, el, externalLink, shorten, svg, when } from './dom.js';

/** @type {{ brand: string, selected: string | null }} */
const state = { brand: '', selected: null };

/** @param {Pick<Api.SpikeChartAnswer, 'points'>} data */
function chart(data) {
  const W = 720;
  const H = 160;
  const pts = data.points;
  if (!pts.length) return el('p', { class: 'muted' }, 'No counts yet for this brand.');
  const max = Math.max(1, ...pts.map((p) => Math.max(p.observed, p.upper ?? 0)));
  const x = (/** @type {number} */ i) => Math.round((i / Math.max(1, pts.length - 1)) * (W - 20)) + 10;
  const y = (/** @type {number} */ v) => Math.round(H - 15 - (v / max) * (H - 30));
  const band = pts.map((p, i) => (p.upper === null ? null : `${x(i)},${y(p.upper)}`)).filter(Boolean);
  const low = pts
    .map((p, i) => (p.expected === null ? null : `${x(i)},${y(p.expected)}`))
    .filter(Boolean)
    .reverse();
  const line = pts.map((p, i) => `${x(i)},${y(p.observed)}`).join(' ');
  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'spike-chart', role: 'img', 'aria-label': 'posts per half hour against the expected range' },
    band.length ? svg('polygon', { points: [...band, ...low].join(' '), class: 'band' }) : null,
    svg('polyline', { points: low.slice().reverse().join(' '), class: 'expected' }),
    svg('polyline', { points: line, class: 'observed' }),
    svg(
      'text',
      { x: 10, y: 12, class: 'axis' },
      `max ${Math.round(max)} post${Math.round(max) === 1 ? '' : 's'} / 30 min · shaded: expected range · line: posts`,
    ),
  );
}

/** @param {Api.SpikeSummary} s */
function flagLine(s) {
  const parts = [`${s.status === 'open' ? 'Open' : 'Back to normal'} since ${when(s.status === 'open' ? s.startedAt : s.closedAt)}`];
  if (s.acknowledgedBy) parts.push(`acknowledged by ${s.acknowledgedBy}`);
  if (s.escalatedBy) parts.push(`escalated by ${s.escalatedBy}`);
  if (s.expectedBy) parts.push(`marked as expected by ${s.expectedBy}`);
  return parts.join(' · ');
}

/** @param {Api.SpikeSummary} s */
function listItem(s) {
  return el(
    'li',
    { class: `spike-row sev-${s.severity}${state.selected === s.id ? ' selected' : ''}` },
    el('a', { href: `#/spikes/${encodeURIComponent(s.id)}` }, `${s.brand} · ${s.severity}`),
    el('div', { class: 'muted' }, `${when(s.startedAt)} · ${s.posts} posts · ${s.authors} authors · ${s.status}`),
    el('div', {}, shorten(s.terms.join(', '), 120)),
  );
}

/** @param {Api.SpikePost} p */
function post(p) {
  return el(
    'li',
    {},
    el('strong', {}, `@${p.handle}`),
    ` on ${p.platform} · urgency ${p.urgency} · ${p.followers ?? '?'} followers · ${when(p.createdAt)} `,
    externalLink(p.url, 'view'),
    el('div', {}, shorten(p.text, 400)),
  );
}

/**
 * @param {string} id
 * @param {'acknowledge' | 'escalate' | 'expected'} verb
 */
async function act(id, verb) {
  await api('POST', `/api/spikes/${encodeURIComponent(id)}/${verb}`);
  await loadSpikes(id);
}

/** @param {Api.SpikeSummary} s */
function actions(s) {
  if (s.status !== 'open' || s.expectedBy) return null;
  return el(
    'div',
    { class: 'actions' },
    s.acknowledgedBy ? null : el('button', { type: 'button', onclick: () => act(s.id, 'acknowledge') }, 'Acknowledge'),
    s.escalatedBy ? null : el('button', { type: 'button', onclick: () => act(s.id, 'escalate') }, 'Escalate to managers'),
    el('button', { type: 'button', onclick: () => act(s.id, 'expected') }, 'Mark as expected'),
  );
}

/** @param {Api.SpikeDetailAnswer} s */
function holding(s) {
  if (!may('edit') || !s.items.length) return null;
  const text = el('textarea', { rows: 3, maxlength: 2000, id: 'spike-holding' });
  text.value = `Hi, we know about this and are working on it. We will update you here as soon as we can.`;
  const out = el('p', { class: 'muted', 'aria-live': 'polite' });
  const go = async () => {
    /** @type {Api.HoldingReplyAnswer} */
    const r = await api('POST', `/api/spikes/${encodeURIComponent(s.id)}/holding-reply`, { text: text.value });
    out.textContent = `Drafted on ${r.drafted} item(s)${r.skipped ? `, ${r.skipped} skipped (already answered or changed)` : ''}. Approve them in the queue as usual.`;
  };
  return el(
    'div',
    { class: 'card' },
    el('h3', {}, `Holding reply for the ${s.items.length} open item(s) of this spike`),
    text,
    el('button', { type: 'button', onclick: go }, 'Draft it on every item'),
    out,
  );
}

/** @param {Api.SpikeDetailAnswer} s */
function detail(s) {
  const e = s.explanation;
  return el(
    'div',
    { class: 'spike-detail' },
    el('h2', {}, `${e.brandName} · ${s.severity}`),
    el('p', {}, e.summary),
    el('p', { class: 'muted' }, flagLine(s)),
    actions(s),
    el('h3', {}, 'What rose'),
    el(
      'ul',
      {},
      e.rose.map((r) =>
        el(
          'li',
          {},
          `${r.label}: ${Math.round(r.observed)} in ${r.windowMinutes} min against ${r.expected} expected (${r.effective} counting each author at most 3 times), ${r.authors} authors, z ${r.z}`,
        ),
      ),
    ),
    el('h3', {}, 'Emerging terms (log-odds against the baseline)'),
    el(
      'ul',
      {},
      e.terms.map((t) => el('li', {}, `${t.term}: ${t.posts} posts, usually ${t.usual}, ${t.lift}× (z ${t.z})`)),
    ),
    el(
      'p',
      {},
      `Categories: ${e.categories.map((c) => `${c.category} ${c.posts}`).join(', ')} · Platforms: ${e.platforms.map((p) => `${p.platform} ${p.posts}`).join(', ')} · ${e.totalPosts} posts by ${e.authors} authors, ${Math.round(e.negativeShare * 100)}% negative`,
    ),
    el('h3', {}, 'Representative posts'),
    el('ol', { class: 'spike-posts' }, e.posts.map(post)),
    e.firstPost ? el('div', {}, el('h3', {}, 'First post of the burst'), el('ul', { class: 'spike-posts' }, post(e.firstPost))) : null,
    holding(s),
    s.items.length ? openItems(s) : null,
  );
}

/**
 * Each open item by what it says (a link to it), the first 50; the count says how many more.
 * @param {Api.SpikeDetailAnswer} s
 */
function openItems(s) {
  const shown = s.previews ?? s.items.map((id) => ({ id, text: id }));
  const more = s.items.length - shown.length;
  return el(
    'div',
    { class: 'spike-items' },
    el('h3', {}, `Its open items (${s.items.length})`),
    el(
      'ul',
      {},
      shown.map((i) => el('li', {}, el('a', { href: `#/item/${encodeURIComponent(i.id)}` }, shorten(i.text, 120)))),
    ),
    more > 0 ? el('p', { class: 'muted' }, `and ${more} more; the holding reply reaches them all`) : null,
  );
}

/**
 * The brand whose volume the chart shows, and a picker for the others: the chart is how a team
 * sees its usual range, so it is there before the first spike too.
 * @param {string} brand
 * @param {string[]} brands
 */
function brandPicker(brand, brands) {
  if (brands.length < 2) return null;
  const select = el(
    'select',
    {
      id: 'spike-brand',
      onchange: () => {
        state.brand = select.value;
        // A spike of another brand would take the chart back to its own brand.
        if (state.selected) location.hash = '#/spikes';
        else void loadSpikes();
      },
    },
    brands.map((b) => el('option', { value: b, ...(b === brand ? { selected: true } : {}) }, b)),
  );
  return el('label', { class: 'spike-brand' }, 'Brand ', select);
}

/** @param {string | null} [id] */
export async function loadSpikes(id = null) {
  state.selected = id;
  const body = clear($('spikes-body'));
  const [listed, configured] = await Promise.all([api('GET', '/api/spikes?limit=50'), api('GET', '/api/sources')]);
  const { spikes } = /** @type {Api.SpikesAnswer} */ (listed);
  const { sources } = /** @type {Api.SourcesAnswer} */ (configured);
  const brands = [...new Set(sources.map((s) => s.brand))].sort();
  /** @type {Api.SpikeDetailAnswer | null} */
  const chosen = id ? await api('GET', `/api/spikes/${encodeURIComponent(id)}`) : null;
  // `||`, not `??`: the remembered brand starts as '' and must then give way to the newest spike's, then to the first brand's.
  const brand = chosen?.brandId || state.brand || spikes[0]?.brandId || brands[0] || '';
  state.brand = brand;
  /** @type {Pick<Api.SpikeChartAnswer, 'points'>} */
  const data = brand ? await api('GET', `/api/spikes/chart?brand=${encodeURIComponent(brand)}&hours=48`) : { points: [] };
  body.append(
    el(
      'div',
      { class: 'card' },
      el('h2', {}, brand ? `Last 48 hours · ${brand}` : 'No brands yet'),
      brandPicker(brand, brands),
      chart(data),
    ),
    el(
      'div',
      { class: 'spike-layout' },
      el(
        'ol',
        { class: 'spike-list' },
        spikes.length ? spikes.map(listItem) : el('li', { class: 'muted' }, 'No spike so far: volumes are within their usual range.'),
      ),
      chosen ? detail(chosen) : el('p', { class: 'muted' }, 'Pick a spike to see what it is about.'),
    ),
  );
}

/** The queue's banner while a spike is open (not marked as expected): one line and a link. */
export async function showSpikeBanner() {
  const box = $('spike-banner');
  /** @type {Api.SpikesAnswer} */
  const { spikes } = await api('GET', '/api/spikes?status=open&limit=5');
  const open = spikes.filter((s) => !s.expectedBy);
  clear(box).hidden = open.length === 0;
  for (const s of open) {
    box.append(
      el(
        'p',
        {},
        el('strong', {}, `Spike open · ${s.brand} (${s.severity}): `),
        shorten(s.summary, 200),
        ' ',
        el('a', { href: `#/spikes/${encodeURIComponent(s.id)}` }, 'See it and its items'),
      ),
    );
  }
}
