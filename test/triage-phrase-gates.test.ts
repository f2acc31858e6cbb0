import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../src/text/csv.js';
import { seedScores } from '../src/triage/category.js';
import { GROUPS, SEED_CATEGORIES } from '../src/triage/category-seeds.js';
import { maskDetailed } from '../src/triage/mask.js';
import { analyse, phraseIn } from '../src/triage/nlp.js';
import { registeredPhrases } from '../src/triage/phrases.js';
import '../src/triage/rules.js';
import { AIRLINE_BRAND, DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';

// Phrase cues and category seed phrases are only tried when a post has one of the words they can
// start with (phrases.ts, category.ts). The gate must never skip a phrase the plain regex matches.
const HAND = [
  'is anyone there? waited 3hrs, 2 days in a row, yet again',
  'anybody listening... 45 mins on hold, .5 hours, 24 hours, several days',
  'three weeks in a row my order is late, still to arrive',
  'day 3 and again nothing: 10hrs, 2h, 5days',
  'my flight was moved and the driver is still missing, where is my parcel',
  'card was declined, charged twice, money back please, car seat lost',
  'Mi pedido nunca llegó, en retard, in ritardo',
];

function texts(): string[] {
  const file = path.join(DEFAULT_DATA_DIR, 'airline-tweets-dev.csv');
  const dev = existsSync(file) ? readCsvObjects(readFileSync(file, 'utf8')).filter((_, i) => i % 7 === 0) : [];
  return [...HAND, ...dev.map((r) => r.text ?? '')];
}

/** The seed scores with every phrase tried on every post: what the gates must reproduce. */
function ungatedSeeds(tokens: readonly string[], joined: string): number[] {
  const scores = new Array<number>(SEED_CATEGORIES.length).fill(0);
  for (const g of GROUPS) {
    const words = g.words.split(/\s+/).filter(Boolean);
    const requires = (g.requires ?? '').split(/\s+/).filter(Boolean);
    if (requires.length && !tokens.some((t) => requires.includes(t))) continue;
    let hits = tokens.filter((t) => words.includes(t)).length;
    for (const p of g.phrases) if (p.test(joined)) hits += 1;
    const score = hits === 0 ? 0 : (g.weight * (1 + Math.min(2, hits - 1) * 0.25)) / 4.5;
    const c = SEED_CATEGORIES.indexOf(g.category);
    scores[c] = Math.max(scores[c] as number, score);
  }
  return scores;
}

describe('phrase gates', () => {
  const analyses = texts().map((t) => analyse(maskDetailed(t, AIRLINE_BRAND).text));

  it('every complaint and praise phrase is found where its regex matches', () => {
    const phrases = registeredPhrases();
    expect(phrases.length).toBeGreaterThan(30);
    let matched = 0;
    for (const a of analyses) {
      for (const p of phrases) {
        const plain = p.re.test(a.joined);
        if (plain) matched += 1;
        expect(phraseIn(p, a), `${p.re.source} on "${a.joined}"`).toBe(plain);
      }
    }
    expect(matched).toBeGreaterThan(100);
  });

  it('the digit, optional-word and plural gates cover the phrases that had none', () => {
    const a = analyse(HAND[0] as string);
    const hit = registeredPhrases().filter((p) => phraseIn(p, a));
    for (const source of [/\\d\+\(hrs/, /\(is \)\?\(anyone/, /in a row/, /\(yet \)\?again/])
      expect(hit.some((p) => source.test(p.re.source), String(source))).toBe(true);
    expect(registeredPhrases().filter((p) => p.starts === null)).toEqual([]);
  });

  it('category seed scores equal those with every seed phrase tried', () => {
    for (const a of analyses) {
      expect(seedScores(a.normals, a.joined, a.facts), a.joined).toEqual(ungatedSeeds(a.normals, a.joined));
      expect(seedScores(a.normals, a.joined), a.joined).toEqual(ungatedSeeds(a.normals, a.joined));
    }
  });
});
