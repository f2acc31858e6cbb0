import { readFileSync } from 'node:fs';
import { findModelFile } from './model-files.js';
import { addNet, packNet, unpackNet, type SmallNet, type StoredNet } from './small-net.js';
import { MODEL_CATEGORIES } from './category.js';
import { DENSE_FEATURES, EMBED_DIMS, FEATURE_DIM, HASH_BITS, type Features } from './features.js';
import {
  addJoint,
  addScores,
  categoryFromSums,
  interleave,
  interleaved,
  packTable,
  unpackTable,
  type StoredTable,
  type WeightTable,
} from './weights.js';

/**
 * The trained triage model, over one feature space for every language (non-English features
 * carry the language as a prefix, see multi.ts):
 * - the main table: 3-class sentiment, complaint log-odds and irony log-odds per feature;
 * - the category table: one logit per MODEL_CATEGORIES class;
 * - `hinglish`: word weights telling Hindi written in Latin letters from English (language.ts);
 * - decision thresholds tuned on inner cross-validation folds, and per-brand bias corrections
 *   learned from responders' corrections.
 * Stored as JSON with the weights quantised to 16 bits and deflated.
 */
export const SENTIMENT_CLASSES = ['negative', 'neutral', 'positive'] as const;
/** Outputs of the main table, in order. */
export const MAIN_OUTPUTS = 5;
export const HINGLISH_BITS = 16;

export interface BrandCalibration {
  /** Added to the sentiment logits (negative, neutral, positive). */
  sentiment: [number, number, number];
  /** Added to the complaint logit. */
  complaint: number;
  corrections: number;
}

export interface TriageModel {
  main: WeightTable;
  category: WeightTable;
  /** Bias first, then one weight per hashed word bucket. */
  hinglish: Float32Array;
  /** Added to the linear sentiment and complaint scores of English posts (small-net.ts); absent in models from before them. */
  sentimentNet?: SmallNet;
  complaintNet?: SmallNet;
  /** P(negative) from which a post is called negative (recall matters more than the argmax gives). */
  negativeAt: number;
  /** The same per language other than English (their sets are balanced, the airline set two-thirds negative). */
  negativeAtByLanguage: Record<string, number>;
  /** English posts that do not name the brand are called negative from this P(negative) (decide.ts); unset: negativeAt. */
  negativeAtUnaddressed?: number;
  complaintAt: number;
  /** P(irony) from which a positive reading is not trusted. */
  ironyAt: number;
  /** The same for English posts that name the brand (decide.ts); unset: ironyAt. */
  ironyAtAddressed?: number;
  /** P(problem category) from which the category head's choice is taken. */
  categoryAt: number;
  brands: Record<string, BrandCalibration>;
  meta: Record<string, unknown>;
}

interface StoredModel {
  format: 'earshot-triage';
  version: 3;
  hashBits: number;
  dense: readonly string[];
  /** Length of the English word-vector block after the hashed buckets (embeddings-features.ts); absent in models from before it. */
  embedDims?: number;
  categories: readonly string[];
  thresholds: {
    negativeAt: number;
    negativeAtByLanguage: Record<string, number>;
    negativeAtUnaddressed?: number;
    complaintAt: number;
    ironyAt: number;
    ironyAtAddressed?: number;
    categoryAt: number;
  };
  main: StoredTable;
  category: StoredTable;
  hinglish: string;
  sentimentNet?: StoredNet;
  complaintNet?: StoredNet;
  brands: Record<string, BrandCalibration>;
  meta: Record<string, unknown>;
}

export function serialiseModel(m: TriageModel): string {
  const stored: StoredModel = {
    format: 'earshot-triage',
    version: 3,
    hashBits: HASH_BITS,
    dense: DENSE_FEATURES,
    embedDims: EMBED_DIMS,
    categories: MODEL_CATEGORIES,
    thresholds: {
      negativeAt: m.negativeAt,
      negativeAtByLanguage: m.negativeAtByLanguage,
      ...(m.negativeAtUnaddressed === undefined ? {} : { negativeAtUnaddressed: m.negativeAtUnaddressed }),
      complaintAt: m.complaintAt,
      ironyAt: m.ironyAt,
      ...(m.ironyAtAddressed === undefined ? {} : { ironyAtAddressed: m.ironyAtAddressed }),
      categoryAt: m.categoryAt,
    },
    main: packTable(m.main),
    category: packTable(m.category),
    hinglish: Buffer.from(m.hinglish.buffer, m.hinglish.byteOffset, m.hinglish.byteLength).toString('base64'),
    ...(m.sentimentNet ? { sentimentNet: packNet(m.sentimentNet) } : {}),
    ...(m.complaintNet ? { complaintNet: packNet(m.complaintNet) } : {}),
    brands: m.brands,
    meta: m.meta,
  };
  return `${JSON.stringify(stored)}\n`;
}

export function parseModel(json: string): TriageModel {
  const s = JSON.parse(json) as StoredModel;
  if (s.format !== 'earshot-triage' || s.version !== 3)
    throw new Error('not an Earshot triage model (format/version); retrain it with `npm run train`');
  // Features are hashed by position, so a model trained with other feature settings would silently score garbage.
  const sameSpace = s.hashBits === HASH_BITS && (s.embedDims ?? 0) === EMBED_DIMS && s.dense.join('|') === DENSE_FEATURES.join('|');
  if (!sameSpace || s.categories.join('|') !== MODEL_CATEGORIES.join('|')) {
    throw new Error('triage model was trained with different features; retrain it with `npm run train`');
  }
  const h = Buffer.from(s.hinglish, 'base64');
  const main = unpackTable(s.main, FEATURE_DIM);
  const category = unpackTable(s.category, FEATURE_DIM);
  // One array for both tables (weights.ts interleave): scoring reads each feature's weights from one place.
  const joint = interleave(main, category);
  return {
    main: joint?.main ?? main,
    category: joint?.category ?? category,
    hinglish: new Float32Array(h.buffer.slice(h.byteOffset, h.byteOffset + h.byteLength)),
    ...(s.sentimentNet ? { sentimentNet: unpackNet(s.sentimentNet, 3) } : {}),
    ...(s.complaintNet ? { complaintNet: unpackNet(s.complaintNet, 1) } : {}),
    ...s.thresholds,
    brands: s.brands ?? {},
    meta: s.meta ?? {},
  };
}

export const MODEL_FILE = 'models/triage-v3.json';

/** The repo root holds models/; from src/triage or dist/src/triage it is a few levels up. */
export function defaultModelPath(): string {
  const found = findModelFile(MODEL_FILE);
  if (found) return found;
  throw new Error(`triage model ${MODEL_FILE} not found; run \`npm run train\` to create it`);
}

export function loadModel(file = defaultModelPath()): TriageModel {
  return parseModel(readFileSync(file, 'utf8'));
}

let current: TriageModel | null = null;

/** Loaded on first use and kept: parsing takes a few hundred milliseconds, scoring microseconds. */
export function activeModel(): TriageModel {
  current ??= loadModel();
  return current;
}

/** For retraining and tests: score with a model that is not on disk. */
export function useModel(model: TriageModel | null): void {
  current = model;
}

const categorySums = new Float64Array(8);
/**
 * predict() on interleaved tables keeps the category sums for these features and weights, which
 * predictCategory() on the same features (most posts, right after) then reads instead of the
 * table. Features are not changed once built, so the object says whose sums they are.
 */
let sumsFor: Features | null = null;
let sumsOf: Int16Array | null = null;

export interface Prediction {
  /** negative, neutral, positive. */
  probs: [number, number, number];
  complaintProbability: number;
  irony: number;
}

// Review labels are derived from stars, so stars are not a trained feature; they shift the odds by hand.
const NO_SHIFT = { neg: 0, pos: 0 } as const;
const SHIFTS = [
  { neg: 2, pos: -2 },
  { neg: 1.2, pos: -1.2 },
  { neg: -2, pos: 2 },
  { neg: -1.2, pos: 1.2 },
] as const;

function ratingShift(rating: number | null): { readonly neg: number; readonly pos: number } {
  if (rating === null) return NO_SHIFT;
  if (rating <= 1.5) return SHIFTS[0];
  if (rating <= 2.5) return SHIFTS[1];
  if (rating >= 4.5) return SHIFTS[2];
  if (rating >= 3.5) return SHIFTS[3];
  return NO_SHIFT;
}

const scratch = new Float64Array(MAIN_OUTPUTS);
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function predict(m: TriageModel, x: Features, brandId: string | null, rating: number | null = null): Prediction {
  const cal = brandId ? m.brands[brandId] : undefined;
  const shift = ratingShift(rating);
  const z = scratch;
  z[0] = (cal?.sentiment[0] ?? 0) + shift.neg;
  z[1] = cal?.sentiment[1] ?? 0;
  z[2] = (cal?.sentiment[2] ?? 0) + shift.pos;
  z[3] = (cal?.complaint ?? 0) + shift.neg;
  z[4] = 0;
  const joint = interleaved(m.main, m.category);
  if (joint) addJoint(m.main, x, z, categorySums);
  else addScores(m.main, x, z);
  addNet(m.sentimentNet, x, z);
  addNet(m.complaintNet, x, z, 3);
  sumsFor = joint ? x : null;
  sumsOf = joint ? m.main.q : null;
  const max = Math.max(z[0], z[1], z[2]);
  const e0 = Math.exp(z[0] - max);
  const e1 = Math.exp(z[1] - max);
  const e2 = Math.exp(z[2] - max);
  const sum = e0 + e1 + e2;
  return { probs: [e0 / sum, e1 / sum, e2 / sum], complaintProbability: sigmoid(z[3]), irony: sigmoid(z[4]) };
}

/** P(category) over MODEL_CATEGORIES, into `out`. */
export function predictCategory(m: TriageModel, x: Features, out = new Float64Array(MODEL_CATEGORIES.length)): Float64Array {
  out.fill(0);
  if (x === sumsFor && m.category.q === sumsOf && out.length === 8 && interleaved(m.main, m.category))
    categoryFromSums(m.category, categorySums, out);
  else addScores(m.category, x, out);
  let max = -Infinity;
  for (const v of out) max = Math.max(max, v);
  let sum = 0;
  for (let c = 0; c < out.length; c += 1) {
    out[c] = Math.exp((out[c] as number) - max);
    sum += out[c] as number;
  }
  for (let c = 0; c < out.length; c += 1) out[c] = (out[c] as number) / sum;
  return out;
}

const HINGLISH_MASK = (1 << HINGLISH_BITS) - 1;

export function hinglishBucket(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i += 1) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return 1 + ((h >>> 0) & HINGLISH_MASK);
}

/**
 * The head's inputs: each word, and the character 3-grams of "<word>" (as "#" + the three
 * letters), so a word it never saw still reads by its spelling ("slowwww", "gratuliere").
 */
export function hinglishBuckets(words: readonly string[]): number[] {
  const out: number[] = [];
  for (const w of words) {
    out.push(hinglishBucket(w));
    for (let i = -1; i + 2 <= w.length; i += 1) {
      let h = Math.imul(0x811c9dc5 ^ 35, 0x01000193);
      for (let k = i; k < i + 3; k += 1) h = Math.imul(h ^ (k < 0 ? 60 : k >= w.length ? 62 : w.charCodeAt(k)), 0x01000193);
      out.push(1 + ((h >>> 0) & HINGLISH_MASK));
    }
  }
  return out;
}

/** P(Hindi in Latin letters) from the post's words: the mean input weight, so long posts are not more sure. */
export function hinglishProbability(m: TriageModel, words: readonly string[]): number {
  if (!words.length) return 0;
  const b = hinglishBuckets(words);
  let z = 0;
  for (const k of b) z += m.hinglish[k] ?? 0;
  return sigmoid((m.hinglish[0] ?? 0) + z / Math.sqrt(b.length));
}

export function decideSentiment(
  m: Pick<TriageModel, 'negativeAt'> & Partial<Pick<TriageModel, 'negativeAtByLanguage'>>,
  probs: [number, number, number],
  lang = 'en',
): 0 | 1 | 2 {
  if (probs[0] >= (m.negativeAtByLanguage?.[lang] ?? m.negativeAt)) return 0;
  return probs[2] > probs[1] ? 2 : 1;
}
