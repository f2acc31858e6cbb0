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
  /** Weights from one feature to the next, when the array is shared with another table (see interleave); `per` otherwise. */
  stride?: number;
  /** Where this table's outputs start within a feature's weights. */
  offset?: number;
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
  const stride = t.stride ?? t.per;
  const offset = t.offset ?? 0;
  if (t.per === 5 && stride === 5) {
    addScores5(t, x, out);
    return;
  }
  if (t.per === 8 && stride === 8) {
    addScores8(t, x, out);
    return;
  }
  const { q, per } = t;
  const acc = scratchFor(per);
  acc.fill(0);
  for (let j = 0; j < x.idx.length; j += 1) {
    const b = (x.idx[j] as number) * stride + offset;
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

/**
 * The main table (5 outputs) and the category table (8) in one array, 13 weights per feature: a
 * post's features are scattered over a million buckets, so each table read is a cache miss, and
 * reading both tables' weights for a feature from one place halves them. The two tables returned
 * share the array (stride 13, offsets 0 and 5) and read as before everywhere; model.ts builds
 * them at load, after which the separate arrays are garbage, so memory stays the same.
 */
export const JOINT = 13;

export function interleave(main: WeightTable, category: WeightTable): { main: WeightTable; category: WeightTable } | null {
  if (main.per !== 5 || category.per !== 8 || (main.stride ?? 5) !== 5 || (category.stride ?? 8) !== 8) return null;
  const features = main.q.length / 5;
  if (category.q.length / 8 !== features) return null;
  const q = new Int16Array(features * JOINT);
  const a = main.q;
  const b = category.q;
  for (let f = 0; f < features; f += 1) {
    const at = f * JOINT;
    for (let c = 0; c < 5; c += 1) q[at + c] = a[f * 5 + c] as number;
    for (let c = 0; c < 8; c += 1) q[at + 5 + c] = b[f * 8 + c] as number;
  }
  return {
    main: { q, per: 5, scales: main.scales, stride: JOINT, offset: 0 },
    category: { q, per: 8, scales: category.scales, stride: JOINT, offset: 5 },
  };
}

/** True when `main` and `category` are the two halves of one interleaved array. */
export function interleaved(main: WeightTable, category: WeightTable): boolean {
  return main.q === category.q && main.stride === JOINT && category.stride === JOINT && main.offset === 0 && category.offset === 5;
}

/**
 * addScores(main) into `out`, plus the category table's unscaled sums into `categorySums`, from
 * interleaved tables, with the same additions in the same order as addScores5 and addScores8,
 * so the results are equal to the last bit (see categoryFromSums).
 */
export function addJoint(main: WeightTable, x: Features, out: Float64Array, categorySums: Float64Array): void {
  const q = main.q;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let z4 = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let c4 = 0;
  let c5 = 0;
  let c6 = 0;
  let c7 = 0;
  for (let j = 0; j < x.idx.length; j += 1) {
    const b = (x.idx[j] as number) * JOINT;
    const v = x.val[j] as number;
    z0 += (q[b] as number) * v;
    z1 += (q[b + 1] as number) * v;
    z2 += (q[b + 2] as number) * v;
    z3 += (q[b + 3] as number) * v;
    z4 += (q[b + 4] as number) * v;
    c0 += (q[b + 5] as number) * v;
    c1 += (q[b + 6] as number) * v;
    c2 += (q[b + 7] as number) * v;
    c3 += (q[b + 8] as number) * v;
    c4 += (q[b + 9] as number) * v;
    c5 += (q[b + 10] as number) * v;
    c6 += (q[b + 11] as number) * v;
    c7 += (q[b + 12] as number) * v;
  }
  const s = main.scales;
  out[0] = (out[0] as number) + z0 * (s[0] as number);
  out[1] = (out[1] as number) + z1 * (s[1] as number);
  out[2] = (out[2] as number) + z2 * (s[2] as number);
  out[3] = (out[3] as number) + z3 * (s[3] as number);
  out[4] = (out[4] as number) + z4 * (s[4] as number);
  categorySums[0] = c0;
  categorySums[1] = c1;
  categorySums[2] = c2;
  categorySums[3] = c3;
  categorySums[4] = c4;
  categorySums[5] = c5;
  categorySums[6] = c6;
  categorySums[7] = c7;
}

/** What addScores(category) adds to `out`, from the sums addJoint kept. */
export function categoryFromSums(category: WeightTable, sums: Float64Array, out: Float64Array): void {
  const s = category.scales;
  for (let c = 0; c < 8; c += 1) out[c] = (out[c] as number) + (sums[c] as number) * (s[c] as number);
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
  return (t.q[feature * (t.stride ?? t.per) + (t.offset ?? 0) + output] as number) * (t.scales[output] as number);
}

/** The table's own weights, feature-major without gaps, as stored. */
function contiguous(t: WeightTable): Int16Array {
  const stride = t.stride ?? t.per;
  const offset = t.offset ?? 0;
  if (stride === t.per && offset === 0) return t.q;
  const features = Math.floor(t.q.length / stride);
  const q = new Int16Array(features * t.per);
  for (let f = 0; f < features; f += 1) for (let c = 0; c < t.per; c += 1) q[f * t.per + c] = t.q[f * stride + offset + c] as number;
  return q;
}

/** A table as stored in the model file: its 16-bit weights, deflated, and the step sizes. */
export interface StoredTable {
  per: number;
  scales: number[];
  data: string;
}

export function packTable(t: WeightTable): StoredTable {
  const q = contiguous(t);
  return {
    per: t.per,
    scales: [...t.scales],
    data: deflateSync(Buffer.from(q.buffer, q.byteOffset, q.byteLength), { level: 6 }).toString('base64'),
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
