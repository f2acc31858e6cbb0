import type { StoredMention } from '../../store/mentions.js';
import type { Explanation, Severity, SpikePost } from '../../store/spike-types.js';
import type { Verified } from './detector.js';
import { topDistinct, type TermStat } from './logodds.js';

function label(v: Pick<Verified, 'kind' | 'key'>): string {
  switch (v.kind) {
    case 'volume':
      return 'Volume';
    case 'negative':
      return 'Negative posts';
    case 'category':
      return `Category ${v.key.replace(/_/g, ' ')}`;
    case 'source':
      return `Source ${v.key}`;
    case 'term':
      return `"${v.key}"`;
  }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function ratioText(observed: number, expected: number): string {
  if (expected < 0.5) return `${Math.round(observed)} posts where almost none are usual`;
  return `${round(observed / expected)}× the usual (${Math.round(observed)} posts against ${round(expected)} expected)`;
}

function toPost(s: StoredMention): SpikePost {
  const m = s.mention;
  return {
    id: m.id,
    platform: m.platform,
    handle: m.author.handle,
    text: m.text,
    url: m.url,
    followers: m.author.followers,
    urgency: s.triage?.urgency ?? 0,
    createdAt: Date.parse(m.createdAt),
  };
}

/** Reach and urgency together: a 40-urgency post seen by a million people beats a 60 seen by ten. */
function weight(s: StoredMention): number {
  return (s.triage?.urgency ?? 0) + 12 * Math.log10(1 + (s.mention.author.followers ?? 0));
}

function counted<T extends string>(values: T[], top: number): Array<[T, number]> {
  const c = new Map<T, number>();
  for (const v of values) c.set(v, (c.get(v) ?? 0) + 1);
  return [...c.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
}

/** Case, links, handles and numbers aside: "#12" and "#13" of one copied complaint are one text. */
function gist(text: string): string {
  return text
    .toLowerCase()
    .replace(/https?:\/\/\S+|@[\w.@-]+|[#\d]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Three to five posts, one per author, from those that use the top terms and, among them,
 * different wordings: five copies of one text say less than five people's own words. Copies
 * (or, without terms, any post) fill in only when there are fewer than three.
 */
function representative(
  posts: StoredMention[],
  postTerms: ReadonlyMap<string, ReadonlySet<string>>,
  top: readonly string[],
): StoredMention[] {
  const uses = (s: StoredMention): number => top.filter((t) => postTerms.get(s.mention.id)?.has(t)).length;
  const ranked = [...posts].sort((a, b) => uses(b) - uses(a) || weight(b) - weight(a));
  const authors = new Set<string>();
  const texts = new Set<string>();
  const out: StoredMention[] = [];
  const take = (s: StoredMention, distinctText: boolean): void => {
    const who = `${s.mention.platform}:${s.mention.author.id}`;
    const text = gist(s.mention.text);
    if (authors.has(who) || (distinctText && texts.has(text))) return;
    authors.add(who);
    texts.add(text);
    out.push(s);
  };
  // Posts without any of the top terms are the ordinary traffic in the window, not the storm.
  const about = top.length ? ranked.filter((s) => uses(s) > 0) : ranked;
  for (const s of about) if (out.length < 5) take(s, true);
  for (const s of ranked) if (out.length < 3) take(s, false);
  return out;
}

/** Whether a post belongs to the series that rose (the detector's own test, on a stored post). */
function inSeries(v: Verified, s: StoredMention, terms: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  switch (v.kind) {
    case 'volume':
      return true;
    case 'negative':
      return s.triage?.sentiment === 'negative';
    case 'category':
      return (s.triage?.category ?? 'other') === v.key;
    case 'source':
      return s.mention.sourceId === v.key;
    case 'term':
      return terms.get(s.mention.id)?.has(v.key) ?? false;
  }
}

/**
 * The post that started it: the earliest in the lead series' own window that belongs to that
 * series, preferring one about the storm's topic. The explanation's window reaches back to the
 * longest unusual window (three hours), whose first posts are the ordinary traffic before.
 */
function firstOfBurst(
  byTime: StoredMention[],
  lead: Verified | undefined,
  topic: string | undefined,
  terms: ReadonlyMap<string, ReadonlySet<string>>,
): StoredMention | undefined {
  const inLead = lead ? byTime.filter((s) => Date.parse(s.mention.createdAt) >= lead.from && inSeries(lead, s, terms)) : byTime;
  return inLead.find((s) => !topic || terms.get(s.mention.id)?.has(topic)) ?? inLead[0] ?? byTime[0];
}

export interface ExplainInput {
  brandId: string;
  brandName: string;
  severity: Severity;
  verified: readonly Verified[];
  /** The spike window's posts, any order. */
  posts: readonly StoredMention[];
  postTerms: ReadonlyMap<string, ReadonlySet<string>>;
  termRank: readonly TermStat[];
  window: { from: number; to: number };
}

export function explain(x: ExplainInput): Explanation {
  const posts = x.posts.filter((s) => {
    const at = Date.parse(s.mention.createdAt);
    return at >= x.window.from && at < x.window.to;
  });
  // A term used by one person only is their wording, not the storm's topic.
  const authorsOf = (term: string): number =>
    new Set(posts.filter((s) => x.postTerms.get(s.mention.id)?.has(term)).map((s) => s.mention.author.id)).size;
  const terms = topDistinct(
    x.termRank.filter((t) => authorsOf(t.term) >= 2),
    8,
    2,
  );
  const byTime = [...posts].sort((a, b) => Date.parse(a.mention.createdAt) - Date.parse(b.mention.createdAt));
  const lead = x.verified[0];
  const leadTerm = lead?.kind === 'term' ? lead.key : terms[0]?.term;
  const first = firstOfBurst(byTime, lead, leadTerm, x.postTerms);
  const rose = strongestSeries(x.verified).map(riseRow);
  const negatives = posts.filter((s) => s.triage?.sentiment === 'negative').length;
  return {
    brandId: x.brandId,
    brandName: x.brandName,
    severity: x.severity,
    summary: summaryOf(lead, terms),
    window: x.window,
    rose,
    terms: terms.map(termRow),
    categories: counted(
      posts.map((s) => s.triage?.category ?? 'other'),
      4,
    ).map(([category, n]) => ({ category, posts: n })),
    platforms: counted(
      posts.map((s) => s.mention.platform),
      5,
    ).map(([platform, n]) => ({ platform, posts: n })),
    posts: representative(
      posts,
      x.postTerms,
      terms.slice(0, 3).map((t) => t.term),
    ).map(toPost),
    firstPost: first ? toPost(first) : null,
    totalPosts: posts.length,
    authors: new Set(posts.map((s) => `${s.mention.platform}:${s.mention.author.id}`)).size,
    negativeShare: posts.length ? round(negatives / posts.length, 2) : 0,
  };
}

/** Each series once (its strongest window), at most two terms (the terms have their own list), six rows in all. */
function strongestSeries(verified: readonly Verified[]): Verified[] {
  const seen = new Set<string>();
  let termRows = 0;
  return verified
    .filter((v) => {
      const k = `${v.kind}|${v.key}`;
      if (seen.has(k) || (v.kind === 'term' && termRows >= 2)) return false;
      seen.add(k);
      if (v.kind === 'term') termRows += 1;
      return true;
    })
    .slice(0, 6);
}

function riseRow(v: Verified): Explanation['rose'][number] {
  return {
    kind: v.kind,
    key: v.key,
    label: label(v),
    observed: round(v.observed),
    expected: round(v.expected),
    effective: round(v.effective),
    z: round(v.zEffective),
    authors: v.authors,
    windowMinutes: Math.round(v.windowMs / 60_000),
  };
}

function termRow(t: TermStat): Explanation['terms'][number] {
  return {
    term: t.term,
    posts: t.inWindow,
    usual: round((t.inBaseline / Math.max(1, t.baselinePosts)) * t.windowPosts),
    lift: round(t.lift),
    z: round(t.z),
  };
}

function summaryOf(lead: Verified | undefined, terms: readonly TermStat[]): string {
  if (!lead) return 'Back within the expected range';
  const about = terms.length
    ? `; about: ${terms
        .slice(0, 3)
        .map((t) => t.term)
        .join(', ')}`
    : '';
  return `${label(lead)} at ${ratioText(lead.observed, lead.expected)} in the last ${minutesText(lead.windowMs)}, from ${lead.authors} authors${about}`;
}

function minutesText(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m % 60 === 0 ? `${m / 60} h` : `${m} min`;
}
