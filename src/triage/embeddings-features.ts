import type { Analysis } from './nlp.js';
import { vectorsVersion, wordVectors, type WordVectors } from './embeddings.js';
import { EMBED_DIMS, type EmbedWords } from './feature-space.js';

/**
 * The post's word vectors as dense features of the English heads: the mean vector of its words
 * (wink-nlp's lower-cased normal forms, hashtags without "#", letters held for emphasis folded
 * when the held spelling has no vector), scaled to a fixed length so a short post and a long one
 * weigh the same. Words without a vector are left out; a post with none gets zeros.
 */
/** Length of the feature block: with unit length each value would be about 0.1, too little for the learner's steps (learn.ts). */
const LENGTH = 3;
/**
 * Frequent words say little about a post ("the", "is", "to"), so each word counts
 * 1 / (1 + SIF / (rank + 1)) by its rank in the vectors' own frequency order (a smooth inverse
 * frequency weight: "the" about 0.001, the 1,000th word a half, rare words nearly 1).
 */
const SIF = 1000;

const HELD_ALL = /(\p{L})\1{2,}/gu;

function rowOf(v: WordVectors, type: string, normal: string): number {
  const word = type === 'hashtag' ? normal.slice(1) : normal;
  const row = v.rows.get(word);
  if (row !== undefined) return row;
  const folded = word.replace(HELD_ALL, '$1');
  return folded === word ? -1 : (v.rows.get(folded) ?? -1);
}

// The sum in doubles: a Float32Array would round at every one of the ~1,500 additions.
const acc = new Float64Array(EMBED_DIMS);

// The rows and weights of the last post's sum (lastEmbedWords), grown when a post has more words.
let rowsSeen = new Int32Array(64);
let weightsSeen = new Float64Array(64);
let seen = 0;
let lastScale = 0;

function remember(row: number, weight: number): void {
  if (seen === rowsSeen.length) {
    const rows = new Int32Array(seen * 2);
    rows.set(rowsSeen);
    rowsSeen = rows;
    const weights = new Float64Array(seen * 2);
    weights.set(weightsSeen);
    weightsSeen = weights;
  }
  rowsSeen[seen] = row;
  weightsSeen[seen] = weight;
  seen += 1;
}

/** What the last embedPost that returned true summed; with `reuse`, views the next call overwrites. */
export function lastEmbedWords(reuse: boolean): EmbedWords {
  const rows = reuse ? rowsSeen.subarray(0, seen) : rowsSeen.slice(0, seen);
  const weights = reuse ? weightsSeen.subarray(0, seen) : weightsSeen.slice(0, seen);
  return { rows, weights, scale: lastScale };
}

/** Writes the features into `out` (EMBED_DIMS values); false when no word had a vector (out is then zeros). */
export function embedPost(a: Analysis, out: Float32Array): boolean {
  out.fill(0);
  const v = wordVectors();
  if (v === null || v.dims !== EMBED_DIMS) return false;
  const sum = acc;
  sum.fill(0);
  const { q, scales } = v;
  let words = 0;
  seen = 0;
  for (let i = 0; i < a.normals.length; i += 1) {
    const type = a.types[i];
    if (type !== 'word' && type !== 'hashtag') continue;
    const f = a.facts?.[i];
    let row: number;
    if (f === undefined) row = rowOf(v, type, a.normals[i] ?? '');
    else {
      // A token's type and normal form are fixed for its wink id, so its row is looked up once (token-facts.ts).
      if (f.embedVersion !== vectorsVersion) {
        f.embedRow = rowOf(v, type, a.normals[i] ?? '');
        f.embedVersion = vectorsVersion;
      }
      row = f.embedRow;
    }
    if (row < 0) continue;
    const s = (scales[row] as number) / (1 + SIF / (row + 1));
    const base = row * EMBED_DIMS;
    for (let d = 0; d < EMBED_DIMS; d += 1) sum[d] = (sum[d] as number) + (q[base + d] as number) * s;
    remember(row, s);
    words += 1;
  }
  if (words === 0) return false;
  let norm = 0;
  for (let d = 0; d < EMBED_DIMS; d += 1) norm += (sum[d] as number) ** 2;
  const k = LENGTH / Math.sqrt(norm || 1);
  lastScale = k;
  for (let d = 0; d < EMBED_DIMS; d += 1) out[d] = (sum[d] as number) * k;
  return true;
}
