import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { DENSE_FEATURES, EMBED_DIMS, EMBED_START } from '../src/triage/features.js';
import { fitHeads, prepare, type TrainingRow } from '../src/triage/train/fit.js';
import { MAIN_OUTPUTS } from '../src/triage/model.js';
import { MODEL_CATEGORIES } from '../src/triage/category.js';

const shop: BrandConfig = { id: 'shop', name: 'Lumen', keywords: [], handles: ['@lumen'], hashtags: [] };
// Some name the brand, some do not, so the feature has something to learn from.
const COMPLAINT = 3;

// Hand-written posts: polarity words on both sides, so a head allowed to use polarity would.
const posts: Array<[string, boolean]> = [
  ['Lumen, my order never arrived and nobody answers, awful', true],
  ['still waiting for my refund after three weeks, terrible', true],
  ['you charged me twice and the app is broken, horrible', true],
  ['where is my parcel, it was due on monday, so sad', true],
  ['what a lovely sunny day at the beach', false],
  ['Lumen shares rose today', false],
  ['this song is awful but I love it anyway', false],
  ['great game last night, terrible refereeing though', false],
  ['happy birthday to my best friend', false],
];

function rows(): TrainingRow[] {
  return posts.map(([text, complaint], i) => ({
    key: `p${i}`,
    text,
    brand: shop,
    sentiment: null,
    complaint,
    weight: 1,
    source: 'complaints',
    language: 'en',
  }));
}

describe('model heads', () => {
  it('keeps general negativity (wink and lexicon polarity) and naming the brand out of the complaint head', () => {
    const heads = fitHeads(prepare(rows()));
    const polarity = [
      'wink positive',
      'wink negative',
      'lexicon positive',
      'lexicon negative',
      'lexicon balance',
      'lexicon mixed',
      'names the brand',
    ] as const;
    for (const name of polarity) expect(heads.main[DENSE_FEATURES.indexOf(name) * MAIN_OUTPUTS + COMPLAINT], name).toBe(0);
    // The complaint cues still count.
    expect(heads.main[DENSE_FEATURES.indexOf('time wasted / waiting') * MAIN_OUTPUTS + COMPLAINT]).not.toBe(0);
  });

  it('keeps the word vectors out of the complaint and irony heads but not out of the sentiment and category heads', () => {
    const labelled = rows().map((r, i) => ({
      ...r,
      sentiment: i % 2 ? ('negative' as const) : ('positive' as const),
      irony: i % 3 === 0,
      category: i % 4,
    }));
    const heads = fitHeads(prepare(labelled));
    const sentiment: number[] = [];
    const complaintOrIrony: number[] = [];
    const category: number[] = [];
    for (let d = 0; d < EMBED_DIMS; d += 1) {
      for (let c = 0; c < MAIN_OUTPUTS; c += 1)
        (c < 3 ? sentiment : complaintOrIrony).push(heads.main[(EMBED_START + d) * MAIN_OUTPUTS + c] as number);
      for (let c = 0; c < MODEL_CATEGORIES.length; c += 1)
        category.push(heads.category[(EMBED_START + d) * MODEL_CATEGORIES.length + c] as number);
    }
    expect(complaintOrIrony.every((w) => w === 0)).toBe(true);
    expect(sentiment.some((w) => w !== 0)).toBe(true);
    expect(category.some((w) => w !== 0)).toBe(true);
  });
});
