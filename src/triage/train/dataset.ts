import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrandConfig } from '../../config/schema.js';
import { readCsvObjects } from '../../text/csv.js';
import type { Sentiment } from '../../triage-types.js';

/**
 * Readers for the labelled dev sets in ../shared/data (see its README for sources, licences and
 * quirks). Training and evaluation both go through here so they see the same text clean-up.
 */
/** The repository root: the nearest folder above this file that holds models/ and package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'models'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** The dev sets sit beside the repository (../shared/data from its root); the scripts take --data for another place. */
export const DEFAULT_DATA_DIR = path.resolve(repoRoot(), '..', 'shared', 'data');

export type Source = 'airline' | 'sentences' | 'alexa' | 'twcs' | 'complaints' | 'tweeteval' | 'irony' | 'multi';

export interface LabelledPost {
  /** Stable key; duplicate tweet ids share it, so cross-validation keeps them in one fold. */
  key: string;
  source: Source;
  text: string;
  sentiment: Sentiment | null;
  /** Airline `negativereason`, for the category check. */
  reason?: string;
  /** Airline crowd agreement (0–1): low-agreement rows are down-weighted in training, never dropped from scoring. */
  confidence?: number;
  rating?: number;
  /** TWCS only: written by a consumer (true) or a brand's reply (false). */
  inbound?: boolean;
  /** TWCS only: a consumer's tweet that starts a thread (it answers nothing): what brought the brand's care team in. */
  opensThread?: boolean;
  /** TWCS only: the support account that answered this consumer tweet, where the sample holds its reply. */
  answeredBy?: string;
  /** complaints-dev: the annotators' complaint label, and the industry (or random_tweet / random_reply). */
  complaint?: boolean;
  domain?: string;
  /** irony-dev: ironic or not. */
  irony?: boolean;
  /** ISO 639-1 of the text where the set says it (multilingual set; English sets are 'en'). */
  language?: string;
}

/**
 * Every airline in the set, masked as "the brand" in training so the model cannot learn that
 * one airline draws more complaints than another. Delta rows are really about JetBlue.
 */
export const AIRLINE_BRAND: BrandConfig = {
  id: 'airlines',
  name: 'US Airways',
  keywords: [
    'Virgin America',
    'American Airlines',
    'Southwest Airlines',
    'United Airlines',
    'Delta',
    'JetBlue',
    'Jet Blue',
    'Southwest',
    'Virgin',
    'United',
    'American',
    'USAir',
    'AA',
  ],
  handles: ['@united', '@USAirways', '@AmericanAir', '@SouthwestAir', '@JetBlue', '@Delta', '@VirginAmerica', '@SouthwestAirlines'],
  hashtags: ['#united', '#usairways', '#americanair', '#southwestair', '#jetblue', '#delta', '#virginamerica'],
};

/**
 * The Kaggle copy rewrote every "late" to "Late Flight" and every "cancel…" to "Cancelled
 * Flight…" ("cancelled" → "Cancelled Flightled"). Undoing it gives the words people wrote, so the model
 * does not learn a phrase that live posts rarely contain.
 */
export function normaliseArtefacts(text: string): string {
  return text.replace(/Cancelled Flight/g, 'cancel').replace(/Late Flight/g, 'late');
}

export function read(dir: string, file: string): Array<Record<string, string>> {
  const full = path.join(dir, file);
  if (!existsSync(full)) return [];
  return readCsvObjects(readFileSync(full, 'utf8'));
}

const SENTIMENTS = new Set(['negative', 'neutral', 'positive']);

export function loadAirline(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  return read(dir, 'airline-tweets-dev.csv')
    .filter((r) => SENTIMENTS.has(r['airline_sentiment'] ?? ''))
    .map((r) => ({
      key: `airline:${r['tweet_id']}`,
      source: 'airline' as const,
      text: normaliseArtefacts(r['text'] ?? ''),
      sentiment: r['airline_sentiment'] as Sentiment,
      reason: r['negativereason'] || undefined,
      confidence: Number(r['airline_sentiment_confidence']) || 1,
    }));
}

export function loadSentences(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  return read(dir, 'review-sentences-dev.csv').map((r) => ({
    key: `sentences:${r['source']}:${r['line_index']}`,
    source: 'sentences' as const,
    text: r['sentence'] ?? '',
    sentiment: r['label'] === '1' ? 'positive' : 'negative',
  }));
}

/** Stars ≤ 2 negative, ≥ 4 positive, 3 left unlabelled (mixed); empty reviews dropped. */
export function loadAlexa(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  return read(dir, 'alexa-reviews-dev.csv')
    .filter((r) => (r['verified_reviews'] ?? '').trim() !== '')
    .map((r) => {
      const rating = Number(r['rating']);
      const sentiment: Sentiment | null = rating <= 2 ? 'negative' : rating >= 4 ? 'positive' : null;
      return { key: `alexa:${r['row_index']}`, source: 'alexa' as const, text: r['verified_reviews'] ?? '', sentiment, rating };
    });
}

export function loadTwcs(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  const rows = read(dir, 'twcs-sample-dev.csv');
  // Who answered a tweet: the first brand reply whose in_response_to_tweet_id ("3.0", pandas floats) names it.
  const answeredBy = new Map<string, string>();
  for (const r of rows) {
    const to = String(Number(r['in_response_to_tweet_id'] || 'NaN'));
    if (r['inbound'] === 'False' && to !== 'NaN' && !answeredBy.has(to)) answeredBy.set(to, r['author_id'] ?? '');
  }
  return rows.map((r) => {
    const inbound = r['inbound'] === 'True';
    const by = answeredBy.get(String(Number(r['tweet_id'])));
    return {
      key: `twcs:${r['tweet_id']}`,
      source: 'twcs' as const,
      text: r['text'] ?? '',
      sentiment: null,
      inbound,
      opensThread: inbound && !r['in_response_to_tweet_id'],
      ...(inbound && by ? { answeredBy: by } : {}),
    };
  });
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A fixed ~4% of labelled rows that the committed model is never trained on, so the test suite
 * can check it against the peer methods on posts it has not seen. Chosen by a hash of the key,
 * not by content.
 */
export function inFixedSample(key: string): boolean {
  return fnv(`sample:${key}`) % 25 === 0;
}

/** The Echo reviews name the product, which is that brand's own name. */
export const ALEXA_BRAND: BrandConfig = {
  id: 'alexa',
  name: 'Amazon',
  keywords: ['Alexa', 'Echo Dot', 'Echo', 'Amazon'],
  handles: [],
  hashtags: [],
};
const NO_BRAND: BrandConfig = { id: 'none', name: '', keywords: [], handles: [], hashtags: [] };

export function brandFor(source: Source): BrandConfig {
  return source === 'airline' ? AIRLINE_BRAND : source === 'alexa' ? ALEXA_BRAND : NO_BRAND;
}
