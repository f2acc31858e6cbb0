import { calibrateBrands } from './calibrate.js';
import { MODEL_CATEGORIES, seedCategory } from '../category.js';
import { FEATURE_DIM, type Features } from '../features.js';
import { fitHinglish } from './hinglish.js';
import { softmax, trainLogistic, trainSoftmax, type BinaryExample, type Example } from './learn.js';
import { MAIN_OUTPUTS, SENTIMENT_CLASSES, type TriageModel } from '../model.js';
import { readPost } from '../signals.js';
import { addNet, skipMask, type SmallNet } from '../small-net.js';
import { trainNet } from './train-net.js';
import { tuneThresholds } from './tune.js';
import { chooseIrony, DEFAULT_SINCERE_WEIGHT } from './tune-irony.js';
import { forComplaints, ironyExamples, NOT_FOR_COMPLAINTS } from './head-inputs.js';
import { quantise } from '../weights.js';
import type { OutOfFold, Prepared, TrainingRow } from './fit-types.js';

export type { OutOfFold, Prepared, TrainingRow } from './fit-types.js';

/**
 * Per-class weights (negative, neutral, positive) per set, so each set's smaller classes are not
 * drowned out: the airline set is two-thirds negative (neutral counts most there: it is the
 * hardest class to tell apart), general tweets are one-sixth negative, the other languages balanced.
 */
const AIRLINE_WEIGHT = [1, 1.8, 1.5] as const;
export const CLASS_WEIGHT: Record<string, readonly [number, number, number]> = {
  airline: AIRLINE_WEIGHT,
  tweeteval: [1.3, 1, 1],
};
const EVEN = [1, 1, 1] as const;
const SENTIMENT_OPTS = { epochs: 10, rate: 0.03, l2: 1e-4 };
/** Order noise of SGD averages out over runs; an average of linear models is one linear model, so scoring costs the same. */
const SENTIMENT_RUNS = 2;
const BINARY_OPTS = { epochs: 10, rate: 0.03, l2: 1e-4 };
const CATEGORY_OPTS = { epochs: 8, rate: 0.05, l2: 1e-4 };

const OTHER = MODEL_CATEGORIES.indexOf('other');

export function prepare(rows: TrainingRow[]): Prepared[] {
  return rows.map((row) => {
    const sig = readPost(row.text, row.brand, null, false, null, row.language ?? 'en');
    if (!row.categoryFromSeeds) return { row, x: sig.features };
    const seeded = seedCategory(sig.seeds);
    const category = seeded ? MODEL_CATEGORIES.indexOf(seeded) : row.categoryFromSeeds === 'or-other' ? OTHER : null;
    return { row: { ...row, category, categoryWeight: seeded ? SEED_WEIGHT : OTHER_WEIGHT }, x: sig.features };
  });
}

/** Weak category labels count for less than the airline set's human reasons. */
const SEED_WEIGHT = 0.5;
const OTHER_WEIGHT = 0.3;

export function foldOf(key: string, folds: number, salt = ''): number {
  let h = 0x811c9dc5;
  const s = `${salt}${key}`;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) % folds;
}

export function groupOf(row: TrainingRow): string {
  return row.group ?? row.key;
}

export interface Heads {
  /** Feature-major, MAIN_OUTPUTS per feature. */
  main: Float32Array;
  category: Float32Array;
  /** Beside the linear sentiment and complaint scores of English posts (small-net.ts). */
  sentimentNet: SmallNet;
  complaintNet: SmallNet;
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

function binaryHead(examples: BinaryExample[], seed: number): Float32Array {
  return examples.length ? trainLogistic(examples, { dim: FEATURE_DIM, seed, ...BINARY_OPTS }) : new Float32Array(FEATURE_DIM);
}

function dot(w: Float32Array, x: Features): number {
  let z = 0;
  for (let j = 0; j < x.idx.length; j += 1) z += (w[x.idx[j] as number] as number) * (x.val[j] as number);
  return z;
}

export function fitHeads(data: Prepared[], seed = 7, sincereWeight = DEFAULT_SINCERE_WEIGHT): Heads {
  const sentimentEx: Example[] = [];
  const complaintEx: BinaryExample[] = [];
  // The complaint network reads the word vector the linear complaint head does not (README: it pays there).
  const complaintNetEx: BinaryExample[] = [];
  const categoryEx: Example[] = [];
  for (const { row, x } of data) {
    if (row.sentiment) {
      const y = SENTIMENT_CLASSES.indexOf(row.sentiment);
      sentimentEx.push({
        x,
        y,
        w: row.weight * (CLASS_WEIGHT[row.source ?? ''] ?? (row.source ? EVEN : AIRLINE_WEIGHT))[y as 0 | 1 | 2],
      });
    }
    if (row.complaint != null) {
      const c = { y: row.complaint ? 1 : 0, w: row.complaintWeight ?? row.weight } as const;
      complaintEx.push({ x: forComplaints(x), ...c });
      complaintNetEx.push({ x, ...c });
    }
    if (row.category != null) categoryEx.push({ x, y: row.category, w: row.categoryWeight ?? row.weight });
  }
  const sentiment = averaged(SENTIMENT_RUNS, (run) =>
    trainSoftmax(sentimentEx, { classes: 3, dim: FEATURE_DIM, seed: seed + 4 * run, ...SENTIMENT_OPTS }),
  );
  const complaint = binaryHead(complaintEx, seed);
  const irony = binaryHead(ironyExamples(data, sincereWeight), seed + 1);
  const main = new Float32Array(MAIN_OUTPUTS * FEATURE_DIM);
  for (let f = 0; f < FEATURE_DIM; f += 1) {
    main[f * MAIN_OUTPUTS] = sentiment[f * 3] as number;
    main[f * MAIN_OUTPUTS + 1] = sentiment[f * 3 + 1] as number;
    main[f * MAIN_OUTPUTS + 2] = sentiment[f * 3 + 2] as number;
    main[f * MAIN_OUTPUTS + 3] = complaint[f] as number;
    main[f * MAIN_OUTPUTS + 4] = irony[f] as number;
  }
  const k = MODEL_CATEGORIES.length;
  const category = categoryEx.length
    ? trainSoftmax(categoryEx, { classes: k, dim: FEATURE_DIM, seed, ...CATEGORY_OPTS })
    : new Float32Array(k * FEATURE_DIM);
  return {
    main,
    category,
    sentimentNet: trainNet(sentimentEx, { outputs: 3, seed: seed + 4 }),
    complaintNet: trainNet(complaintNetEx, { outputs: 1, seed: seed + 5, skip: skipMask(NOT_FOR_COMPLAINTS) }),
  };
}

function scoreHeads(
  heads: Heads,
  x: Features,
): { probs: [number, number, number]; complaint: number; irony: number; category: Float64Array } {
  const z = [0, 0, 0, 0, 0];
  for (let j = 0; j < x.idx.length; j += 1) {
    const b = (x.idx[j] as number) * MAIN_OUTPUTS;
    for (let c = 0; c < MAIN_OUTPUTS; c += 1) z[c] = (z[c] as number) + (heads.main[b + c] as number) * (x.val[j] as number);
  }
  addNet(heads.sentimentNet, x, z);
  addNet(heads.complaintNet, x, z, 3);
  const max = Math.max(z[0] as number, z[1] as number, z[2] as number);
  const e = [0, 1, 2].map((c) => Math.exp((z[c] as number) - max));
  const s = (e[0] as number) + (e[1] as number) + (e[2] as number);
  const category = softmax(heads.category, x, new Float64Array(MODEL_CATEGORIES.length));
  return {
    probs: [(e[0] as number) / s, (e[1] as number) / s, (e[2] as number) / s],
    complaint: z[3] as number,
    irony: z[4] as number,
    category,
  };
}

export function outOfFold(data: Prepared[], folds: number, salt: string): OutOfFold {
  const oof: OutOfFold = { probs: [], complaintLogit: [], ironyLogit: [], category: [] };
  for (let f = 0; f < folds; f += 1) {
    const inFold = data.map((d) => foldOf(groupOf(d.row), folds, salt) === f);
    const heads = fitHeads(data.filter((_, i) => !inFold[i]));
    data.forEach((d, i) => {
      if (!inFold[i]) return;
      const s = scoreHeads(heads, d.x);
      oof.probs[i] = s.probs;
      oof.complaintLogit[i] = s.complaint;
      oof.ironyLogit[i] = s.irony;
      oof.category[i] = s.category;
    });
  }
  return oof;
}

/** Out-of-fold irony logits with sincere praise weighing `sincereWeight`: the irony head alone, per inner fold. */
function ironyOutOfFold(data: Prepared[], folds: number, salt: string, sincereWeight: number): number[] {
  const out: number[] = new Array<number>(data.length).fill(0);
  for (let f = 0; f < folds; f += 1) {
    const inFold = data.map((d) => foldOf(groupOf(d.row), folds, salt) === f);
    const w = binaryHead(
      ironyExamples(
        data.filter((_, i) => !inFold[i]),
        sincereWeight,
      ),
      8,
    );
    data.forEach((d, i) => {
      if (inFold[i]) out[i] = dot(w, d.x);
    });
  }
  return out;
}

export interface FitOptions {
  /** Inner folds used to tune thresholds and calibrations; 0 keeps the defaults (fast, for tests). */
  innerFolds?: number;
  meta?: Record<string, unknown>;
}

export function fitModel(data: Prepared[], options: FitOptions = {}): TriageModel {
  const innerFolds = options.innerFolds ?? 3;
  const tuned: Pick<
    TriageModel,
    | 'negativeAt'
    | 'negativeAtByLanguage'
    | 'negativeAtUnaddressed'
    | 'complaintAt'
    | 'ironyAt'
    | 'ironyAtAddressed'
    | 'categoryAt'
    | 'brands'
  > = {
    negativeAt: 0.5,
    negativeAtByLanguage: {},
    complaintAt: 0.5,
    ironyAt: 0.7,
    categoryAt: 0.35,
    brands: {},
  };
  let meta = options.meta ?? {};
  let sincereWeight = DEFAULT_SINCERE_WEIGHT;
  if (innerFolds >= 2) {
    const oof = outOfFold(data, innerFolds, 'inner:');
    Object.assign(tuned, tuneThresholds(data, oof));
    const irony = chooseIrony(data, oof, tuned.negativeAt, (w) => ironyOutOfFold(data, innerFolds, 'inner:', w));
    tuned.ironyAt = irony.ironyAt;
    tuned.ironyAtAddressed = irony.ironyAtAddressed;
    tuned.negativeAtUnaddressed = irony.negativeAtUnaddressed;
    sincereWeight = irony.sincereWeight;
    meta = { ...meta, irony };
    tuned.brands = calibrateBrands(data, oof);
  }
  const heads = fitHeads(data, 7, sincereWeight);
  return {
    main: quantise(heads.main, MAIN_OUTPUTS),
    category: quantise(heads.category, MODEL_CATEGORIES.length),
    hinglish: fitHinglish(data.map((d) => d.row)),
    sentimentNet: heads.sentimentNet,
    complaintNet: heads.complaintNet,
    ...tuned,
    meta,
  };
}
