import type { Analysis } from './nlp.js';
import type { Masked } from './mask.js';
import { polarityOf } from './polarity.js';
import { sarcasmMarks, type ComplaintCues } from './rules.js';

/**
 * Turns one analysed post into the sparse vector the model reads: hashed word unigrams and
 * bigrams of wink-nlp's normalised tokens (negated tokens marked, so "not helpful" is its own
 * feature), plus a few hand-made dense features. Hashing keeps the model file small and
 * needs no vocabulary, and masking upstream keeps brand names and handles out of it.
 */
export const HASH_BITS = 20;
const HASH_SIZE = 1 << HASH_BITS;

export const DENSE_FEATURES = [
  'bias',
  'wink positive',
  'wink negative',
  'time wasted / waiting',
  'blame',
  'should have / expected',
  'something did not happen',
  'problem words',
  'praise words',
  'capitals / !!!',
  'question',
  'exclamation',
  'has link',
  'mentions other handles',
  'names the brand',
  'length',
  'rule complaint score',
  'negation',
  'seed: delay / cancellation',
  'seed: lost / damaged item',
  'seed: billing / refund',
  'seed: staff / service',
  'seed: product defect / outage',
  'seed: account / login',
  'seed: safety / legal / press',
  'not English',
  'praise beside a problem',
  'sarcasm marks',
  'lexicon positive',
  'lexicon negative',
  'lexicon balance',
  'lexicon mixed',
] as const;
/** Where the category seed scores start in the dense block, in the order of category.ts SEED_CATEGORIES. */
export const SEED_OFFSET = DENSE_FEATURES.indexOf('seed: delay / cancellation');
export const NOT_ENGLISH = DENSE_FEATURES.indexOf('not English');
export const DENSE = DENSE_FEATURES.length;
export const FEATURE_DIM = DENSE + HASH_SIZE;

export interface Features {
  idx: Int32Array;
  val: Float32Array;
  /**
   * For explanations: per kept token, its position in the analysis and the hashes of its
   * unigram and of the bigram ending at it (-1 for the first token), so explain.ts can read
   * the weights back without hashing again.
   */
  terms: number[];
}

export interface FeatureInput {
  analysis: Analysis;
  masked: Masked;
  cues: ComplaintCues;
  question: boolean;
  /** Per seed category (category.ts), how strongly its keywords are present: 0–1. */
  seeds: readonly number[];
}

export const FNV_START = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a, continued from `h`: fast, stable across runs and platforms, good enough spread for feature hashing. */
export function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

export function bucket(h: number): number {
  return DENSE + ((h >>> 0) & (HASH_SIZE - 1));
}

/** Same value as hashing the joined string `${a}${b}${c}`, without building it. */
export function hash(a: string, b = '', c = ''): number {
  return bucket(fnv(fnv(fnv(FNV_START, a), b), c));
}

/**
 * Per model token, what hashing needs, memoised because vocabulary repeats: the unigram bucket
 * and the FNV state after "b" + token, from which the bigram starting at this token continues.
 * The bigram itself depends on the previous token, so only its second half is hashed per post.
 */
interface TokenHash {
  tok: string;
  uni: number;
  bigramPrefix: number;
  negated: boolean;
}

const tokenHashes = new Map<string, TokenHash>();
const TOKEN_HASH_MAX = 50_000;
const BIGRAM_START = fnv(fnv(FNV_START, 'b'), '^');
const BIGRAM_END = ' $';

function tokenHash(tok: string): TokenHash {
  let th = tokenHashes.get(tok);
  if (th === undefined) {
    th = { tok, uni: hash('u', tok), bigramPrefix: fnv(fnv(FNV_START, 'b'), tok), negated: tok.charCodeAt(0) === 33 && tok.length > 1 };
    if (tokenHashes.size >= TOKEN_HASH_MAX) tokenHashes.clear();
    tokenHashes.set(tok, th);
  }
  return th;
}

/** The bigram bucket for `prefix` (state after "b" + previous token) followed by " " + tok. */
function bigram(prefix: number, tok: string): number {
  return bucket(fnv(Math.imul(prefix ^ 32, FNV_PRIME), tok));
}

// Numbers, times and amounts matter as a kind ("2 hours", "$200"), not as the exact value.
const KIND_TOKENS = new Set(['number', 'time', 'ordinal', 'currency', 'email', 'url', 'mention', 'hashtag']);
const KIND_NAMES = new Map([...KIND_TOKENS].map((k) => [k, `<${k}>`]));
// Negated forms are memoised so "!" + normal is not a new string per token per post.
const negatedNames = new Map<string, string>();

function negatedName(n: string): string {
  let s = negatedNames.get(n);
  if (s === undefined) {
    s = `!${n}`;
    if (negatedNames.size >= TOKEN_HASH_MAX) negatedNames.clear();
    negatedNames.set(n, s);
  }
  return s;
}

/** The token as the model sees it, or null for punctuation that carries nothing. */
function tokenOf(a: Analysis, i: number): string | null {
  const type = a.types[i] ?? '';
  if (type === 'word' || type === 'emoji' || type === 'emoticon') {
    const n = a.normals[i] ?? '';
    return a.negated[i] ? negatedName(n) : n;
  }
  const kind = KIND_NAMES.get(type);
  if (kind !== undefined) return kind;
  if (type === 'punctuation') {
    const v = a.values[i];
    return v === '!' || v === '?' ? v : null;
  }
  return null;
}

function textFeatures(a: Analysis, into: number[], terms: number[]): number {
  let prefix = BIGRAM_START;
  let first = true;
  let negations = 0;
  for (let i = 0; i < a.normals.length; i += 1) {
    const tok = tokenOf(a, i);
    if (tok === null) continue;
    const th = tokenHash(tok);
    if (th.negated) negations += 1;
    const bi = bigram(prefix, tok);
    into.push(th.uni, bi);
    terms.push(i, th.uni, first ? -1 : bi);
    prefix = th.bigramPrefix;
    first = false;
  }
  into.push(bucket(fnv(prefix, BIGRAM_END)));
  return negations;
}

function clip(x: number, max: number): number {
  return Math.max(0, Math.min(max, x)) / max;
}

function denseFeatures(input: FeatureInput, negations: number): number[] {
  const { analysis: a, masked: m, cues: c } = input;
  const lex = polarityOf(a);
  return [
    1,
    clip(a.docScore, 1),
    clip(-a.docScore, 1),
    clip(c.waiting, 3),
    clip(c.blame, 3),
    clip(c.counterfactual, 2),
    clip(c.negatedAction, 2),
    clip(c.problemWords, 3),
    clip(c.praise, 3),
    c.intensity,
    input.question ? 1 : 0,
    m.text.includes('!') ? 1 : 0,
    m.urls > 0 ? 1 : 0,
    m.handles > 0 ? 1 : 0,
    m.brand > 0 ? 1 : 0,
    clip(Math.log1p(a.normals.length), 5),
    c.probability,
    negations > 0 ? 1 : 0,
    ...input.seeds,
    0,
    c.praise > 0 && c.problemWords > 0 ? 1 : 0,
    sarcasmMarks(m.text),
    clip(lex.positive, 4),
    clip(lex.negative, 4),
    lex.compound,
    // Praise and a bad turn in one post is how irony reads; a linear model cannot make this AND itself.
    clip(Math.min(lex.positive, lex.negative), 2),
  ];
}

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

/** With `reuse`, the arrays are overwritten by the next call with `reuse`: only for callers that are done with them by then. */
export function extractFeatures(input: FeatureInput, reuse = false): Features {
  const raw: number[] = [];
  const terms: number[] = [];
  const negations = textFeatures(input.analysis, raw, terms);
  return assemble(raw, denseFeatures(input, negations), terms, reuse);
}

/**
 * Sorted, so the weight reads walk memory in order; duplicates dropped, because presence is
 * what counts: a word said twice in a tweet is not twice the evidence.
 */
export function assemble(raw: number[], dense: readonly number[], terms: number[], reuse: boolean): Features {
  sortInPlace(raw);
  let unique = 0;
  for (let j = 0; j < raw.length; j += 1) if (j === 0 || raw[j] !== raw[j - 1]) raw[unique++] = raw[j] as number;
  const { idx, val } = buffers(DENSE + unique, reuse);
  val.fill(1);
  for (let i = 0; i < DENSE; i += 1) {
    idx[i] = i;
    val[i] = dense[i] ?? 0;
  }
  for (let j = 0; j < unique; j += 1) idx[DENSE + j] = raw[j] as number;
  return { idx, val, terms };
}

/**
 * The same for features of two kinds, given as `bucket * 2 + kind`: kind 0 has value 1, kind 1
 * has value `lightValue` (character n-grams). Where a bucket has both, kind 0 wins, since it
 * sorts first. One native integer sort, which long posts with many n-grams need.
 */
export function assembleTwoKinds(keys: Int32Array, dense: readonly number[], terms: number[], reuse: boolean, lightValue: number): Features {
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
