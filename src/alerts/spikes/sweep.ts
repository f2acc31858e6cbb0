import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { deliverSpike } from '../spike-send.js';
import type { BrandConfig } from '../../config/schema.js';
import { brandCounts, firstBucket, pruneCounts, termCounts, topTerms, windowMentions } from '../../store/spike-counts.js';
import type { StoredMention } from '../../store/mentions.js';
import { closeSpike, insertSpike, latestSpike, updateSpike, type SpikeRecord } from '../../store/spikes.js';
import { DAY, HOUR, sumRange, type Series } from './baseline.js';
import { brandSettings, type BrandSettings } from '../../config/spikes.js';
import {
  candidates,
  severityOf,
  SEVERITIES,
  verify,
  WINDOWS,
  type BrandData,
  type TermWindow,
  type Verified,
  type WindowPost,
} from './detector.js';
import { explain } from './explain.js';
import type { Explanation } from '../../store/spike-types.js';
import { rankTerms } from './logodds.js';
import { bucketOf } from './record.js';
import { spikeTerms } from './terms.js';

/** Quiet this long after its last unusual window, a spike is over. */
export const CLOSE_AFTER = 30 * 60_000;
/** A baseline frozen for longer than this starts to move again: a lasting change becomes the normal. */
const MAX_FREEZE = 12 * HOUR;
const HISTORY_DAYS = 8;
const TERM_BASELINE = 2 * DAY;
/** Posts read to check authors and explain a spike; a larger window is judged on its newest posts. */
const SAMPLE = 3_000;

export interface SweepResult {
  brand: string;
  spike: SpikeRecord | null;
  action: 'none' | 'opened' | 'updated' | 'reopened' | 'closed';
}

function frozenAt(latest: SpikeRecord | null, now: number): number | null {
  if (!latest) return null;
  if (latest.status === 'open') return Math.max(latest.startedAt, now - MAX_FREEZE);
  // Just after a spike the hours it covered still sit in the last day: keep them out for a while.
  return latest.closedAt !== null && now - latest.closedAt < HOUR ? latest.startedAt : null;
}

async function loadData(
  ctx: AppContext,
  brandId: string,
  now: number,
  history: number,
  frozen: number | null,
  s: BrandSettings,
): Promise<BrandData> {
  const brand: Series = new Map();
  const sources = new Map<string, Series>();
  const categories = new Map<string, Series>();
  for (const r of await brandCounts(ctx.db, brandId, bucketOf(now - HISTORY_DAYS * DAY), now)) {
    const v = { n: r.n, negative: r.negative };
    if (r.dim === 'brand') brand.set(r.bucket, v);
    else {
      const group = r.dim === 'source' ? sources : categories;
      const series = group.get(r.key) ?? new Map();
      group.set(r.key, series.set(r.bucket, v));
    }
  }
  const terms: TermWindow[] = [];
  for (const windowMs of WINDOWS) {
    const from = bucketOf(now - windowMs);
    const end = bucketOf(Math.min(from, frozen ?? from));
    const counts = new Map((await topTerms(ctx.db, brandId, from, now, 40, s.minAuthors)).map((t) => [t.term, t.n]));
    const baseline = await termCounts(ctx.db, brandId, [...counts.keys()], end - TERM_BASELINE, end);
    terms.push({ windowMs, from, counts, baseline, baselinePosts: sumRange(brand, Math.max(history, end - TERM_BASELINE), end) });
  }
  return { now, history, frozenAt: frozen, brand, sources, categories, terms };
}

function windowPosts(posts: StoredMention[], terms: Map<string, Set<string>>): WindowPost[] {
  return posts.map((p) => ({
    author: `${p.mention.platform}:${p.mention.author.id}`,
    createdAt: Date.parse(p.mention.createdAt),
    sentiment: p.triage?.sentiment ?? 'neutral',
    category: p.triage?.category ?? 'other',
    sourceId: p.mention.sourceId,
    terms: terms.get(p.mention.id) ?? new Set(),
  }));
}

async function explainSpike(
  ctx: AppContext,
  brand: BrandConfig,
  data: BrandData,
  verified: Verified[],
  posts: StoredMention[],
  terms: Map<string, Set<string>>,
  window: { from: number; to: number },
  s: BrandSettings,
): Promise<Explanation> {
  const from = bucketOf(window.from);
  const end = bucketOf(Math.min(from, data.frozenAt ?? from));
  const inWindow = new Map((await topTerms(ctx.db, brand.id, from, window.to, 200, 2)).map((t) => [t.term, t.n]));
  const baseline = await termCounts(ctx.db, brand.id, [...inWindow.keys()], end - TERM_BASELINE, end);
  const rank = rankTerms(
    inWindow,
    sumRange(data.brand, from, window.to),
    baseline,
    sumRange(data.brand, Math.max(data.history, end - TERM_BASELINE), end),
  );
  return explain({
    brandId: brand.id,
    brandName: brand.name,
    severity: severityOf(verified, s),
    verified,
    posts,
    postTerms: terms,
    termRank: rank,
    window,
  });
}

/** One brand's minute: find what is unusual, then open, grow, reopen or close its spike. */
export async function sweepBrand(ctx: AppContext, brand: BrandConfig, now: number): Promise<SweepResult> {
  const s = brandSettings(ctx.config.spikes, brand.id);
  const history = await firstBucket(ctx.db, brand.id);
  if (history === null) return { brand: brand.id, spike: null, action: 'none' };
  const latest = await latestSpike(ctx.db, brand.id);
  const open = latest?.status === 'open' ? latest : null;
  const data = await loadData(ctx, brand.id, now, history, frozenAt(latest, now), s);
  const found = candidates(data, s);
  if (found.length === 0) return settle(ctx, brand.id, open, now);
  const from = Math.min(...found.map((c) => c.from), open ? Math.max(open.startedAt, now - 6 * HOUR) : now);
  const posts = await windowMentions(ctx.db, brand.id, from, now + 1, SAMPLE);
  const terms = new Map(posts.map((p) => [p.mention.id, new Set(spikeTerms(p.mention.text, p.triage?.language ?? 'en', brand))]));
  const verified = verify(found, windowPosts(posts, terms), s);
  if (verified.length === 0) return settle(ctx, brand.id, open, now);
  const explanation = await explainSpike(ctx, brand, data, verified, posts, terms, { from, to: now }, s);
  return track(ctx, brand.id, latest, verified, explanation, now);
}

async function settle(ctx: AppContext, brandId: string, open: SpikeRecord | null, now: number): Promise<SweepResult> {
  if (!open || now - open.lastActiveAt < CLOSE_AFTER) return { brand: brandId, spike: open, action: 'none' };
  return { brand: brandId, spike: await closeSpike(ctx.db, open.id, now), action: 'closed' };
}

/** Chat hears again when the severity changes or the storm has grown by half since it last heard. */
function worthTelling(prev: SpikeRecord, e: Explanation): boolean {
  return prev.severity !== e.severity || e.totalPosts >= prev.explanation.totalPosts * 1.5;
}

async function track(
  ctx: AppContext,
  brandId: string,
  latest: SpikeRecord | null,
  verified: Verified[],
  e: Explanation,
  now: number,
): Promise<SweepResult> {
  const peakZ = verified[0]?.zEffective ?? 0;
  if (latest?.status === 'open') {
    const severity = SEVERITIES.indexOf(e.severity) < SEVERITIES.indexOf(latest.severity) ? latest.severity : e.severity;
    const spike = await updateSpike(ctx.db, latest.id, {
      severity,
      peakZ,
      explanation: { ...e, severity },
      lastActiveAt: now,
      now,
      newRevision: worthTelling(latest, { ...e, severity }),
    });
    return { brand: brandId, spike, action: 'updated' };
  }
  if (latest?.closedAt != null && now - latest.closedAt < ctx.config.spikes.cooldown) {
    const spike = await updateSpike(ctx.db, latest.id, {
      severity: e.severity,
      peakZ,
      explanation: e,
      lastActiveAt: now,
      now,
      newRevision: true,
      status: 'open',
    });
    return { brand: brandId, spike, action: 'reopened' };
  }
  const id = `s_${randomBytes(9).toString('base64url')}`;
  const spike = await insertSpike(ctx.db, {
    id,
    brandId,
    severity: e.severity,
    startedAt: Math.max(e.window.from, e.firstPost?.createdAt ?? 0),
    peakZ,
    explanation: e,
  });
  return { brand: brandId, spike, action: 'opened' };
}

/** The scheduled job: every brand, then chat for every spike that changed. `now` is the injectable clock. */
export async function sweepSpikes(ctx: AppContext, now: number = Date.now()): Promise<SweepResult[]> {
  if (!ctx.config.spikes.enabled) return [];
  const results: SweepResult[] = [];
  for (const brand of ctx.config.brands) {
    const r = await sweepBrand(ctx, brand, now);
    if (r.spike) await deliverSpike(ctx, r.spike, now);
    results.push(r);
    // Once an hour is enough to keep the tables at the size the baseline reads.
    if (now % HOUR < 60_000)
      await pruneCounts(ctx.db, brand.id, bucketOf(now - (HISTORY_DAYS + 1) * DAY), bucketOf(now - TERM_BASELINE - 4 * HOUR));
  }
  return results;
}
