import { vectorsVersion, wordVectors, type WordVectors } from './embeddings.js';
import { DENSE, EMBED_DIMS, EMBED_START, NOT_ENGLISH, type EmbedWords, type Features } from './feature-space.js';

/**
 * Small networks beside two linear heads, for English posts: one hidden layer over the dense cues
 * and the post's word vector (no hashed words), whose outputs are added to the linear head's
 * scores at half weight. A linear head can only add up what each cue says alone; the hidden layer
 * reads them together (a lexicon negative beside praise words and a question, a word vector near
 * "delay" without any problem word). The sentiment network adds three scores, the complaint
 * network one. Screened on the outer folds of `npm run eval` (README): general tweets' plain
 * argmax 0.590 -> 0.60 at blend 0.3-1, and a constant shift of the same size made every set
 * worse, so it is not the class prior it adds; complaint AUC on an unseen industry 0.884 -> 0.899.
 */
export const NET_INPUTS = DENSE + EMBED_DIMS;
export const NET_HIDDEN = 32;
export const NET_BLEND = 0.5;

export interface SmallNet {
  /** Input-major, w1[i * NET_HIDDEN + k], so one input's weights to every hidden unit are adjacent. */
  w1: Float32Array;
  b1: Float32Array;
  /** Output-major: w2[c * NET_HIDDEN + k]; as many outputs as b2 has. */
  w2: Float32Array;
  b2: Float32Array;
  /** Dense inputs the network does not read (1 = left out), as its linear head does not. */
  skip?: Uint8Array;
}

/** Whether a network reads this post: English posts only (it learned from them, and only they have word vectors). */
export function readsPost(x: Features): boolean {
  for (let j = 0; j < x.idx.length && (x.idx[j] as number) <= NOT_ENGLISH; j += 1) if (x.idx[j] === NOT_ENGLISH) return x.val[j] === 0;
  return true;
}

/**
 * The inputs from the sparse features, into `into`: the dense block comes first and the
 * word-vector block last in every feature vector (feature-vector.ts keeps indices sorted).
 */
export function netInputs(x: Features, into: Float32Array, skip?: Uint8Array): Float32Array {
  into.fill(0);
  const n = x.idx.length;
  for (let j = 0; j < n && (x.idx[j] as number) < DENSE; j += 1) {
    const f = x.idx[j] as number;
    if (!skip?.[f]) into[f] = x.val[j] as number;
  }
  for (let j = n - 1; j >= 0 && (x.idx[j] as number) >= EMBED_START; j -= 1)
    into[DENSE + (x.idx[j] as number) - EMBED_START] = x.val[j] as number;
  return into;
}

/** Hidden activations into `hidden`, outputs into `out`, from the dense input `v` (training). */
export function forward(m: SmallNet, v: Float32Array, hidden: Float32Array, out: Float64Array): void {
  acc.set(m.b1);
  for (let i = 0; i < NET_INPUTS; i += 1) {
    const x = v[i] as number;
    if (x !== 0) accumulate(m.w1, i * NET_HIDDEN, x);
  }
  finish(m, hidden, out);
}

/**
 * The same from the sparse features, without building the dense input. The word-vector block is
 * read word by word where the post says what it was summed from (EmbedWords): the block is a
 * scaled sum of word rows, so the layer over it is the same scaled sum of each row's projection
 * through the layer, and a post of 15 words costs 15 × NET_HIDDEN multiply-adds instead of
 * EMBED_DIMS × NET_HIDDEN. Equal to the dense reading up to float rounding (the test says how close).
 */
function forwardSparse(m: SmallNet, x: Features, hidden: Float32Array, out: Float64Array): void {
  acc.set(m.b1);
  const n = x.idx.length;
  const words = byWords(x) ? x.embedWords : undefined;
  for (let j = 0; j < n; j += 1) {
    const f = x.idx[j] as number;
    const v = x.val[j] as number;
    if (v === 0) continue;
    if (f < DENSE) {
      if (!m.skip?.[f]) accumulate(m.w1, f * NET_HIDDEN, v);
    } else if (f >= EMBED_START) {
      if (words) break;
      accumulate(m.w1, (DENSE + f - EMBED_START) * NET_HIDDEN, v);
    }
  }
  if (words) addWords(m, words);
  finish(m, hidden, out);
}

/**
 * Word by word only while the block still holds what was summed: a caller that zeroed the vector
 * block in place (the heads that do not read it) leaves its last value 0, and the dense reading
 * of zeros is right.
 */
function byWords(x: Features): boolean {
  const last = x.idx.length - 1;
  return x.embedWords !== undefined && last >= 0 && (x.idx[last] as number) >= EMBED_START && x.val[last] !== 0;
}

interface Projection {
  version: number;
  /** Row-major: NET_HIDDEN values per cached word-vector row, filled on a row's first use. */
  values: Float32Array;
  done: Uint8Array;
}

/**
 * Only the most frequent rows are kept (the vectors are in frequency order): the first 32,768
 * are 98.8% of the words of the English dev posts and take 4.2 MB per network, where all 50,000
 * took 6.4 MB and kept the worker's RSS at the bench's 250 MB line. Rarer rows are projected
 * each time they occur, about one word in 80.
 */
const CACHED_ROWS = 32_768;

// Per network, kept beside it rather than in it, so a model is still only its weights.
const projections = new WeakMap<SmallNet, Projection>();

function projectionOf(m: SmallNet, v: WordVectors): Projection {
  let p = projections.get(m);
  const rows = Math.min(v.scales.length, CACHED_ROWS);
  if (!p || p.version !== vectorsVersion || p.done.length !== rows) {
    p = { version: vectorsVersion, values: new Float32Array(rows * NET_HIDDEN), done: new Uint8Array(rows) };
    projections.set(m, p);
  }
  return p;
}

const rowSum = new Float64Array(NET_HIDDEN);
// Rounded as the cached rows are, so a row reads the same cached or not.
const rareRow = new Float32Array(NET_HIDDEN);

function project(m: SmallNet, v: WordVectors, row: number, into: Float32Array, at: number): void {
  rowSum.fill(0);
  const base = row * EMBED_DIMS;
  for (let d = 0; d < EMBED_DIMS; d += 1) {
    const q = v.q[base + d] as number;
    if (q === 0) continue;
    const w = (DENSE + d) * NET_HIDDEN;
    for (let k = 0; k < NET_HIDDEN; k += 1) rowSum[k] = (rowSum[k] as number) + (m.w1[w + k] as number) * q;
  }
  into.set(rowSum, at);
}

function addWords(m: SmallNet, words: EmbedWords): void {
  const v = wordVectors();
  if (!v) return;
  const p = projectionOf(m, v);
  for (let i = 0; i < words.rows.length; i += 1) {
    const row = words.rows[i] as number;
    let values = p.values;
    let base = row * NET_HIDDEN;
    if (row >= p.done.length) {
      project(m, v, row, rareRow, 0);
      values = rareRow;
      base = 0;
    } else if (!p.done[row]) {
      project(m, v, row, p.values, base);
      p.done[row] = 1;
    }
    const c = (words.weights[i] as number) * words.scale;
    for (let k = 0; k < NET_HIDDEN; k += 1) acc[k] = (acc[k] as number) + (values[base + k] as number) * c;
  }
}

// Float64 sums, as one JS number per hidden unit would be.
const acc = new Float64Array(NET_HIDDEN);

function accumulate(w1: Float32Array, base: number, x: number): void {
  for (let k = 0; k < NET_HIDDEN; k += 1) acc[k] = (acc[k] as number) + (w1[base + k] as number) * x;
}

function finish(m: SmallNet, hidden: Float32Array, out: Float64Array): void {
  for (let k = 0; k < NET_HIDDEN; k += 1) hidden[k] = Math.tanh(acc[k] as number);
  for (let c = 0; c < m.b2.length; c += 1) {
    let s = m.b2[c] as number;
    for (let k = 0; k < NET_HIDDEN; k += 1) s += (m.w2[c * NET_HIDDEN + k] as number) * (hidden[k] as number);
    out[c] = s;
  }
}

const hiddenScratch = new Float32Array(NET_HIDDEN);
const outScratch = new Float64Array(3);

/** Adds the network's blended outputs to z[at], z[at + 1] … for an English post. */
export function addNet(m: SmallNet | undefined, x: Features, z: Float64Array | number[], at = 0): void {
  if (!m || !readsPost(x)) return;
  forwardSparse(m, x, hiddenScratch, outScratch);
  for (let c = 0; c < m.b2.length; c += 1) z[at + c] = (z[at + c] as number) + NET_BLEND * (outScratch[c] as number);
}

const b64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function f32(s: string, length: number, name: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  if (b.byteLength !== length * 4)
    throw new Error(`triage model: small network ${name} has the wrong size; retrain it with \`npm run train\``);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export interface StoredNet {
  hidden: number;
  /** Optional as read from a file: a network without them, or in another layout, is refused. */
  layout?: 'input-major';
  outputs?: number;
  skip?: number[];
  w1: string;
  b1: string;
  w2: string;
  b2: string;
}

export function packNet(m: SmallNet): StoredNet {
  const skip = m.skip ? [...m.skip.keys()].filter((i) => m.skip?.[i]) : undefined;
  return {
    hidden: NET_HIDDEN,
    layout: 'input-major',
    outputs: m.b2.length,
    ...(skip ? { skip } : {}),
    w1: b64(m.w1),
    b1: b64(m.b1),
    w2: b64(m.w2),
    b2: b64(m.b2),
  };
}

/** `outputs`: what the reader expects, so a network stored under the wrong name is refused. */
export function unpackNet(s: StoredNet, outputs: number): SmallNet {
  if (s.hidden !== NET_HIDDEN || s.layout !== 'input-major' || s.outputs !== outputs)
    throw new Error('triage model: small network of another shape; retrain it with `npm run train`');
  return {
    w1: f32(s.w1, NET_HIDDEN * NET_INPUTS, 'w1'),
    b1: f32(s.b1, NET_HIDDEN, 'b1'),
    w2: f32(s.w2, outputs * NET_HIDDEN, 'w2'),
    b2: f32(s.b2, outputs, 'b2'),
    ...(s.skip ? { skip: skipMask(s.skip) } : {}),
  };
}

export function skipMask(indices: readonly number[]): Uint8Array {
  const mask = new Uint8Array(DENSE);
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= DENSE)
      throw new Error('triage model: small network skips an unknown feature; retrain it with `npm run train`');
    mask[i] = 1;
  }
  return mask;
}
