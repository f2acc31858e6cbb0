import { describe, expect, it } from 'vitest';
import { analyse } from '../src/triage/nlp.js';
import { polarityOf, wordPolarity } from '../src/triage/polarity.js';
import { MULTI_LEXICONS } from '../src/triage/polarity-multi.js';

const pol = (text: string) => polarityOf(analyse(text));

describe('triage: lexicon polarity features', () => {
  it('reads words outside any training set from the lexicon', () => {
    // Neither word is about brands; the lexicon still knows them.
    expect(pol('what a splendid afternoon').positive).toBeGreaterThan(1);
    expect(pol('that was a dreadful film').negative).toBeGreaterThan(1);
    expect(pol('the train leaves at nine').compound).toBe(0);
  });

  it('flips and shrinks a word in the scope of a negation', () => {
    const plain = pol('the food was good');
    const negated = pol('the food was not good');
    expect(plain.positive).toBeGreaterThan(0);
    expect(negated.positive).toBe(0);
    expect(negated.negative).toBeCloseTo(plain.positive * 0.74, 5);
  });

  it('raises a word after "very" and lowers it after "slightly"', () => {
    const base = pol('the staff were rude').negative;
    expect(pol('the staff were very rude').negative).toBeGreaterThan(base);
    expect(pol('the staff were slightly rude').negative).toBeLessThan(base);
  });

  it('counts what follows "but" more than what comes before it', () => {
    const r = pol('the seats were great but the service was awful');
    expect(r.negative).toBeGreaterThan(r.positive);
    expect(r.compound).toBeLessThan(0);
  });

  it('stresses a word in capitals unless the whole post shouts', () => {
    expect(pol('this is GREAT news').positive).toBeGreaterThan(pol('this is great news').positive);
    expect(pol('THIS IS GREAT NEWS').positive).toBeCloseTo(pol('this is great news').positive, 5);
  });

  it('knows common emoji', () => {
    expect(pol('finally home 😍').positive).toBeGreaterThan(0);
    expect(pol('finally home 😡').negative).toBeGreaterThan(0);
  });

  it('reads the English half of Hindi tweets written in Latin letters', () => {
    const r = wordPolarity(['yaar', 'movie', 'was', 'awesome'], () => false);
    expect(r.positive).toBeGreaterThan(0);
    expect(wordPolarity(['awesome'], () => true).negative).toBeGreaterThan(0);
  });

  it('reads words of the other languages that only the translated AFINN list has, under our own lists', () => {
    // None of these is in the short lists of polarity-multi.ts; all are in models/polarity-multi.tsv.
    expect(wordPolarity(['es', 'aborrecible'], () => false, 'es').negative).toBeGreaterThan(0);
    expect(wordPolarity(['accueil', 'chaleureux'], () => false, 'fr').positive).toBeGreaterThan(0);
    expect(wordPolarity(['einfach', 'abscheulich'], () => false, 'de').negative).toBeGreaterThan(0);
    expect(wordPolarity(['في', 'ابتسامة'], () => false, 'ar').positive).toBeGreaterThan(0);
    // Where both rate a word, ours counts: "horrible" is a strong word there (-2.5), -2 × 0.6 in the translation.
    expect(MULTI_LEXICONS.get('es')?.get('horrible')).toBe(-2.5);
    expect(MULTI_LEXICONS.get('es')?.get('aborrecible')).toBeCloseTo(-1.2, 5);
    // Negation words are read as negations, not as negative words ("no" and "não" are rated -1 in the translation).
    for (const [lang, word] of [
      ['es', 'no'],
      ['pt', 'não'],
      ['it', 'non'],
      ['de', 'nicht'],
    ] as const)
      expect(MULTI_LEXICONS.get(lang)?.has(word)).toBe(false);
  });
});
