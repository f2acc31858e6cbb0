import { describe, expect, it } from 'vitest';
import { factorAlternatives } from '../src/triage/regex-factor.js';
import { riskHits } from '../src/triage/risk.js';
import { GROUPS } from '../src/triage/risk-terms.js';

describe('factorAlternatives', () => {
  it('groups by first character and keeps the order within a group', () => {
    const alts = ['united airlines', 'us airways', 'united', 'delta', 'Dot com'];
    const grouped = factorAlternatives(alts, { ignoreCase: true, anyOrder: false });
    expect(grouped).toBe('u(?:nited airlines|s airways|nited)|d(?:elta|ot com)');
    const flat = new RegExp(alts.join('|'), 'gi');
    const re = new RegExp(grouped, 'gi');
    for (const text of ['United Airlines and united', 'DELTA, dot com, us airways', 'unit', 'Dot Com united airline'])
      expect(text.match(re), text).toEqual(text.match(flat));
  });

  it('leaves an ordered list alone when an alternative cannot be grouped', () => {
    const alts = ['refund', '(?:charged|billed) twice', 'reembolso'];
    expect(factorAlternatives(alts, { ignoreCase: true, anyOrder: false })).toBe(alts.join('|'));
    expect(factorAlternatives(alts, { ignoreCase: true, anyOrder: true })).toBe('r(?:efund|eembolso)|(?:charged|billed) twice');
    // A quantified first letter is not a prefix of every string the alternative matches.
    expect(factorAlternatives(['s?he', 'say'], { ignoreCase: false, anyOrder: true })).toBe('say|s?he');
  });
});

describe('risk pre-check, grouped', () => {
  it('still lets through every plain risk term of every group, in any case', () => {
    let checked = 0;
    for (const g of GROUPS) {
      const inner = g.re.source.slice(g.re.source.indexOf('(?:') + 3, g.re.source.lastIndexOf(')(?!'));
      // Split naively, so pieces of nested groups are dropped by asking the group's own pattern.
      for (const term of inner.split('|').filter((t) => /^[\p{L} ]+$/u.test(t) && g.re.test(t))) {
        for (const text of [`so ${term} now`, `${term.toUpperCase()}!`]) {
          expect(
            riskHits(text).map((h) => h.reason),
            text,
          ).toContain(g.reason);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
