import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DENSE_FEATURES, HASH_BITS, type Features } from './features.js';
import { addScores, packHeads, unpackHeads, type StoredHead, type WeightTable } from './weights.js';

/**
 * The trained triage model: a 3-class sentiment head and a complaint head over the same
 * features, the decision thresholds tuned by cross-validation, and per-brand bias corrections
 * learned from responders' corrections. Stored as JSON with the weights quantised to 16 bits
 * and deflated, which keeps the committed file near one and a half megabytes.
 */
export const SENTIMENT_CLASSES = ['negative', 'neutral', 'positive'] as const;

export interface BrandCalibration {
  /** Added to the sentiment logits (negative, neutral, positive). */
  sentiment: [number, number, number];
  /** Added to the complaint logit. */
  complaint: number;
  corrections: number;
}

export interface TriageModel {
  /** Both heads: the three class logits and the complaint log-odds (see weights.ts). */
  weights: WeightTable;
  /** P(negative) from which a post is called negative (recall matters more than the argmax gives). */
  negativeAt: number;
  complaintAt: number;
  brands: Record<string, BrandCalibration>;
  meta: Record<string, unknown>;
}

interface StoredModel {
  format: 'earshot-triage';
  version: 2;
  hashBits: number;
  dense: readonly string[];
  negativeAt: number;
  complaintAt: number;
  sentiment: StoredHead;
  complaint: StoredHead;
  brands: Record<string, BrandCalibration>;
  meta: Record<string, unknown>;
}

export function serialiseModel(m: TriageModel): string {
  const stored: StoredModel = {
    format: 'earshot-triage',
    version: 2,
    hashBits: HASH_BITS,
    dense: DENSE_FEATURES,
    negativeAt: m.negativeAt,
    complaintAt: m.complaintAt,
    ...packHeads(m.weights),
    brands: m.brands,
    meta: m.meta,
  };
  return `${JSON.stringify(stored)}\n`;
}

export function parseModel(json: string): TriageModel {
  const s = JSON.parse(json) as StoredModel;
  if (s.format !== 'earshot-triage' || s.version !== 2) throw new Error('not an Earshot triage model (format/version)');
  // Features are hashed by position, so a model trained with other feature settings would silently score garbage.
  if (s.hashBits !== HASH_BITS || s.dense.join('|') !== DENSE_FEATURES.join('|')) {
    throw new Error('triage model was trained with different features; retrain it with `npm run train`');
  }
  return {
    weights: unpackHeads(s.sentiment, s.complaint),
    negativeAt: s.negativeAt,
    complaintAt: s.complaintAt,
    brands: s.brands ?? {},
    meta: s.meta ?? {},
  };
}

export const MODEL_FILE = 'models/triage-v1.json';

/** The repo root holds models/; from src/triage or dist/src/triage it is a few levels up. */
export function defaultModelPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    const candidate = path.join(dir, MODEL_FILE);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
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

export interface Prediction {
  /** negative, neutral, positive. */
  probs: [number, number, number];
  complaintProbability: number;
}

// Review labels are derived from stars, so stars are not a trained feature; they shift the odds by hand.
function ratingShift(rating: number | null): { neg: number; pos: number } {
  if (rating === null) return { neg: 0, pos: 0 };
  if (rating <= 1.5) return { neg: 2, pos: -2 };
  if (rating <= 2.5) return { neg: 1.2, pos: -1.2 };
  if (rating >= 4.5) return { neg: -2, pos: 2 };
  if (rating >= 3.5) return { neg: -1.2, pos: 1.2 };
  return { neg: 0, pos: 0 };
}

const scratch = new Float64Array(4);

export function predict(m: TriageModel, x: Features, brandId: string | null, rating: number | null = null): Prediction {
  const cal = brandId ? m.brands[brandId] : undefined;
  const shift = ratingShift(rating);
  const z = scratch;
  z[0] = (cal?.sentiment[0] ?? 0) + shift.neg;
  z[1] = cal?.sentiment[1] ?? 0;
  z[2] = (cal?.sentiment[2] ?? 0) + shift.pos;
  z[3] = (cal?.complaint ?? 0) + shift.neg;
  addScores(m.weights, x, z);
  const max = Math.max(z[0], z[1], z[2]);
  const e0 = Math.exp(z[0] - max);
  const e1 = Math.exp(z[1] - max);
  const e2 = Math.exp(z[2] - max);
  const sum = e0 + e1 + e2;
  return { probs: [e0 / sum, e1 / sum, e2 / sum], complaintProbability: 1 / (1 + Math.exp(-z[3])) };
}

export function decideSentiment(m: TriageModel, probs: [number, number, number]): 0 | 1 | 2 {
  if (probs[0] >= m.negativeAt) return 0;
  return probs[2] > probs[1] ? 2 : 1;
}
