import { expectedCount, HOUR, negativeShareZ, sumRange, zScore, type Series } from './baseline.js';
import type { BrandSettings } from '../../config/spikes.js';
import type { Severity, SpikeKind } from '../../store/spike-types.js';
import { logOddsZ } from './logodds.js';

/** A fast storm shows in half an hour; a slow one (cancellations all afternoon) over three. */
export const WINDOWS = [30 * 60_000, 3 * HOUR] as const;
/** One author's posts count at most this many times: fifty posts by one account are one voice. */
export const PER_AUTHOR_CAP = 3;

export interface Candidate {
  kind: SpikeKind;
  /** Category, source id or term; '' for the brand as a whole. */
  key: string;
  windowMs: number;
  from: number;
  to: number;
  observed: number;
  expected: number;
  z: number;
  sd: number;
  /** Terms: the log-odds inputs, to score the count again once one author's repeats are capped. */
  term?: { windowPosts: number; inBaseline: number; baselinePosts: number };
}

export interface TermWindow {
  windowMs: number;
  /** Bucket-aligned start of the window the counts cover. */
  from: number;
  counts: ReadonlyMap<string, number>;
  baseline: ReadonlyMap<string, number>;
  baselinePosts: number;
}

export interface BrandData {
  now: number;
  history: number;
  frozenAt: number | null;
  brand: Series;
  sources: ReadonlyMap<string, Series>;
  categories: ReadonlyMap<string, Series>;
  terms: readonly TermWindow[];
}

/** Categories that are about praise or plain questions are not a crisis when they rise. */
const QUIET_CATEGORIES = new Set(['praise', 'question', 'other']);

/**
 * With few days of history the time-of-day profile is a guess (the morning rush looks like a
 * storm on day one), and a brand has a dozen category series tested every minute: both ask
 * for a wider margin, expressed by shrinking z rather than by a second threshold.
 */
function margin(kind: SpikeKind, days: number): number {
  return (1 + 0.5 / (1 + days)) * (kind === 'category' || kind === 'source' ? 1.25 : 1);
}

function volume(kind: SpikeKind, key: string, series: Series, d: BrandData, windowMs: number): Candidate | null {
  const from = d.now - windowMs;
  const e = expectedCount(series, { from, to: d.now, history: d.history, frozenAt: d.frozenAt });
  if (!e) return null;
  const observed = sumRange(series, from, d.now);
  const sd = e.sd * margin(kind, e.days);
  return { kind, key, windowMs, from, to: d.now, observed, expected: e.expected, sd, z: zScore(observed, { expected: e.expected, sd }) };
}

function negative(d: BrandData, windowMs: number): Candidate | null {
  const from = d.now - windowMs;
  const end = Math.min(from, d.frozenAt ?? from);
  if (end - d.history < 24 * HOUR) return null;
  const total = sumRange(d.brand, from, d.now);
  const observed = sumRange(d.brand, from, d.now, 'negative');
  const baseStart = Math.max(d.history, end - 7 * 24 * HOUR);
  const { z, expectedShare } = negativeShareZ(
    observed,
    total,
    sumRange(d.brand, baseStart, end, 'negative'),
    sumRange(d.brand, baseStart, end),
  );
  const expected = total * expectedShare;
  return { kind: 'negative', key: '', windowMs, from, to: d.now, observed, expected, z, sd: z === 0 ? 1 : (observed - expected) / z };
}

function terms(d: BrandData, w: TermWindow, minPosts: number): Candidate[] {
  const windowPosts = sumRange(d.brand, w.from, d.now);
  const out: Candidate[] = [];
  for (const [term, observed] of w.counts) {
    if (observed < minPosts) continue;
    const inBaseline = w.baseline.get(term) ?? 0;
    const { z } = logOddsZ(observed, windowPosts, inBaseline, w.baselinePosts);
    const expected = w.baselinePosts > 0 ? (windowPosts * inBaseline) / w.baselinePosts : 0;
    // "Rare before": a term that was already a tenth of all posts is a volume spike, not a new topic.
    if (expected * 4 > observed) continue;
    out.push({
      kind: 'term',
      key: term,
      windowMs: w.windowMs,
      from: w.from,
      to: d.now,
      observed,
      expected,
      z,
      sd: 1,
      term: { windowPosts, inBaseline, baselinePosts: w.baselinePosts },
    });
  }
  return out;
}

/**
 * First pass, on counts alone: every series whose window is far enough above its expected
 * range. Cheap enough to run for every brand every minute; the authors are checked after.
 */
export function candidates(d: BrandData, s: BrandSettings): Candidate[] {
  const found: Array<Candidate | null> = [];
  for (const windowMs of WINDOWS) {
    found.push(volume('volume', '', d.brand, d, windowMs), negative(d, windowMs));
    for (const [key, series] of d.categories) if (!QUIET_CATEGORIES.has(key)) found.push(volume('category', key, series, d, windowMs));
    if (d.sources.size > 1) for (const [key, series] of d.sources) found.push(volume('source', key, series, d, windowMs));
  }
  for (const w of d.terms) found.push(...terms(d, w, s.minAuthors));
  return found.filter((c): c is Candidate => c !== null && c.z >= s.threshold && c.observed >= s.minAuthors);
}

/** What the second pass needs to know about each post in the window. */
export interface WindowPost {
  author: string;
  createdAt: number;
  sentiment: string;
  category: string;
  sourceId: string;
  terms: ReadonlySet<string>;
}

export interface Verified extends Candidate {
  /** The count with each author's posts capped (see PER_AUTHOR_CAP), scaled to the whole window. */
  effective: number;
  zEffective: number;
  authors: number;
  /** The share of the window's matching posts written by its most active author. */
  topAuthorShare: number;
}

function matches(c: Candidate, p: WindowPost): boolean {
  if (p.createdAt < c.from || p.createdAt >= c.to) return false;
  switch (c.kind) {
    case 'volume':
      return true;
    case 'negative':
      return p.sentiment === 'negative';
    case 'category':
      return p.category === c.key;
    case 'source':
      return p.sourceId === c.key;
    case 'term':
      return p.terms.has(c.key);
  }
}

function rescore(c: Candidate, effective: number): number {
  if (c.term) return logOddsZ(effective, c.term.windowPosts, c.term.inBaseline, c.term.baselinePosts).z;
  return (effective - c.expected) / c.sd;
}

/**
 * Second pass, on the window's posts: distinct authors, and the count again with each author
 * capped, so one account (or a bot) posting fifty times cannot make a crisis on its own.
 */
export function verify(found: readonly Candidate[], posts: readonly WindowPost[], s: BrandSettings): Verified[] {
  const out: Verified[] = [];
  for (const c of found) {
    const perAuthor = new Map<string, number>();
    let matched = 0;
    for (const p of posts) {
      if (!matches(c, p)) continue;
      matched += 1;
      perAuthor.set(p.author, (perAuthor.get(p.author) ?? 0) + 1);
    }
    if (matched === 0) continue;
    let capped = 0;
    let top = 0;
    for (const n of perAuthor.values()) {
      capped += Math.min(n, PER_AUTHOR_CAP);
      top = Math.max(top, n);
    }
    // The posts loaded may be a sample of a very large window: scale the capped share up.
    const effective = c.observed * (capped / matched);
    const zEffective = rescore(c, effective);
    if (zEffective >= s.threshold && perAuthor.size >= s.minAuthors) {
      out.push({ ...c, effective, zEffective, authors: perAuthor.size, topAuthorShare: top / matched });
    }
  }
  return out.sort((a, b) => b.zEffective - a.zEffective);
}

export const SEVERITIES: readonly Severity[] = ['minor', 'major', 'critical'];

/** How far outside the range and how many people: both must be large for a critical spike. */
export function severityOf(v: readonly Verified[], s: BrandSettings): Severity {
  let best: Severity = 'minor';
  for (const c of v) {
    const r = c.zEffective / s.threshold;
    const a = c.authors / s.minAuthors;
    if (r >= 3 && a >= 4) return 'critical';
    if (r >= 1.8 && a >= 2) best = 'major';
  }
  return best;
}
