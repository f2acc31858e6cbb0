import type { Analysis } from './nlp.js';
import type { Masked } from './mask.js';
import type { ComplaintCues } from './rules.js';

/**
 * Turns one analysed post into the sparse vector the model reads: hashed word unigrams and
 * bigrams of wink-nlp's normalised tokens (negated tokens marked, so "not helpful" is its own
 * feature), plus a few hand-made dense features. Hashing keeps the model file small and
 * needs no vocabulary, and masking upstream keeps brand names and handles out of it.
 */
export const HASH_BITS = 18;
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
] as const;
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
}

const FNV_START = 0x811c9dc5;

/** FNV-1a, continued from `h`: fast, stable across runs and platforms, good enough spread for feature hashing. */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Same value as hashing the joined string `${a}${b}${c}`, without building it. */
function hash(a: string, b = '', c = ''): number {
  return DENSE + ((fnv(fnv(fnv(FNV_START, a), b), c) >>> 0) & (HASH_SIZE - 1));
}

// Numbers, times and amounts matter as a kind ("2 hours", "$200"), not as the exact value.
const KIND_TOKENS = new Set(['number', 'time', 'ordinal', 'currency', 'email', 'url', 'mention', 'hashtag']);

/** The token as the model sees it, or null for punctuation that carries nothing. */
function tokenOf(a: Analysis, i: number): string | null {
  const type = a.types[i] ?? '';
  if (type === 'word' || type === 'emoji' || type === 'emoticon') {
    const n = a.normals[i] ?? '';
    return a.negated[i] ? `!${n}` : n;
  }
  if (KIND_TOKENS.has(type)) return `<${type}>`;
  if (type === 'punctuation') {
    const v = a.values[i];
    return v === '!' || v === '?' ? v : null;
  }
  return null;
}

function textFeatures(a: Analysis, into: number[], terms: number[]): number {
  let prev = '^';
  let negations = 0;
  for (let i = 0; i < a.normals.length; i += 1) {
    const tok = tokenOf(a, i);
    if (tok === null) continue;
    if (tok.charCodeAt(0) === 33 && tok.length > 1) negations += 1;
    const uni = hash('u', tok);
    const bi = hash('b', prev, ` ${tok}`);
    into.push(uni, bi);
    terms.push(i, uni, prev === '^' ? -1 : bi);
    prev = tok;
  }
  into.push(hash('b', prev, ' $'));
  return negations;
}

function clip(x: number, max: number): number {
  return Math.max(0, Math.min(max, x)) / max;
}

function denseFeatures(input: FeatureInput, negations: number): number[] {
  const { analysis: a, masked: m, cues: c } = input;
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
  ];
}

export function extractFeatures(input: FeatureInput): Features {
  const raw: number[] = [];
  const terms: number[] = [];
  const negations = textFeatures(input.analysis, raw, terms);
  const dense = denseFeatures(input, negations);
  // Sorted, so the weight reads walk memory in order; duplicates dropped, because presence
  // is what counts: a word said twice in a tweet is not twice the evidence.
  const hashed = Int32Array.from(raw).sort();
  let unique = 0;
  for (let j = 0; j < hashed.length; j += 1) if (j === 0 || hashed[j] !== hashed[j - 1]) hashed[unique++] = hashed[j] as number;
  const idx = new Int32Array(DENSE + unique);
  const val = new Float32Array(DENSE + unique).fill(1);
  for (let i = 0; i < DENSE; i += 1) {
    idx[i] = i;
    val[i] = dense[i] ?? 0;
  }
  idx.set(hashed.subarray(0, unique), DENSE);
  return { idx, val, terms };
}
