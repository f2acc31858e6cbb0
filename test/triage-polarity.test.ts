import { describe, expect, it } from 'vitest';
import { analyse } from '../src/triage/nlp.js';
import { polarityOf, wordPolarity } from '../src/triage/polarity.js';

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
});
