import type { AppContext } from '../context.js';
import { periodTotals, readStats, recoveryCounts, responseTimes, slaCounts, type PeriodTotals } from '../store/stats.js';
import {
  categoryBreakdown,
  periods,
  platformBreakdown,
  responderBreakdown,
  responseComparison,
  type CategoryRow,
  type PlatformRow,
  type ResponderRow,
  type ResponseFigures,
} from '../store/stats-breakdown.js';
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

/** One period's headline figures, for the side-by-side comparison. */
export interface PeriodFigures {
  from: number;
  to: number;
  mentions: number;
  negative: number;
  complaints: number;
  items: number;
  replied: number;
  medianFirstResponseMs: number | null;
  /** Answered by the due time, of the items decided (answered, or open past due); null when none is. */
  slaAttainment: number | null;
}

export interface Analytics {
  from: number;
  to: number;
  brand: string | null;
  volume: VolumeSeries;
  /** What people complain about; `count` (all mentions) is kept for older clients. */
  categories: Array<CategoryRow & { count: number }>;
  platforms: PlatformRow[];
  responders: ResponderRow[];
  /** This period against the one of equal length just before it. */
  comparison: { current: PeriodFigures; previous: PeriodFigures };
  response: ResponseStats;
  sla: SlaStats[];
  recovery: RecoveryStats;
  /** The same headline counts for the period of equal length just before this one. */
  previous: { from: number; to: number; current: PeriodTotals; previous: PeriodTotals };
  /** Kept for clients of the Redis version, which summarised at most 5,000 items; SQL reads them all. */
  truncated: false;
}

function figures(from: number, to: number, totals: PeriodTotals, complaints: number, r: ResponseFigures): PeriodFigures {
  return {
    from,
    to,
    mentions: totals.total,
    negative: totals.negative,
    complaints,
    items: r.items,
    replied: r.replied,
    medianFirstResponseMs: r.medianFirstResponseMs,
    slaAttainment: r.slaDecided ? r.slaMet / r.slaDecided : null,
  };
}

function responseBlock(response: Awaited<ReturnType<typeof responseTimes>>): Analytics['response'] {
  return {
    clock: 'post createdAt → reply postedAt',
    replied: response.replied,
    medianMs: response.medianMs,
    p90Ms: response.p90Ms,
    buckets: RESPONSE_BUCKETS.map((b, i) => ({ label: b.label, count: response.buckets[i] ?? 0 })),
  };
}

/** Attainment counts only what is decided (met, late or overdue): items still open within their SLA are pending. */
function slaRows(sla: Awaited<ReturnType<typeof slaCounts>>): Analytics['sla'] {
  return (['urgent', 'normal'] as const).map((priority) => {
    const s = sla.find((r) => r.priority === priority) ?? { met: 0, late: 0, overdue: 0, pending: 0 };
    const decided = s.met + s.late + s.overdue;
    return { priority, met: s.met, late: s.late, overdue: s.overdue, pending: s.pending, attainment: decided ? s.met / decided : null };
  });
}

// The last bucket has no upper limit: everything slower lands there.
const BUCKET_LIMITS = RESPONSE_BUCKETS.slice(0, -1).map((b) => b.maxMs);

/** Everything is counted by PostgreSQL over the whole range: no sampling, no cap. */
export async function computeAnalytics(ctx: AppContext, q: AnalyticsQuery, now = Date.now()): Promise<Analytics> {
  const p = periods(q);
  const before = { from: p.previousFrom, to: q.from - 1, brand: q.brand };
  const [rows, categories, response, sla, recovery, current, previous, platforms, responders, compared] = await Promise.all([
    readStats(ctx.db, q.from, q.to, q.brand),
    categoryBreakdown(ctx.db, p),
    responseTimes(ctx.db, q, BUCKET_LIMITS),
    slaCounts(ctx.db, q, now),
    recoveryCounts(ctx.db, q),
    periodTotals(ctx.db, q),
    periodTotals(ctx.db, before),
    platformBreakdown(ctx.db, p, now),
    responderBreakdown(ctx.db, p),
    responseComparison(ctx.db, p, now),
  ]);
  const complaints = (pick: (c: CategoryRow) => number) => categories.reduce((n, c) => n + pick(c), 0);
  return {
    from: q.from,
    to: q.to,
    brand: q.brand ?? null,
    volume: volumeSeries(rows, q.from, q.to),
    categories: categories.filter((c) => c.mentions > 0 || c.previousMentions > 0).map((c) => ({ ...c, count: c.mentions })),
    platforms,
    responders,
    comparison: {
      current: figures(
        q.from,
        q.to,
        current,
        complaints((c) => c.complaints),
        compared.current,
      ),
      previous: figures(
        before.from,
        before.to,
        previous,
        complaints((c) => c.previousComplaints),
        compared.previous,
      ),
    },
    response: responseBlock(response),
    sla: slaRows(sla),
    recovery: { ...recovery, rate: recovery.followedUp ? recovery.improved / recovery.followedUp : null },
    previous: { from: before.from, to: before.to, current, previous },
    truncated: false,
  };
}
