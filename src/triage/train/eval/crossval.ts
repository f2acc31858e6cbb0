import { categoryOf, decide, type Decision } from '../../decide.js';
import { fitModel, foldOf, groupOf, prepare, type Prepared, type TrainingRow } from '../fit.js';
import { maskText } from '../../mask.js';
import { identifyPostLanguage, readPost } from '../../signals.js';
import type { TriageModel } from '../../model.js';
import type { Category, Sentiment } from '../../../triage-types.js';

/** What a model said about one post it was not trained on. */
export interface Scored {
  row: TrainingRow;
  fold: number;
  probs: [number, number, number];
  sentiment: Sentiment;
  complaintProbability: number;
  complaint: boolean;
  irony: number;
  category: Category;
  /** The language identified from the text (the row's stated language is `row.language`). */
  identified: string;
}

const UNSCORED: Decision = {
  sentiment: 'neutral',
  probs: [0, 1, 0],
  score: 0,
  confidence: 0,
  complaintProbability: 0,
  complaint: false,
  irony: 0,
  sarcastic: false,
};

export const COMPLAINT_DOMAINS = ['electronics', 'apparel', 'food', 'cars'] as const;

/**
 * The outer fold of a row. Complaint-labelled industries are held out whole, one per fold
 * (leave-one-industry-out), because the held-out split of that set is other industries: a
 * random split would measure in-industry performance instead. Everything else is split by a
 * hash of its duplicate group, so retweets and copies sent to several accounts stay together.
 */
export function outerFold(row: TrainingRow, folds: number): number {
  const domain = COMPLAINT_DOMAINS.indexOf((row.domain ?? '') as (typeof COMPLAINT_DOMAINS)[number]);
  if (row.source === 'complaints' && domain >= 0) return domain % folds;
  return foldOf(groupOf(row), folds, 'outer:');
}

/**
 * End to end: each post is scored in the language identified from its text, as triage() does,
 * not the one the data set states, so a misidentified post costs what it costs in production.
 */
export function scoreWith(model: TriageModel, data: Prepared[], fold = -1): Scored[] {
  return data.map(({ row, x: stated }) => {
    const guess = identifyPostLanguage(maskText(row.text, row.brand), null, model);
    const identified = guess.language;
    const lang = guess.scored ? identified : 'en';
    const x = lang === (row.language ?? 'en') ? stated : readPost(row.text, row.brand, null, false, model, lang).features;
    const d = guess.scored ? decide(model, x, lang) : UNSCORED;
    return {
      row,
      fold,
      probs: d.probs,
      sentiment: d.sentiment,
      complaintProbability: d.complaintProbability,
      complaint: d.complaint,
      irony: d.irony,
      category: categoryOf(model, x, d),
      identified,
    };
  });
}

export interface CrossValidation {
  scored: Scored[];
  folds: number;
  /** The thresholds each outer fold chose on its own inner folds. */
  thresholds: Array<Record<string, unknown>>;
}

/**
 * k-fold cross-validation; thresholds are tuned inside each training part (inner folds), never
 * on the test fold. `onFold` reports progress: a fold takes minutes on a shared machine.
 */
export function crossValidate(rows: TrainingRow[], folds = 4, innerFolds = 2, onFold?: (f: number) => void): CrossValidation {
  const data = prepare(rows);
  const scored: Scored[] = [];
  const thresholds: Array<Record<string, unknown>> = [];
  for (let f = 0; f < folds; f += 1) {
    const test: Prepared[] = [];
    const train: Prepared[] = [];
    for (const d of data) (outerFold(d.row, folds) === f ? test : train).push(d);
    const model = fitModel(train, { innerFolds });
    thresholds.push({
      negativeAt: model.negativeAt,
      ...model.negativeAtByLanguage,
      complaintAt: model.complaintAt,
      negativeAtUnaddressed: model.negativeAtUnaddressed,
      ironyAt: model.ironyAt,
      ironyAtAddressed: model.ironyAtAddressed,
      sincereWeight: (model.meta['irony'] as { sincereWeight?: number } | undefined)?.sincereWeight,
      categoryAt: model.categoryAt,
    });
    scored.push(
      ...scoreWith(
        model,
        test.filter((d) => d.row.source !== 'twcs'),
        f,
      ),
    );
    onFold?.(f);
  }
  return { scored, folds, thresholds };
}
