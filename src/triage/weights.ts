import { deflateSync, inflateSync } from 'node:zlib';
import { FEATURE_DIM, type Features } from './features.js';

/**
 * Both heads' weights in one table of 16-bit integers, four per feature: negative, neutral,
 * positive, complaint. A post's few dozen features are scattered over a million buckets, so
 * scoring is bound by memory reads: with the heads interleaved, each feature is one 8-byte read
 * instead of one from each head, and the table takes a quarter of two Float32 heads (8 MB, not 16 MB).
 * The 16-bit steps are the same ones the model file has always stored, so nothing is lost.
 */
export const PER_FEATURE = 4;

export interface WeightTable {
  q: Int16Array;
  sentimentScale: number;
  complaintScale: number;
}

function scaleOf(w: Float32Array): number {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  return max / 32767 || 1;
}

/** From the trained heads: sentiment feature-major (w[i * 3 + c]), complaint one log-odds weight per feature. */
export function quantise(sentiment: Float32Array, complaint: Float32Array): WeightTable {
  const sentimentScale = scaleOf(sentiment);
  const complaintScale = scaleOf(complaint);
  const q = new Int16Array(PER_FEATURE * FEATURE_DIM);
  for (let f = 0; f < FEATURE_DIM; f += 1) {
    for (let c = 0; c < 3; c += 1) q[f * PER_FEATURE + c] = Math.round((sentiment[f * 3 + c] as number) / sentimentScale);
    q[f * PER_FEATURE + 3] = Math.round((complaint[f] as number) / complaintScale);
  }
  return { q, sentimentScale, complaintScale };
}

/** Adds the class logits (negative, neutral, positive) and the complaint logit of `x` to `out`. */
export function addScores(t: WeightTable, x: Features, out: Float64Array): void {
  const q = t.q;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let zc = 0;
  for (let j = 0; j < x.idx.length; j += 1) {
    const b = (x.idx[j] as number) * PER_FEATURE;
    const v = x.val[j] as number;
    z0 += (q[b] as number) * v;
    z1 += (q[b + 1] as number) * v;
    z2 += (q[b + 2] as number) * v;
    zc += (q[b + 3] as number) * v;
  }
  out[0] = (out[0] as number) + z0 * t.sentimentScale;
  out[1] = (out[1] as number) + z1 * t.sentimentScale;
  out[2] = (out[2] as number) + z2 * t.sentimentScale;
  out[3] = (out[3] as number) + zc * t.complaintScale;
}

export function complaintWeight(t: WeightTable, feature: number): number {
  return (t.q[feature * PER_FEATURE + 3] as number) * t.complaintScale;
}

/** One head as stored in the model file: its 16-bit weights, deflated, and the step size. */
export interface StoredHead {
  scale: number;
  data: string;
}

/** `from`/`count`: which of the four weights per feature make up the head (sentiment 0 and 3, complaint 3 and 1). */
function headOf(t: WeightTable, from: number, count: number): Int16Array {
  const h = new Int16Array(count * FEATURE_DIM);
  for (let f = 0; f < FEATURE_DIM; f += 1) for (let c = 0; c < count; c += 1) h[f * count + c] = t.q[f * PER_FEATURE + from + c] as number;
  return h;
}

export function packHeads(t: WeightTable): { sentiment: StoredHead; complaint: StoredHead } {
  const pack = (h: Int16Array, scale: number): StoredHead => ({ scale, data: deflateSync(Buffer.from(h.buffer), { level: 9 }).toString('base64') });
  return { sentiment: pack(headOf(t, 0, 3), t.sentimentScale), complaint: pack(headOf(t, 3, 1), t.complaintScale) };
}

function unpackHead(h: StoredHead, length: number): Int16Array {
  const raw = inflateSync(Buffer.from(h.data, 'base64'));
  if (raw.byteLength !== 2 * length) throw new Error(`triage model head has ${raw.byteLength / 2} weights, expected ${length}`);
  // Copied out: the inflated buffer need not be 2-byte aligned.
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

export function unpackHeads(sentiment: StoredHead, complaint: StoredHead): WeightTable {
  const s = unpackHead(sentiment, 3 * FEATURE_DIM);
  const c = unpackHead(complaint, FEATURE_DIM);
  const q = new Int16Array(PER_FEATURE * FEATURE_DIM);
  for (let f = 0; f < FEATURE_DIM; f += 1) {
    q[f * PER_FEATURE] = s[f * 3] as number;
    q[f * PER_FEATURE + 1] = s[f * 3 + 1] as number;
    q[f * PER_FEATURE + 2] = s[f * 3 + 2] as number;
    q[f * PER_FEATURE + 3] = c[f] as number;
  }
  return { q, sentimentScale: sentiment.scale, complaintScale: complaint.scale };
}
