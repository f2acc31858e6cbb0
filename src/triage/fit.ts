import type { BrandConfig } from '../config/schema.js';
import { calibrateBrands } from './calibrate.js';
import { FEATURE_DIM, type Features } from './features.js';
import { softmax, trainSoftmax, type Example } from './learn.js';
import { SENTIMENT_CLASSES, type TriageModel } from './model.js';
import { readPost } from './signals.js';
import { tuneComplaint, tuneNegative } from './tune.js';
import { quantise } from './weights.js';
import type { Sentiment } from './types.js';

/** One labelled post to learn from: a dev-set row or a responder's correction. */
export interface TrainingRow {
  /** Rows sharing a key (duplicate tweet ids) always land in the same fold. */
  key: string;
  text: string;
  brand: BrandConfig;
  sentiment: Sentiment | null;
  complaint: boolean | null;
  /** Sample weight: crowd agreement for dev rows, more for corrections. */
  weight: number;
  /** Set for corrections: whose per-brand calibration this row informs. */
  calibrateBrand?: string;
  /**
   * Labelled on a scale without "neutral" (review stars, positive/negative sentences). Such rows
   * train the model but do not tune the negative threshold: they cannot show where neutral ends.
   */
  twoClass?: boolean;
}

export interface Prepared {
  row: TrainingRow;
  x: Features;
}

/**
 * Per-class weights (negative, neutral, positive), so the smaller classes are not drowned out.
 * Neutral counts most: it is the hardest class to tell apart, and macro-F1 weighs it like the others.
 */
const CLASS_WEIGHT = [1, 1.8, 1.5] as const;
const SENTIMENT_OPTS = { epochs: 15, rate: 0.03, l2: 1e-4 };
/**
 * The sentiment head is the average of this many runs that differ only in the order examples
 * are seen. SGD's order noise averages out (cross-validated: airline macro-F1 about +0.0015);
 * an average of linear models is one linear model, so scoring costs the same.
 */
const SENTIMENT_RUNS = 3;
const COMPLAINT_OPTS = { epochs: 15, rate: 0.03, l2: 1e-4 };

export function prepare(rows: TrainingRow[]): Prepared[] {
  return rows.map((row) => ({ row, x: readPost(row.text, row.brand).features }));
}

export function foldOf(key: string, folds: number, salt = ''): number {
  let h = 0x811c9dc5;
  const s = `${salt}${key}`;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) % folds;
}

export interface Heads {
  sentiment: Float32Array;
  complaint: Float32Array;
}

function averaged(runs: number, train: (run: number) => Float32Array): Float32Array {
  const sum = train(0);
  for (let r = 1; r < runs; r += 1) {
    const w = train(r);
    for (let i = 0; i < sum.length; i += 1) sum[i] = (sum[i] as number) + (w[i] as number);
  }
  for (let i = 0; i < sum.length; i += 1) sum[i] = (sum[i] as number) / runs;
  return sum;
}

export function fitHeads(data: Prepared[], seed = 7): Heads {
  const sentimentEx: Example[] = [];
  const complaintEx: Example[] = [];
  for (const { row, x } of data) {
    if (row.sentiment) {
      const y = SENTIMENT_CLASSES.indexOf(row.sentiment);
      sentimentEx.push({ x, y, w: row.weight * CLASS_WEIGHT[y as 0 | 1 | 2] });
    }
    if (row.complaint !== null) complaintEx.push({ x, y: row.complaint ? 1 : 0, w: row.weight });
  }
  const sentiment = averaged(SENTIMENT_RUNS, (run) => trainSoftmax(sentimentEx, { classes: 3, dim: FEATURE_DIM, seed: seed + 4 * run, ...SENTIMENT_OPTS }));
  const two = trainSoftmax(complaintEx, { classes: 2, dim: FEATURE_DIM, seed, ...COMPLAINT_OPTS });
  // A two-class softmax is a logistic regression on the difference of its two weight vectors.
  const complaint = new Float32Array(FEATURE_DIM);
  for (let i = 0; i < FEATURE_DIM; i += 1) complaint[i] = (two[2 * i + 1] as number) - (two[2 * i] as number);
  return { sentiment, complaint };
}

/** Out-of-fold scores for every row: what the model says about posts it was not trained on. */
export interface OutOfFold {
  probs: Array<[number, number, number]>;
  complaintLogit: number[];
}

export function outOfFold(data: Prepared[], folds: number, salt: string): OutOfFold {
  const probs: Array<[number, number, number]> = data.map(() => [1 / 3, 1 / 3, 1 / 3]);
  const complaintLogit = data.map(() => 0);
  const p = new Float64Array(3);
  for (let f = 0; f < folds; f += 1) {
    const inFold = data.map((d) => foldOf(d.row.key, folds, salt) === f);
    const heads = fitHeads(data.filter((_, i) => !inFold[i]));
    data.forEach((d, i) => {
      if (!inFold[i]) return;
      softmax(heads.sentiment, d.x, p);
      probs[i] = [p[0] as number, p[1] as number, p[2] as number];
      let z = 0;
      for (let j = 0; j < d.x.idx.length; j += 1) z += (heads.complaint[d.x.idx[j] as number] as number) * (d.x.val[j] as number);
      complaintLogit[i] = z;
    });
  }
  return { probs, complaintLogit };
}

export interface FitOptions {
  /** Inner folds used to tune thresholds and calibrations; 0 keeps the defaults (fast, for tests). */
  innerFolds?: number;
  meta?: Record<string, unknown>;
}

export function fitModel(data: Prepared[], options: FitOptions = {}): TriageModel {
  const innerFolds = options.innerFolds ?? 3;
  const heads = fitHeads(data);
  const model: TriageModel = { weights: quantise(heads.sentiment, heads.complaint), negativeAt: 0.5, complaintAt: 0.5, brands: {}, meta: options.meta ?? {} };
  if (innerFolds < 2) return model;
  const oof = outOfFold(data, innerFolds, 'inner:');
  model.negativeAt = tuneNegative(data, oof);
  model.complaintAt = tuneComplaint(data, oof);
  model.brands = calibrateBrands(data, oof);
  return model;
}
