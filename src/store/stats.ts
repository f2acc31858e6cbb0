import type { Db } from '../postgres/pool.js';
import { PRIORITY_OF } from './item-row.js';
import { ROUTED } from './mentions.js';

/** Mentions per brand, source, sentiment and hour, counted by SQL from the mentions themselves. */
export interface StatsRow {
  brand: string;
  source: string;
  sentiment: string;
  /** Start of the hour (ms, UTC). */
  hour: number;
  count: number;
}

const HOUR = 3_600_000;

/**
 * Every hourly row between from and to (inclusive of the hours they fall in). Only routed
 * mentions count, as before: a mention counts once, when triage and routing are done with it.
 */
export async function readStats(db: Db, from: number, to: number, brand?: string): Promise<StatsRow[]> {
  const { rows } = await db.query<StatsRow>(
    `SELECT brand_id AS brand, source_id AS source, coalesce(sentiment::text, '') AS sentiment, (created_at / ${HOUR}) * ${HOUR} AS hour, count(*)::bigint AS count
     FROM mentions m
     WHERE created_at >= $1 AND created_at <= $2 AND ${ROUTED('m')} AND ($3::text IS NULL OR brand_id = $3)
     GROUP BY 1, 2, 3, 4 ORDER BY 4`,
    [Math.floor(from / HOUR) * HOUR, to, brand ?? null],
  );
  return rows;
}

export interface RangeQuery {
  from: number;
  to: number;
  brand?: string | undefined;
}

export interface PeriodTotals {
  total: number;
  negative: number;
  positive: number;
  neutral: number;
  items: number;
  replied: number;
}

/** Headline counts for one period, for comparing a range with the one before it. */
export async function periodTotals(db: Db, q: RangeQuery): Promise<PeriodTotals> {
  const args = [q.from, q.to, q.brand ?? null];
  const [m, i] = await Promise.all([
    db.query<{ total: number; negative: number; positive: number; neutral: number }>(
      `SELECT count(*)::bigint AS total, count(*) FILTER (WHERE sentiment = 'negative')::bigint AS negative,
              count(*) FILTER (WHERE sentiment = 'positive')::bigint AS positive, count(*) FILTER (WHERE sentiment = 'neutral')::bigint AS neutral
       FROM mentions m WHERE created_at >= $1 AND created_at <= $2 AND ${ROUTED('m')} AND ($3::text IS NULL OR brand_id = $3)`,
      args,
    ),
    db.query<{ items: number; replied: number }>(
      `SELECT count(*)::bigint AS items, count(posted_at)::bigint AS replied FROM inbox_items
       WHERE created_at >= $1 AND created_at <= $2 AND ($3::text IS NULL OR brand_id = $3)`,
      args,
    ),
  ]);
  return { ...(m.rows[0] ?? { total: 0, negative: 0, positive: 0, neutral: 0 }), ...(i.rows[0] ?? { items: 0, replied: 0 }) };
}

/** First-response times (post → our reply) of items in the range: percentiles and bucket counts. */
export async function responseTimes(
  db: Db,
  q: RangeQuery,
  bucketBounds: number[],
): Promise<{ replied: number; medianMs: number | null; p90Ms: number | null; buckets: number[] }> {
  const filters = bucketBounds.map(
    (max, i) => `count(*) FILTER (WHERE ms >= ${i === 0 ? 0 : bucketBounds[i - 1]} AND ms < ${max})::bigint AS b${i}`,
  );
  const last = bucketBounds[bucketBounds.length - 1] ?? 0;
  const { rows } = await db.query<Record<string, number | null>>(
    `WITH r AS (SELECT greatest(0, posted_at - created_at) AS ms FROM inbox_items
                WHERE posted_at IS NOT NULL AND created_at >= $1 AND created_at <= $2 AND ($3::text IS NULL OR brand_id = $3))
     SELECT count(*)::bigint AS replied, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS median, percentile_disc(0.9) WITHIN GROUP (ORDER BY ms) AS p90,
            ${[...filters, `count(*) FILTER (WHERE ms >= ${last})::bigint AS b${bucketBounds.length}`].join(', ')}
     FROM r`,
    [q.from, q.to, q.brand ?? null],
  );
  const row = rows[0] ?? {};
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    replied: Number(row['replied'] ?? 0),
    medianMs: num(row['median']),
    p90Ms: num(row['p90']),
    buckets: Array.from({ length: bucketBounds.length + 1 }, (_, i) => Number(row[`b${i}`] ?? 0)),
  };
}

/** Per priority: answered before the SLA, late, overdue, not due yet. Rejected items never needed an answer. */
export async function slaCounts(
  db: Db,
  q: RangeQuery,
  now: number,
): Promise<Array<{ priority: string; met: number; late: number; overdue: number; pending: number }>> {
  const { rows } = await db.query<{ priority: string; met: number; late: number; overdue: number; pending: number }>(
    `SELECT ${PRIORITY_OF('rank')} AS priority,
       count(*) FILTER (WHERE posted_at IS NOT NULL AND posted_at <= sla_due_at)::bigint AS met,
       count(*) FILTER (WHERE posted_at IS NOT NULL AND posted_at > sla_due_at)::bigint AS late,
       count(*) FILTER (WHERE posted_at IS NULL AND sla_due_at < $4)::bigint AS overdue,
       count(*) FILTER (WHERE posted_at IS NULL AND sla_due_at >= $4)::bigint AS pending
     FROM inbox_items WHERE status NOT IN ('rejected', 'spam') AND created_at >= $1 AND created_at <= $2 AND ($3::text IS NULL OR brand_id = $3)
     GROUP BY rank`,
    [q.from, q.to, q.brand ?? null, now],
  );
  return rows;
}

/**
 * Sentiment recovery: for each reply we posted, the author's next post after it (from the
 * author index) and whether its triage score is higher than the one we answered.
 */
export async function recoveryCounts(db: Db, q: RangeQuery): Promise<{ replied: number; followedUp: number; improved: number }> {
  const { rows } = await db.query<{ replied: number; followed_up: number; improved: number }>(
    `SELECT count(*)::bigint AS replied,
            count(*) FILTER (WHERE m.score IS NOT NULL AND n.score IS NOT NULL)::bigint AS followed_up,
            count(*) FILTER (WHERE n.score > m.score)::bigint AS improved
     FROM inbox_items i
     LEFT JOIN mentions m ON m.id = i.id
     LEFT JOIN LATERAL (SELECT m2.score FROM mentions m2
                        WHERE m2.platform = m.platform AND m2.author_id = m.author_id AND m2.created_at > i.posted_at
                        ORDER BY m2.created_at LIMIT 1) n ON true
     WHERE i.posted_at IS NOT NULL AND i.created_at >= $1 AND i.created_at <= $2 AND ($3::text IS NULL OR i.brand_id = $3)`,
    [q.from, q.to, q.brand ?? null],
  );
  const r = rows[0];
  return { replied: r?.replied ?? 0, followedUp: r?.followed_up ?? 0, improved: r?.improved ?? 0 };
}
