import { describe, expect, it } from 'vitest';
import { DAY, expectedCount, HOUR, type Series } from '../../src/alerts/spikes/baseline.js';
import { rankTerms, topDistinct } from '../../src/alerts/spikes/logodds.js';
import { BUCKET_MS } from '../../src/alerts/spikes/record.js';
import { nth, present } from '../helpers/present.js';

const T0 = Date.parse('2026-03-02T00:00:00Z');

/** `perHour(h)` posts an hour at hour-of-day h, for `days` days, one count per bucket spread evenly. */
function series(days: number, perHour: (hourOfDay: number) => number): Series {
  const s: Series = new Map();
  for (let b = T0; b < T0 + days * DAY; b += BUCKET_MS) {
    const n = perHour(new Date(b).getUTCHours()) / 12;
    s.set(b, { n, negative: n / 4 });
  }
  return s;
}

describe('baseline', () => {
  it('learns the time of day: the busy hour expects more than the quiet one at the same level', () => {
    const s = series(7, (h) => (h >= 8 && h < 18 ? 40 : 4));
    const at = T0 + 7 * DAY;
    const morning = expectedCount(s, { from: at - DAY + 9 * HOUR, to: at - DAY + 10 * HOUR, history: T0 });
    const night = expectedCount(s, { from: at - DAY + 2 * HOUR, to: at - DAY + 3 * HOUR, history: T0 });
    expect(present(morning).days).toBeGreaterThan(3);
    expect(present(morning).expected).toBeGreaterThan(25);
    expect(present(night).expected).toBeLessThan(10);
  });

  it('has no baseline in the first day: the first morning rush after a quiet night is not a storm', () => {
    // Found on the airline replay: with a six-hour warm-up, every airline's first morning was flagged.
    const s = series(1, (h) => (h < 7 ? 1 : 30));
    expect(expectedCount(s, { from: T0 + 8 * HOUR, to: T0 + 9 * HOUR, history: T0 })).toBeNull();
    expect(
      expectedCount(
        series(2, () => 10),
        { from: T0 + 30 * HOUR, to: T0 + 31 * HOUR, history: T0 },
      ),
    ).not.toBeNull();
  });

  it("a storm yesterday at this hour does not raise today's expectation (median over the days)", () => {
    const s = series(7, () => 10);
    const quiet = present(expectedCount(s, { from: T0 + 6 * DAY + 12 * HOUR, to: T0 + 6 * DAY + 13 * HOUR, history: T0 })).expected;
    for (let b = T0 + 5 * DAY + 12 * HOUR; b < T0 + 5 * DAY + 13 * HOUR; b += BUCKET_MS) s.set(b, { n: 400, negative: 300 });
    const after = present(expectedCount(s, { from: T0 + 6 * DAY + 12 * HOUR, to: T0 + 6 * DAY + 13 * HOUR, history: T0 })).expected;
    expect(after).toBeLessThan(quiet * 1.3);
  });

  it('is frozen while a spike is open: three hours of storm do not become the new normal', () => {
    const s = series(3, () => 10);
    const start = T0 + 3 * DAY;
    for (let b = start; b < start + 3 * HOUR; b += BUCKET_MS) s.set(b, { n: 50, negative: 40 });
    const window = { from: start + 3 * HOUR - 30 * 60_000, to: start + 3 * HOUR, history: T0 };
    const moving = present(expectedCount(s, window)).expected;
    const frozen = present(expectedCount(s, { ...window, frozenAt: start })).expected;
    expect(frozen).toBeLessThan(6);
    expect(moving).toBeGreaterThan(frozen);
  });
});

describe('explanation terms (log-odds with an informative prior)', () => {
  it('ranks a word that was rare before above one that is always common, whatever the raw counts', () => {
    // "flight" is in 60 of the 100 window posts but in 60% of the baseline too; "outage" is new.
    const window = new Map([
      ['flight', 60],
      ['outage', 25],
      ['delay', 12],
    ]);
    const baseline = new Map([
      ['flight', 1200],
      ['delay', 200],
      ['outage', 2],
    ]);
    const ranked = rankTerms(window, 100, baseline, 2000);
    expect(nth(ranked, 0).term).toBe('outage');
    expect(present(ranked.find((t) => t.term === 'flight')).z).toBeLessThan(2);
    expect(nth(ranked, 0).lift).toBeGreaterThan(10);
  });

  it('shows a phrase once: its words are not listed again beside it', () => {
    const window = new Map([
      ['wifi outage', 30],
      ['wifi', 31],
      ['outage', 32],
      ['gate', 9],
    ]);
    const shown = topDistinct(rankTerms(window, 100, new Map(), 2000), 5, 2).map((t) => t.term);
    expect(shown).toContain('wifi outage');
    expect(shown.filter((t) => t === 'wifi' || t === 'outage').length).toBeLessThan(2);
  });
});
