// @ts-check
// Hand-written SVG charts. Sizes are in viewBox units; CSS scales the SVG to its box.
import { el, svg } from './dom.js';

const W = 640;
const H = 200;
const PAD = { top: 10, right: 10, bottom: 28, left: 40 };
/** @type {Array<['negative' | 'neutral' | 'positive', string]>} */
const SENTIMENT = [
  ['negative', 'neg'],
  ['neutral', 'neu'],
  ['positive', 'pos'],
];

/**
 * Whole-number ticks: with small counts, one tick per unit.
 * @param {number} max
 * @returns {SVGElement[]}
 */
function axis(max) {
  const ticks = Math.min(4, max);
  /** @type {SVGElement[]} */
  const nodes = [];
  for (let i = 0; i <= ticks; i++) {
    const value = (max / ticks) * i;
    const y = PAD.top + (H - PAD.top - PAD.bottom) * (1 - i / ticks);
    nodes.push(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }));
    nodes.push(svg('text', { x: PAD.left - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, String(Math.round(value))));
  }
  return nodes;
}

/**
 * Rounds up so four ticks land on whole numbers.
 * @param {number} max
 */
function niceMax(max) {
  return max <= 4 ? max : Math.ceil(max / 4) * 4;
}

/**
 * @param {string} title
 * @param {SVGElement[]} nodes
 */
function frame(title, nodes) {
  return svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title }, svg('title', {}, title), ...nodes);
}

/**
 * @param {number} t
 * @param {number} bucketMs
 */
function tickLabel(t, bucketMs) {
  const d = new Date(t);
  return bucketMs < 86_400_000 ? `${String(d.getHours()).padStart(2, '0')}:00` : `${d.getMonth() + 1}/${d.getDate()}`;
}

/**
 * Stacked bars per time bucket: negative, neutral, positive.
 * @param {string} title
 * @param {Api.VolumePoint[]} points
 * @param {number} bucketMs
 */
export function volumeChart(title, points, bucketMs) {
  const max = niceMax(Math.max(1, ...points.map((p) => p.total)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / Math.max(1, points.length);
  const every = Math.ceil(points.length / 8);
  const nodes = axis(max);
  points.forEach((p, i) => {
    let y = PAD.top + plotH;
    const x = PAD.left + i * bw;
    for (const [key, cls] of SENTIMENT) {
      const h = (p[key] / max) * plotH;
      if (h > 0)
        nodes.push(
          svg(
            'rect',
            { x: x + 1, y: y - h, width: Math.max(1, bw - 2), height: h, class: `bar ${cls}` },
            svg('title', {}, `${new Date(p.t).toLocaleString()}: ${p[key]} ${key}`),
          ),
        );
      y -= h;
    }
    if (i % every === 0)
      nodes.push(svg('text', { x: x + bw / 2, y: H - 8, class: 'tick', 'text-anchor': 'middle' }, tickLabel(p.t, bucketMs)));
  });
  return frame(title, nodes);
}

/**
 * Plain bars with labels underneath (the first-response distribution).
 * @param {string} title
 * @param {Array<{ label: string, count: number }>} bars
 */
export function barChart(title, bars) {
  const max = niceMax(Math.max(1, ...bars.map((b) => b.count)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / Math.max(1, bars.length);
  const nodes = axis(max);
  bars.forEach((b, i) => {
    const h = (b.count / max) * plotH;
    const x = PAD.left + i * bw;
    nodes.push(
      svg(
        'rect',
        { x: x + 6, y: PAD.top + plotH - h, width: Math.max(1, bw - 12), height: h, class: 'bar single' },
        svg('title', {}, `${b.label}: ${b.count}`),
      ),
    );
    nodes.push(svg('text', { x: x + bw / 2, y: PAD.top + plotH - h - 4, class: 'value', 'text-anchor': 'middle' }, String(b.count)));
    nodes.push(svg('text', { x: x + bw / 2, y: H - 8, class: 'tick', 'text-anchor': 'middle' }, b.label));
  });
  return frame(title, nodes);
}

/**
 * A 0–100 % meter; null shows as "no data".
 * @param {string} title
 * @param {number | null} share
 */
export function meter(title, share) {
  const width = 300;
  const filled = share === null ? 0 : Math.round(share * width);
  return el(
    'div',
    { class: 'meter' },
    svg(
      'svg',
      { viewBox: `0 0 ${width} 16`, class: 'meter-bar', role: 'img', 'aria-label': title },
      svg('rect', { x: 0, y: 0, width, height: 16, class: 'meter-bg' }),
      svg('rect', { x: 0, y: 0, width: filled, height: 16, class: 'meter-fill' }),
    ),
    el('span', { class: 'meter-text' }, share === null ? 'no data' : `${Math.round(share * 100)} %`),
  );
}

export function legend() {
  return el(
    'p',
    { class: 'legend' },
    el('span', { class: 'swatch neg' }),
    ' negative ',
    el('span', { class: 'swatch neu' }),
    ' neutral ',
    el('span', { class: 'swatch pos' }),
    ' positive',
  );
}

/**
 * One horizontal bar, `value` of `max`, for a table cell.
 * @param {string} title
 * @param {number} value
 * @param {number} max
 */
export function hbar(title, value, max) {
  const width = 160;
  const filled = max ? Math.max(value ? 2 : 0, Math.round((value / max) * width)) : 0;
  return svg(
    'svg',
    { viewBox: `0 0 ${width} 12`, class: 'hbar', role: 'img', 'aria-label': title },
    svg('rect', { x: 0, y: 0, width: filled, height: 12, class: 'hbar-fill' }),
  );
}
