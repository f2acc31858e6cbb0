import { DENSE, EMBED_DIMS, EMBED_START, NOT_ENGLISH, type Features } from './feature-space.js';

/**
 * A small network beside the linear sentiment head, for English posts: one hidden layer over the
 * dense cues and the post's word vector (no hashed words), whose three outputs are added to the
 * linear head's sentiment scores at BLEND. The linear head can only add up what each cue says
 * alone; the hidden layer reads them together (a lexicon negative beside praise words and a
 * question, a word vector near "delay" without any problem word). Screened on the outer folds
 * of `npm run eval` (README): general tweets' plain argmax 0.590 -> 0.60 at blend 0.3-1; a
 * constant shift of the same size made every set worse, so it is not the class prior it adds.
 */
export const MLP_INPUTS = DENSE + EMBED_DIMS;
export const MLP_HIDDEN = 32;
export const MLP_BLEND = 0.5;

export interface SentimentMlp {
  /** Input-major, w1[i * MLP_HIDDEN + k], so one input's weights to every hidden unit are adjacent. */
  w1: Float32Array;
  b1: Float32Array;
  /** Class-major: w2[c * MLP_HIDDEN + k]. */
  w2: Float32Array;
  b2: Float32Array;
}

export function emptyMlp(): SentimentMlp {
  return {
    w1: new Float32Array(MLP_HIDDEN * MLP_INPUTS),
    b1: new Float32Array(MLP_HIDDEN),
    w2: new Float32Array(3 * MLP_HIDDEN),
    b2: new Float32Array(3),
  };
}

/** Whether the network reads this post: English posts only (it learned from them, and only they have word vectors). */
export function readsPost(x: Features): boolean {
  for (let j = 0; j < x.idx.length && (x.idx[j] as number) <= NOT_ENGLISH; j += 1) if (x.idx[j] === NOT_ENGLISH) return x.val[j] === 0;
  return true;
}

/**
 * The inputs from the sparse features, into `into`: the dense block comes first and the
 * word-vector block last in every feature vector (feature-vector.ts keeps indices sorted).
 */
export function mlpInputs(x: Features, into: Float32Array): Float32Array {
  into.fill(0);
  const n = x.idx.length;
  for (let j = 0; j < n && (x.idx[j] as number) < DENSE; j += 1) into[x.idx[j] as number] = x.val[j] as number;
  for (let j = n - 1; j >= 0 && (x.idx[j] as number) >= EMBED_START; j -= 1)
    into[DENSE + (x.idx[j] as number) - EMBED_START] = x.val[j] as number;
  return into;
}

/** Hidden activations into `hidden`, outputs into `out` (three scores), from the dense input `v` (training). */
export function forward(m: SentimentMlp, v: Float32Array, hidden: Float32Array, out: Float64Array): void {
  acc.set(m.b1);
  for (let i = 0; i < MLP_INPUTS; i += 1) {
    const x = v[i] as number;
    if (x !== 0) accumulate(m.w1, i * MLP_HIDDEN, x);
  }
  finish(m, hidden, out);
}

/**
 * The same from the sparse features, without building the dense input: the nonzero entries are
 * read in index order, which is the dense input's order, so the sums are the same to the bit.
 */
function forwardSparse(m: SentimentMlp, x: Features, hidden: Float32Array, out: Float64Array): void {
  acc.set(m.b1);
  const n = x.idx.length;
  for (let j = 0; j < n; j += 1) {
    const f = x.idx[j] as number;
    const v = x.val[j] as number;
    if (v === 0) continue;
    if (f < DENSE) accumulate(m.w1, f * MLP_HIDDEN, v);
    else if (f >= EMBED_START) accumulate(m.w1, (DENSE + f - EMBED_START) * MLP_HIDDEN, v);
  }
  finish(m, hidden, out);
}

// Float64 sums, as one JS number per hidden unit would be.
const acc = new Float64Array(MLP_HIDDEN);

function accumulate(w1: Float32Array, base: number, x: number): void {
  for (let k = 0; k < MLP_HIDDEN; k += 1) acc[k] = (acc[k] as number) + (w1[base + k] as number) * x;
}

function finish(m: SentimentMlp, hidden: Float32Array, out: Float64Array): void {
  for (let k = 0; k < MLP_HIDDEN; k += 1) hidden[k] = Math.tanh(acc[k] as number);
  for (let c = 0; c < 3; c += 1) {
    let s = m.b2[c] as number;
    for (let k = 0; k < MLP_HIDDEN; k += 1) s += (m.w2[c * MLP_HIDDEN + k] as number) * (hidden[k] as number);
    out[c] = s;
  }
}

const hiddenScratch = new Float32Array(MLP_HIDDEN);
const outScratch = new Float64Array(3);

/** Adds the network's blended scores to the sentiment scores z[0..2] of an English post. */
export function addMlp(m: SentimentMlp | undefined, x: Features, z: Float64Array | number[]): void {
  if (!m || !readsPost(x)) return;
  forwardSparse(m, x, hiddenScratch, outScratch);
  for (let c = 0; c < 3; c += 1) z[c] = (z[c] as number) + MLP_BLEND * (outScratch[c] as number);
}

const b64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function f32(s: string, length: number, name: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  if (b.byteLength !== length * 4)
    throw new Error(`triage model: sentiment network ${name} has the wrong size; retrain it with \`npm run train\``);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export interface StoredMlp {
  hidden: number;
  /** Absent in files written before the weights were stored input-major. */
  layout?: 'input-major';
  w1: string;
  b1: string;
  w2: string;
  b2: string;
}

export function packMlp(m: SentimentMlp): StoredMlp {
  return { hidden: MLP_HIDDEN, layout: 'input-major', w1: b64(m.w1), b1: b64(m.b1), w2: b64(m.w2), b2: b64(m.b2) };
}

export function unpackMlp(s: StoredMlp): SentimentMlp {
  if (s.hidden !== MLP_HIDDEN || s.layout !== 'input-major')
    throw new Error('triage model: sentiment network of another size; retrain it with `npm run train`');
  return {
    w1: f32(s.w1, MLP_HIDDEN * MLP_INPUTS, 'w1'),
    b1: f32(s.b1, MLP_HIDDEN, 'b1'),
    w2: f32(s.w2, 3 * MLP_HIDDEN, 'w2'),
    b2: f32(s.b2, 3, 'b2'),
  };
}
