import type { OutOfFold, Prepared } from './fit-types.js';
import { SENTIMENT_CLASSES, type BrandCalibration } from '../model.js';

/**
 * Per-brand calibration from responders' corrections: one bias per sentiment class and one for
 * complaint, fitted to the out-of-fold scores of that brand's corrected posts. Each brand's
 * audience and tone differ (a gaming brand's "sick" is praise), and a bias is the part that a
 * few dozen corrections can estimate without overfitting. The L2 prior keeps a brand with two
 * corrections close to zero.
 */
const PRIOR = 2;
const STEPS = 300;
const RATE = 0.05;
const MAX_SHIFT = 3;

interface Item {
  logp: [number, number, number] | null;
  y: number | null;
  complaintLogit: number;
  complaint: boolean | null;
  w: number;
}

function fitSentimentBias(items: Item[]): [number, number, number] {
  const b = [0, 0, 0];
  const labelled = items.filter((it) => it.logp && it.y !== null);
  if (!labelled.length) return [0, 0, 0];
  for (let step = 0; step < STEPS; step += 1) {
    const grad = b.map((v) => PRIOR * v);
    for (const it of labelled) {
      const z = (it.logp as number[]).map((l, c) => l + (b[c] as number));
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((s, v) => s + v, 0);
      e.forEach((v, c) => (grad[c] = (grad[c] as number) + it.w * (v / sum - (c === it.y ? 1 : 0))));
    }
    for (let c = 0; c < 3; c += 1) b[c] = clamp((b[c] as number) - (RATE * (grad[c] as number)) / Math.sqrt(labelled.length));
  }
  // Only differences between classes matter; centring on neutral keeps the stored numbers readable.
  return [round((b[0] as number) - (b[1] as number)), 0, round((b[2] as number) - (b[1] as number))];
}

function fitComplaintBias(items: Item[]): number {
  let b = 0;
  const labelled = items.filter((it) => it.complaint !== null);
  if (!labelled.length) return 0;
  for (let step = 0; step < STEPS; step += 1) {
    let grad = PRIOR * b;
    for (const it of labelled) grad += it.w * (1 / (1 + Math.exp(-(it.complaintLogit + b))) - (it.complaint ? 1 : 0));
    b = clamp(b - (RATE * grad) / Math.sqrt(labelled.length));
  }
  return round(b);
}

function clamp(x: number): number {
  return Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, x));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function calibrateBrands(data: Prepared[], oof: OutOfFold): Record<string, BrandCalibration> {
  const byBrand = new Map<string, Item[]>();
  data.forEach((d, i) => {
    const brand = d.row.calibrateBrand;
    if (!brand) return;
    const p = oof.probs[i] as [number, number, number];
    const item: Item = {
      logp: d.row.sentiment ? [Math.log(p[0]), Math.log(p[1]), Math.log(p[2])] : null,
      y: d.row.sentiment ? SENTIMENT_CLASSES.indexOf(d.row.sentiment) : null,
      complaintLogit: oof.complaintLogit[i] as number,
      complaint: d.row.complaint,
      w: 1,
    };
    const list = byBrand.get(brand) ?? [];
    list.push(item);
    byBrand.set(brand, list);
  });
  const out: Record<string, BrandCalibration> = {};
  for (const [brand, items] of byBrand) {
    out[brand] = { sentiment: fitSentimentBias(items), complaint: fitComplaintBias(items), corrections: items.length };
  }
  return out;
}
