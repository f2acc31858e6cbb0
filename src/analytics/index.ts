import type { AppContext } from '../app/context.js';
import { categoryCounts, periodTotals, readStats, recoveryCounts, responseTimes, slaCounts, type PeriodTotals } from '../store/stats.js';
import { RESPONSE_BUCKETS, type ResponseStats, type SlaStats } from './response.js';
import { volumeSeries, type VolumeSeries } from './volume.js';

export interface AnalyticsQuery {
  from: number;
  to: number;
  brand?: string | undefined;
}

export interface RecoveryStats {
  /** Replies we posted in the range. */
  replied: number;
  /** Of those, how many authors posted again afterwards (and that post is triaged). */
  followedUp: number;
  /** Next post's sentiment score higher (less negative) than the one we answered. */
  improved: number;
  rate: number | null;
}

export interface Analytics {
  from: number;
  to: number;
  brand: string | null;
  volume: VolumeSeries;
  categories: Array<{ category: string; count: number }>;
  response: ResponseStats;
  sla: SlaStats[];
  recovery: RecoveryStats;
  /** The same headline counts for the period of equal length just before this one. */
  previous: { from: number; to: number; current: PeriodTotals; previous: PeriodTotals };
  /** Kept for clients of the Redis version, which summarised at most 5,000 items; SQL reads them all. */
  truncated: false;
}

/** Everything is counted by PostgreSQL over the whole range: no sampling, no cap. */
export async function computeAnalytics(ctx: AppContext, q: AnalyticsQuery, now = Date.now()): Promise<Analytics> {
  const length = q.to - q.from;
  const before = { from: q.from - length, to: q.from - 1, brand: q.brand };
  const [rows, categories, response, sla, recovery, current, previous] = await Promise.all([
    readStats(ctx.db, q.from, q.to, q.brand),
    categoryCounts(ctx.db, q),
    responseTimes(ctx.db, q, RESPONSE_BUCKETS.slice(0, -1).map((b) => b.maxMs)),
    slaCounts(ctx.db, q, now),
    recoveryCounts(ctx.db, q),
    periodTotals(ctx.db, q),
    periodTotals(ctx.db, before),
  ]);
  return {
    from: q.from,
    to: q.to,
    brand: q.brand ?? null,
    volume: volumeSeries(rows, q.from, q.to),
    categories,
    response: {
      clock: 'post createdAt → reply postedAt',
      replied: response.replied,
      medianMs: response.medianMs,
      p90Ms: response.p90Ms,
      buckets: RESPONSE_BUCKETS.map((b, i) => ({ label: b.label, count: response.buckets[i] ?? 0 })),
    },
    sla: (['urgent', 'normal'] as const).map((priority) => {
      const s = sla.find((r) => r.priority === priority) ?? { met: 0, late: 0, overdue: 0, pending: 0 };
      const decided = s.met + s.late + s.overdue;
      return { priority, met: s.met, late: s.late, overdue: s.overdue, pending: s.pending, attainment: decided ? s.met / decided : null };
    }),
    recovery: { ...recovery, rate: recovery.followedUp ? recovery.improved / recovery.followedUp : null },
    previous: { from: before.from, to: before.to, current, previous },
    truncated: false,
  };
}
