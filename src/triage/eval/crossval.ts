import { fitModel, foldOf, prepare, type Prepared, type TrainingRow } from '../fit.js';
import { decideSentiment, predict, SENTIMENT_CLASSES, type TriageModel } from '../model.js';
import type { Sentiment } from '../types.js';

/** What a model said about one post it was not trained on. */
export interface Scored {
  row: TrainingRow;
  probs: [number, number, number];
  sentiment: Sentiment;
  complaintProbability: number;
  complaint: boolean;
}

export function scoreWith(model: TriageModel, data: Prepared[]): Scored[] {
  return data.map(({ row, x }) => {
    const { probs, complaintProbability } = predict(model, x, null);
    return {
      row,
      probs,
      sentiment: SENTIMENT_CLASSES[decideSentiment(model, probs)],
      complaintProbability,
      complaint: complaintProbability >= model.complaintAt,
    };
  });
}

export interface CrossValidation {
  scored: Scored[];
  /** The negative threshold each outer fold chose on its own inner folds. */
  thresholds: number[];
}

/**
 * k-fold cross-validation. Folds come from a hash of the row key, so duplicate tweet ids share
 * a fold; thresholds are tuned inside each training part (inner folds), never on the test fold.
 */
export function crossValidate(rows: TrainingRow[], folds = 5, innerFolds = 3): CrossValidation {
  const data = prepare(rows);
  const scored: Scored[] = new Array(data.length);
  const thresholds: number[] = [];
  for (let f = 0; f < folds; f += 1) {
    const test: number[] = [];
    const train: Prepared[] = [];
    data.forEach((d, i) => (foldOf(d.row.key, folds, 'outer:') === f ? test.push(i) : train.push(d)));
    const model = fitModel(train, { innerFolds });
    thresholds.push(model.negativeAt);
    const out = scoreWith(model, test.map((i) => data[i] as Prepared));
    test.forEach((i, k) => (scored[i] = out[k] as Scored));
  }
  return { scored, thresholds };
}
