import type { BrandConfig } from './config/schema.js';

export const Categories = [
  'delay_cancellation',
  'lost_damaged_item',
  'billing_refund',
  'staff_service',
  'product_defect_outage',
  'account_login',
  'safety_legal_press',
  'praise',
  'question',
  'other',
] as const;
export type Category = (typeof Categories)[number];

export type Sentiment = 'negative' | 'neutral' | 'positive';

/** What triage knows besides the post itself; history comes from the store, across sources. */
export interface TriageContext {
  brand: BrandConfig;
  author: {
    /** Earlier mentions by this author that we stored (any source). */
    priorMentions: number;
    /** Of those, how many in the last 7 days: repeat contact. */
    recentMentions: number;
    /** Earlier mentions of theirs that were negative or complaints. */
    priorComplaints: number;
    /** How many replies we already sent this author. */
    repliesSent: number;
  };
}

export interface TriageResult {
  sentiment: Sentiment;
  /** Model polarity in [-1, 1]: P(positive) − P(negative). */
  score: number;
  /** Probability-like confidence of `sentiment`, 0–1. */
  sentimentConfidence: number;
  /**
   * False when the text is not in a language the model reads (see `language`): `sentiment` is
   * then only a placeholder with confidence 0, not a finding that the post is neutral.
   */
  sentimentScored?: boolean;
  complaint: boolean;
  complaintProbability: number;
  /** P(the post is ironic or sarcastic), English posts; 0 where not scored. Absent in results stored before it existed. */
  irony?: number;
  category: Category;
  question: boolean;
  /** ISO 639-1 when known; 'und' when the text is not in a language triage can read. */
  language: string;
  urgency: number;
  /** Human-readable, most important first: why this urgency. */
  reasons: string[];
}
