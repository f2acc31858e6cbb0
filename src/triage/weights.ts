import { deflateSync, inflateSync } from 'node:zlib';
import type { Features } from './features.js';

/**
 * Trained weights as one table of 16-bit integers, `per` outputs per feature (the main table:
 * negative, neutral, positive, complaint, irony; the category table: one per category). A post's
 * few dozen features are scattered over a million buckets, so scoring is bound by memory reads:
 * with a feature's outputs side by side, each feature is one short read instead of one per head.
 * Each output has its own step size, so a head with small weights keeps its precision.
 */
export interface WeightTable {
  q: Int16Array;
  per: number;
  scales: Float64Array;
}

/** From float weights, feature-major (w[f * per + c]). */
export function quantise(w: Float32Array, per: number): WeightTable {
  const max = new Float64Array(per);
  for (let i = 0; i < w.length; i += 1) max[i % per] = Math.max(max[i % per] as number, Math.abs(w[i] as number));
  const scales = max.map((m) => m / 32767 || 1);
  const q = new Int16Array(w.length);
  for (let i = 0; i < w.length; i += 1) q[i] = Math.round((w[i] as number) / (scales[i % per] as number));
  return { q, per, scales };
}

/** Adds the table's outputs for `x` to `out[0..per)`. */
export function addScores(t: WeightTable, x: Features, out: Float64Array): void {
  if (t.per === 5) {
    addScores5(t, x, out);
    return;
  }
  if (t.per === 8) {
    addScores8(t, x, out);
    return;
  }
  const { q, per } = t;
  const acc = scratchFor(per);
  acc.fill(0);
  for (let j = 0; j < x.idx.length; j += 1) {
    const b = (x.idx[j] as number) * per;
    const v = x.val[j] as number;
    for (let c = 0; c < per; c += 1) acc[c] = (acc[c] as number) + (q[b + c] as number) * v;
  }
  for (let c = 0; c < per; c += 1) out[c] = (out[c] as number) + (acc[c] as number) * (t.scales[c] as number);
}

/** The main table, unrolled: it runs for every post, and the generic loop costs twice as much. */
function addScores5(t: WeightTable, x: Features, out: Float64Array): void {
  const q = t.q;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let z4 = 0;
  for (let j = 0; j < x.idx.length; j += 1) {
    const b = (x.idx[j] as number) * 5;
    const v = x.val[j] as number;
    z0 += (q[b] as number) * v;
    z1 += (q[b + 1] as number) * v;
    z2 += (q[b + 2] as number) * v;
    z3 += (q[b + 3] as number) * v;
    z4 += (q[b + 4] as number) * v;
  }
  const s = t.scales;
  out[0] = (out[0] as number) + z0 * (s[0] as number);
  out[1] = (out[1] as number) + z1 * (s[1] as number);
  out[2] = (out[2] as number) + z2 * (s[2] as number);
  out[3] = (out[3] as number) + z3 * (s[3] as number);
  out[4] = (out[4] as number) + z4 * (s[4] as number);
}

/** The category table, unrolled for the same reason. */
function addScores8(t: WeightTable, x: Features, out: Float64Array): void {
  const q = t.q;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let z4 = 0;
  let z5 = 0;
  let z6 = 0;
  let z7 = 0;
  for (let j = 0; j < x.idx.length; j += 1) {
    const b = (x.idx[j] as number) * 8;
    const v = x.val[j] as number;
    z0 += (q[b] as number) * v;
    z1 += (q[b + 1] as number) * v;
    z2 += (q[b + 2] as number) * v;
    z3 += (q[b + 3] as number) * v;
    z4 += (q[b + 4] as number) * v;
    z5 += (q[b + 5] as number) * v;
    z6 += (q[b + 6] as number) * v;
    z7 += (q[b + 7] as number) * v;
  }
  const s = t.scales;
  const z = [z0, z1, z2, z3, z4, z5, z6, z7];
  for (let c = 0; c < 8; c += 1) out[c] = (out[c] as number) + (z[c] as number) * (s[c] as number);
}

const scratches = new Map<number, Float64Array>();
function scratchFor(per: number): Float64Array {
  let s = scratches.get(per);
  if (s === undefined) {
    s = new Float64Array(per);
    scratches.set(per, s);
  }
  return s;
}

/** One output's weight for one feature, in log-odds units. */
export function weightOf(t: WeightTable, feature: number, output: number): number {
  return (t.q[feature * t.per + output] as number) * (t.scales[output] as number);
}

/** A table as stored in the model file: its 16-bit weights, deflated, and the step sizes. */
export interface StoredTable {
  per: number;
  scales: number[];
  data: string;
}

export function packTable(t: WeightTable): StoredTable {
  return {
    per: t.per,
    scales: [...t.scales],
    data: deflateSync(Buffer.from(t.q.buffer, t.q.byteOffset, t.q.byteLength), { level: 6 }).toString('base64'),
  };
}

export function unpackTable(s: StoredTable, features: number): WeightTable {
  const raw = inflateSync(Buffer.from(s.data, 'base64'));
  if (raw.byteLength !== 2 * features * s.per)
    throw new Error(`triage model table has ${raw.byteLength / 2} weights, expected ${features * s.per}`);
  // Copied out: the inflated buffer need not be 2-byte aligned.
  const q = new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return { q, per: s.per, scales: Float64Array.from(s.scales) };
}
