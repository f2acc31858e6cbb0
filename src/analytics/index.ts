import type { AppContext } from '../app/context.js';
import { getItems, type InboxItem } from '../store/inbox.js';
import { readStats } from '../store/stats.js';
import { sentimentRecovery, type RecoveryStats } from './recovery.js';
import { firstResponse, slaAttainment, type ResponseStats, type SlaStats } from './response.js';
import { volumeSeries, type VolumeSeries } from './volume.js';

/** Items per analytics request at most; a range with more is summarised from its newest ones. */
const MAX_ITEMS = 5000;

export interface AnalyticsQuery {
  from: number;
  to: number;
  brand?: string | undefined;
}

export interface Analytics {
  from: number;
  to: number;
  brand: string | null;
  volume: VolumeSeries;
  response: ResponseStats;
  sla: SlaStats[];
  recovery: RecoveryStats;
  /** True when the range held more than MAX_ITEMS inbox items and only the newest were used. */
  truncated: boolean;
}

/** Inbox items whose post falls in the range (the inbox index is scored by post time). */
async function itemsInRange(ctx: AppContext, q: AnalyticsQuery): Promise<{ items: InboxItem[]; truncated: boolean }> {
  const ids = await ctx.redis.zrevrangebyscore(ctx.keys.inbox, q.to, q.from, 'LIMIT', 0, MAX_ITEMS + 1);
  const items = await getItems(ctx.redis, ctx.keys, ids.slice(0, MAX_ITEMS));
  return { items: q.brand ? items.filter((i) => i.brandId === q.brand) : items, truncated: ids.length > MAX_ITEMS };
}

export async function computeAnalytics(ctx: AppContext, q: AnalyticsQuery, now = Date.now()): Promise<Analytics> {
  const [rows, { items, truncated }] = await Promise.all([readStats(ctx.redis, ctx.config.redis.prefix, q.from, q.to), itemsInRange(ctx, q)]);
  const filtered = q.brand ? rows.filter((r) => r.brand === q.brand) : rows;
  return {
    from: q.from,
    to: q.to,
    brand: q.brand ?? null,
    volume: volumeSeries(filtered, q.from, q.to),
    response: firstResponse(items),
    sla: slaAttainment(items, now),
    recovery: await sentimentRecovery(ctx, items),
    truncated,
  };
}
