import type { Analysis } from './nlp.js';
import type { Masked } from './mask.js';
import { polarityOf } from './polarity.js';
import { sarcasmMarks, type ComplaintCues } from './rules.js';
import { bucket, EMBED_DIMS, fnv, FNV_PRIME, FNV_START, hash, type Features } from './feature-space.js';
import { assemble } from './feature-vector.js';
import type { TokenHash } from './token-facts.js';
import { embedPost, lastEmbedWords } from './embeddings-features.js';

// The feature space and the packing live in their own modules; re-exported for the callers that import them from here.
export * from './feature-space.js';
export { assemble, assembleTwoKinds, buffers, sortInPlace } from './feature-vector.js';

/**
 * Turns one analysed post into the sparse vector the model reads: hashed word unigrams and
 * bigrams of wink-nlp's normalised tokens (negated tokens marked, so "not helpful" is its own
 * feature), plus a few hand-made dense features. Hashing keeps the model file small and
 * needs no vocabulary, and masking upstream keeps brand names and handles out of it.
 */
export interface FeatureInput {
  analysis: Analysis;
  masked: Masked;
  cues: ComplaintCues;
  question: boolean;
  /** Per seed category (category.ts), how strongly its keywords are present: 0–1. */
  seeds: readonly number[];
}

/*
 * Per model token, what hashing needs, memoised because vocabulary repeats: the unigram bucket
 * and the FNV state after "b" + token, from which the bigram starting at this token continues.
 * The bigram itself depends on the previous token, so only its second half is hashed per post.
 */

const tokenHashes = new Map<string, TokenHash>();
const TOKEN_HASH_MAX = 50_000;
const BIGRAM_START = fnv(fnv(FNV_START, 'b'), '^');
const BIGRAM_END = ' $';

const NONE: readonly number[] = [];
// A letter held for emphasis ("sooo", "loooove", "baaad"): three or more in a row are one letter in
// the plain spelling, which the word then also counts as, with a token of its own for the emphasis.
const HELD = /(\p{L})\1{2,}/u;
const HELD_ALL = /(\p{L})\1{2,}/gu;
const HELD_MARK = hash('u', '<held>');

function moreOf(tok: string): readonly number[] {
  if (!HELD.test(tok)) return NONE;
  return [hash('u', tok.replace(HELD_ALL, '$1')), HELD_MARK];
}

function tokenHash(tok: string): TokenHash {
  let th = tokenHashes.get(tok);
  if (th === undefined) {
    th = {
      tok,
      uni: hash('u', tok),
      bigramPrefix: fnv(fnv(FNV_START, 'b'), tok),
      negated: tok.charCodeAt(0) === 33 && tok.length > 1,
      more: moreOf(tok),
    };
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

function hashOf(a: Analysis, i: number): TokenHash | null {
  const tok = tokenOf(a, i);
  return tok === null ? null : tokenHash(tok);
}

/** tokenOf reads only the token's type, normal form, value and negation, which its facts are kept for. */
function hashAt(a: Analysis, i: number): TokenHash | null {
  const f = a.facts?.[i];
  if (f === undefined) return hashOf(a, i);
  if (a.negated[i]) return f.negated !== undefined ? f.negated : (f.negated = hashOf(a, i));
  return f.plain !== undefined ? f.plain : (f.plain = hashOf(a, i));
}

function textFeatures(a: Analysis, into: number[], terms: number[]): number {
  let prefix = BIGRAM_START;
  let first = true;
  let negations = 0;
  for (let i = 0; i < a.normals.length; i += 1) {
    const th = hashAt(a, i);
    if (th === null) continue;
    if (th.negated) negations += 1;
    const bi = bigram(prefix, th.tok);
    into.push(th.uni, bi);
    if (th.more.length) into.push(...th.more);
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

const vector = new Float32Array(EMBED_DIMS);

/** With `reuse`, the arrays are overwritten by the next call with `reuse`: only for callers that are done with them by then. */
export function extractFeatures(input: FeatureInput, reuse = false): Features {
  const raw: number[] = [];
  const terms: number[] = [];
  const negations = textFeatures(input.analysis, raw, terms);
  // The vector block is copied into the feature arrays, so one scratch array serves every post.
  const embedded = embedPost(input.analysis, vector);
  const features = assemble(raw, denseFeatures(input, negations), terms, reuse, embedded ? vector : null);
  if (embedded) features.embedWords = lastEmbedWords(reuse);
  return features;
}
