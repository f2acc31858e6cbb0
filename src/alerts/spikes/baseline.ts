import { BUCKET_MS } from './record.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Bucket {
  n: number;
  negative: number;
}
/** Counts by bucket start for one brand, or one of its sources or categories. */
export type Series = Map<number, Bucket>;
export type Field = 'n' | 'negative';

/** Counts in [from, to); a bucket cut by an edge counts for the part inside, as if its posts were spread evenly. */
export function sumRange(series: Series, from: number, to: number, field: Field = 'n'): number {
  let total = 0;
  for (let b = Math.floor(from / BUCKET_MS) * BUCKET_MS; b < to; b += BUCKET_MS) {
    const v = series.get(b);
    if (!v || v[field] === 0) continue;
    const overlap = Math.min(b + BUCKET_MS, to) - Math.max(b, from);
    if (overlap > 0) total += (v[field] * overlap) / BUCKET_MS;
  }
  return total;
}

/**
 * A brand is learnt for a day before anything about it can be "unusual": on the airline replay
 * a shorter warm-up flagged every first morning rush (the night before was all it knew).
 */
export const WARM_UP_HOURS = 24;
/** Days of the same hour the seasonal profile looks back on (the same weekday once there are seven). */
const SEASON_DAYS = 7;
/** Pull of the seasonal factor towards 1 (no seasonality): worth this many days of evidence. */
const SHRINK_DAYS = 1;
/** Spread beyond Poisson: real counts cluster (a retweeted complaint, a lunch-hour rush). */
const OVERDISPERSION = 0.3;

/**
 * The typical hourly count over the 24 hours before `end`, with the busiest and quietest tenth
 * of hours left out, so an earlier storm does not raise the level. Null before the warm-up.
 */
export function recentLevel(series: Series, end: number, history: number, field: Field = 'n'): number | null {
  const hours: number[] = [];
  for (let h = end - DAY; h < end; h += HOUR) if (h >= history) hours.push(sumRange(series, h, h + HOUR, field));
  if (end - history < WARM_UP_HOURS * HOUR || hours.length === 0) return null;
  hours.sort((a, b) => a - b);
  const cut = Math.floor(hours.length / 10);
  const kept = hours.slice(cut, hours.length - cut);
  return kept.reduce((s, v) => s + v, 0) / kept.length;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface Expectation {
  expected: number;
  /** Expected hourly count right now, before seasonality. */
  level: number;
  /** How much busier this time of day is than the day's average (1: no evidence). */
  season: number;
  days: number;
  /** Standard deviation of the count under the baseline. */
  sd: number;
}

export interface WindowSpec {
  from: number;
  to: number;
  /** Earliest bucket with data. */
  history: number;
  /** While a spike is open, the baseline stops at its start, so the storm never becomes the new normal. */
  frozenAt?: number | null;
  field?: Field;
}

/**
 * Expected count in [from, to): the recent level (trimmed hourly mean of the last day) times a
 * time-of-day factor, the median over the last week of (that day's count in the same window ÷
 * that day's level), shrunk towards 1 while there are few days. Medians and trimming keep an
 * earlier spike out of the baseline.
 */
export function expectedCount(series: Series, w: WindowSpec): Expectation | null {
  const field = w.field ?? 'n';
  const end = Math.min(w.from, w.frozenAt ?? w.from);
  const level = recentLevel(series, end, w.history, field);
  if (level === null) return null;
  const factors: number[] = [];
  for (let d = 1; d <= SEASON_DAYS; d += 1) {
    const shift = d * DAY;
    if (w.from - shift < w.history) break;
    const dayLevel = recentLevel(series, end - shift, w.history, field);
    if (!dayLevel) continue;
    const seen = sumRange(series, w.from - shift, w.to - shift, field);
    factors.push(Math.min(5, Math.max(0.2, seen / ((dayLevel * (w.to - w.from)) / HOUR))));
  }
  const season = factors.length ? (factors.length * median(factors) + SHRINK_DAYS) / (factors.length + SHRINK_DAYS) : 1;
  const expected = (level * season * (w.to - w.from)) / HOUR;
  return { expected, level, season, days: factors.length, sd: Math.sqrt(expected + (OVERDISPERSION * expected) ** 2 + 1) };
}

/** How many standard deviations above the expectation: the volume part of severity. */
export function zScore(observed: number, e: Pick<Expectation, 'expected' | 'sd'>): number {
  return (observed - e.expected) / e.sd;
}

/**
 * Negative share against the share of the last week (before `end`), with a weak prior so a
 * brand with few posts is not judged on three of them. Posts in a storm are not independent
 * (quotes, pile-ons), so the binomial variance is widened with the window's size.
 */
export function negativeShareZ(negatives: number, total: number, baseNeg: number, baseTotal: number): { z: number; expectedShare: number } {
  const p = (baseNeg + 1) / (baseTotal + 3);
  if (total === 0) return { z: 0, expectedShare: p };
  const sd = Math.sqrt(total * p * (1 - p) * (1 + total / 50));
  return { z: (negatives - total * p) / sd, expectedShare: p };
}
