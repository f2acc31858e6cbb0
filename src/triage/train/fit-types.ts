// What training reads and writes, apart from the fitting itself: tune.ts, calibrate.ts and
// hinglish.ts use these types, and fit.ts uses them, without importing one another in a circle.
import type { BrandConfig } from '../../config/schema.js';
import type { Features } from '../features.js';
import type { Sentiment } from '../../triage-types.js';

/** One labelled post to learn from: a dev-set row or a responder's correction. */
export interface TrainingRow {
  /** Rows sharing a key (duplicate tweet ids) always land in the same fold. */
  key: string;
  text: string;
  brand: BrandConfig;
  sentiment: Sentiment | null;
  complaint: boolean | null;
  /** Sample weight: crowd agreement and the set's weight for dev rows, more for corrections. */
  weight: number;
  /** Set for corrections: whose per-brand calibration this row informs. */
  calibrateBrand?: string;
  /**
   * Labelled on a scale without "neutral" (review stars, positive/negative sentences). Such rows
   * train the model but do not tune the negative threshold: they cannot show where neutral ends.
   */
  twoClass?: boolean;
  /** Which dev set, for tuning and per-set reports. */
  source?: string;
  /** complaints-dev industry, or random_tweet / random_reply for ordinary tweets. */
  domain?: string;
  /** Airline negative reason, for the category check. */
  reason?: string;
  /** Cross-validation group (duplicates share one); the key when unset. */
  group?: string;
  /** The language the set states; identified from the text when unset. */
  language?: string;
  irony?: boolean | null;
  /** Index into MODEL_CATEGORIES. */
  category?: number | null;
  /**
   * No human category: take the strongest keyword seed as a weak label when there is one, else
   * 'other' ('or-other') or no category label at all ('or-skip'). Resolved in prepare().
   */
  categoryFromSeeds?: 'or-other' | 'or-skip';
  /** Weights for the complaint, irony and category heads when they differ from `weight`. */
  complaintWeight?: number;
  ironyWeight?: number;
  categoryWeight?: number;
}

export interface Prepared {
  row: TrainingRow;
  x: Features;
}

/** Out-of-fold scores for every row: what the model says about posts it was not trained on. */
export interface OutOfFold {
  probs: Array<[number, number, number]>;
  complaintLogit: number[];
  ironyLogit: number[];
  /** P(category) per MODEL_CATEGORIES class. */
  category: Float64Array[];
}
