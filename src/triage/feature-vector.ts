import { DENSE, EMBED_START, type Features } from './feature-space.js';

/** Insertion sort for the usual few dozen ids, where it beats a typed-array copy and native sort; long texts get the native sort. */
export function sortInPlace(a: number[]): void {
  if (a.length > 64) {
    a.sort((x, y) => x - y);
    return;
  }
  for (let i = 1; i < a.length; i += 1) {
    const v = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) > v) {
      a[j + 1] = a[j] as number;
      j -= 1;
    }
    a[j + 1] = v;
  }
}

/**
 * Buffers per length for callers that drop the features before the next post (triage): typed
 * arrays of this size live outside the JS heap, and allocating and collecting two per post cost
 * more than all the hashing. Lengths are bounded by post size, so the pool stays small.
 */
const pool = new Map<number, { idx: Int32Array; val: Float32Array }>();
const POOL_MAX_LENGTH = 1024;

export function buffers(length: number, reuse: boolean): { idx: Int32Array; val: Float32Array } {
  if (!reuse || length > POOL_MAX_LENGTH) return { idx: new Int32Array(length), val: new Float32Array(length) };
  let b = pool.get(length);
  if (b === undefined) {
    b = { idx: new Int32Array(length), val: new Float32Array(length) };
    pool.set(length, b);
  }
  return b;
}

/**
 * Sorted, so the weight reads walk memory in order; duplicates dropped, because presence is
 * what counts: a word said twice in a tweet is not twice the evidence. `tail` is the word-vector
 * block (feature-space.ts EMBED_START), whose indices come after every hashed bucket.
 */
export function assemble(
  raw: number[],
  dense: readonly number[],
  terms: number[],
  reuse: boolean,
  tail: Float32Array | null = null,
): Features {
  sortInPlace(raw);
  let unique = 0;
  for (let j = 0; j < raw.length; j += 1) if (j === 0 || raw[j] !== raw[j - 1]) raw[unique++] = raw[j] as number;
  const extra = tail === null ? 0 : tail.length;
  const { idx, val } = buffers(DENSE + unique + extra, reuse);
  val.fill(1);
  for (let i = 0; i < DENSE; i += 1) {
    idx[i] = i;
    val[i] = dense[i] ?? 0;
  }
  for (let j = 0; j < unique; j += 1) idx[DENSE + j] = raw[j] as number;
  const at = DENSE + unique;
  for (let d = 0; d < extra; d += 1) {
    idx[at + d] = EMBED_START + d;
    val[at + d] = (tail as Float32Array)[d] as number;
  }
  return { idx, val, terms };
}

/**
 * The same for features of two kinds, given as `bucket * 2 + kind`: kind 0 has value 1, kind 1
 * has value `lightValue` (character n-grams). Where a bucket has both, kind 0 wins, since it
 * sorts first. One native integer sort, which long posts with many n-grams need.
 */
export function assembleTwoKinds(
  keys: Int32Array,
  dense: readonly number[],
  terms: number[],
  reuse: boolean,
  lightValue: number,
): Features {
  keys.sort();
  let unique = 0;
  let last = -1;
  for (let j = 0; j < keys.length; j += 1) {
    const b = (keys[j] as number) >> 1;
    if (b !== last) {
      keys[unique++] = keys[j] as number;
      last = b;
    }
  }
  const { idx, val } = buffers(DENSE + unique, reuse);
  for (let i = 0; i < DENSE; i += 1) {
    idx[i] = i;
    val[i] = dense[i] ?? 0;
  }
  for (let j = 0; j < unique; j += 1) {
    const k = keys[j] as number;
    idx[DENSE + j] = k >> 1;
    val[DENSE + j] = k & 1 ? lightValue : 1;
  }
  return { idx, val, terms };
}
