import type { AppContext } from '../../src/context.js';
import { toMention, type Mention } from '../../src/mention.js';
import { createItems } from '../../src/store/inbox.js';
import { ingestMentions, markStage, saveTriage } from '../../src/store/mentions.js';
import type { TriageResult } from '../../src/triage-types.js';
import { present } from './present.js';

export interface AnalyticsPost {
  key: string;
  platform?: string;
  createdAt: number;
  category?: TriageResult['category'];
  sentiment?: TriageResult['sentiment'];
  complaint?: boolean;
  /** Put it in the inbox; with `repliedAfterMs`, answered that long after the post by `approvedBy`. */
  item?: { priority?: 'urgent' | 'normal'; slaMs?: number; repliedAfterMs?: number; approvedBy?: string };
}

/**
 * Stores posts as the pipeline leaves them (mention, triage, stage 'routed', inbox item) through
 * the store's own functions, then marks replies with one UPDATE: analytics tests need exact
 * times in two periods, not a pipeline run.
 */
export async function seedAnalytics(ctx: AppContext, posts: AnalyticsPost[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const mentions: Mention[] = [];
  const triage: Array<{ id: string; triage: TriageResult }> = [];
  for (const p of posts) {
    const platform = p.platform ?? 'mastodon';
    const built = toMention({
      platform,
      sourceId: `${platform}-main`,
      brandId: 'acme',
      nativeId: `an-${p.key}`,
      url: `https://social.example/@u${p.key}/${p.key}`,
      text: `post ${p.key} about ${p.category ?? 'other'}`,
      lang: 'en',
      createdAt: new Date(p.createdAt).toISOString(),
      author: { id: `au-${p.key}`, handle: `u${p.key}`, name: `User ${p.key}`, followers: 10, url: null },
      inReplyToId: null,
      engagement: { replies: 0, reposts: 0, likes: 0 },
      rating: null,
      replyRef: { statusId: p.key },
    });
    if (!built.ok) throw new Error(built.reason);
    const sentiment = p.sentiment ?? 'negative';
    mentions.push(built.mention);
    ids[p.key] = built.mention.id;
    triage.push({
      id: built.mention.id,
      triage: {
        sentiment,
        score: sentiment === 'negative' ? -0.6 : 0.4,
        sentimentConfidence: 0.8,
        complaint: p.complaint ?? sentiment === 'negative',
        complaintProbability: 0.8,
        category: p.category ?? 'other',
        question: false,
        language: 'en',
        urgency: 50,
        reasons: ['seeded'],
      },
    });
  }
  await ingestMentions(ctx.db, mentions);
  await saveTriage(ctx.db, triage);
  await markStage(
    ctx.db,
    mentions.map((m) => m.id),
    'routed',
  );
  const withItems = posts.filter((p) => p.item);
  await createItems(
    ctx,
    withItems.map((p) => {
      const t = present(triage.find((x) => x.id === ids[p.key])).triage;
      return {
        id: present(ids[p.key]),
        brandId: 'acme',
        sourceId: `${p.platform ?? 'mastodon'}-main`,
        platform: p.platform ?? 'mastodon',
        priority: present(p.item).priority ?? 'normal',
        urgency: t.urgency,
        category: t.category,
        sentiment: t.sentiment,
        language: 'en',
        createdAt: p.createdAt,
        slaDueAt: p.createdAt + (present(p.item).slaMs ?? 3_600_000),
        draft: 'Hi, sorry about that.',
        draftTemplate: 'default',
        draftWarnings: [],
      };
    }),
  );
  for (const p of withItems.filter((x) => x.item?.repliedAfterMs !== undefined)) {
    await ctx.db.query(
      `UPDATE inbox_items SET status = 'posted', posted_at = $2::bigint, approved_by = $3, approved_at = $2::bigint WHERE id = $1`,
      [ids[p.key], p.createdAt + present(present(p.item).repliedAfterMs), present(p.item).approvedBy ?? 'ana'],
    );
  }
  return ids;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Two weeks in March 2025: the 7 days asked for, and the 7 days before them. Current: 6 mentions,
 * 4 complaints, 3 replies (30 m, 2 h, 20 m: median 30 m), SLA 2 of 4; previous: 4 mentions,
 * 3 complaints, 3 late replies (median 3 h), SLA 0 of 3.
 */
export const PERIOD = { from: Date.UTC(2025, 2, 8), to: Date.UTC(2025, 2, 15) - 1 };
export const PREV = Date.UTC(2025, 2, 1);
export const TWO_PERIODS: AnalyticsPost[] = [
  { key: 'c1', createdAt: PERIOD.from + 1 * 86_400_000, category: 'billing_refund', item: { repliedAfterMs: 30 * MIN, approvedBy: 'ana' } },
  { key: 'c2', createdAt: PERIOD.from + 2 * 86_400_000, category: 'billing_refund', item: { repliedAfterMs: 2 * HOUR, approvedBy: 'ana' } },
  {
    key: 'c3',
    platform: 'bluesky',
    createdAt: PERIOD.from + 3 * 86_400_000,
    category: 'billing_refund',
    item: { repliedAfterMs: 20 * MIN, approvedBy: 'bob' },
  },
  { key: 'c4', platform: 'bluesky', createdAt: PERIOD.from + 4 * 86_400_000, category: 'delay_cancellation', item: {} },
  { key: 'c5', createdAt: PERIOD.from + 5 * 86_400_000, category: 'praise', sentiment: 'positive' },
  { key: 'c6', platform: 'bluesky', createdAt: PERIOD.from + 5 * 86_400_000, category: 'praise', sentiment: 'positive' },
  { key: 'p1', createdAt: PREV + 1 * 86_400_000, category: 'billing_refund', item: { repliedAfterMs: 2 * HOUR, approvedBy: 'ana' } },
  { key: 'p2', createdAt: PREV + 2 * 86_400_000, category: 'delay_cancellation', item: { repliedAfterMs: 3 * HOUR, approvedBy: 'bob' } },
  { key: 'p3', createdAt: PREV + 3 * 86_400_000, category: 'delay_cancellation', item: { repliedAfterMs: 4 * HOUR, approvedBy: 'ana' } },
  { key: 'p4', createdAt: PREV + 4 * 86_400_000, category: 'praise', sentiment: 'positive' },
];
