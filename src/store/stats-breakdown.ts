import type { Db } from '../postgres/pool.js';
import type { RangeQuery } from './stats.js';
import { ROUTED } from './mentions.js';

/**
 * What a manager asks for, each as one SQL statement over the whole range: what people
 * complain about, per platform and per responder, this period against the one before it.
 * Times: a mention or item belongs to the period its post was made in (created_at); a reply
 * to the period it was posted in. First response and SLA count from the post, like the inbox.
 */

export interface Periods {
  from: number;
  to: number;
  /** Start of the period of equal length just before `from` (it ends at from - 1). */
  previousFrom: number;
  brand?: string | undefined;
}

export function periods(q: RangeQuery): Periods {
  return { from: q.from, to: q.to, previousFrom: q.from - (q.to - q.from) - 1, brand: q.brand };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Complaint: triage said so, or the post is negative. */
const COMPLAINT = `(m.complaint OR m.sentiment = 'negative')`;
const CUR = 'm.created_at >= $1 AND m.created_at <= $2';
const PREV = 'm.created_at >= $3 AND m.created_at < $1';

export interface CategoryRow {
  category: string;
  mentions: number;
  complaints: number;
  previousMentions: number;
  previousComplaints: number;
}

/** Routed mentions per triage category, complaints first. */
export async function categoryBreakdown(db: Db, p: Periods): Promise<CategoryRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT coalesce(m.category::text, 'other') AS category,
            count(*) FILTER (WHERE ${CUR}) AS mentions, count(*) FILTER (WHERE ${CUR} AND ${COMPLAINT}) AS complaints,
            count(*) FILTER (WHERE ${PREV}) AS prev_mentions, count(*) FILTER (WHERE ${PREV} AND ${COMPLAINT}) AS prev_complaints
     FROM mentions m
     WHERE m.created_at >= $3 AND m.created_at <= $2 AND ${ROUTED('m')} AND ($4::text IS NULL OR m.brand_id = $4)
     GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1`,
    [p.from, p.to, p.previousFrom, p.brand ?? null],
  );
  return rows.map((r) => ({
    category: String(r['category']),
    mentions: Number(r['mentions']),
    complaints: Number(r['complaints']),
    previousMentions: Number(r['prev_mentions']),
    previousComplaints: Number(r['prev_complaints']),
  }));
}

export interface ResponseFigures {
  items: number;
  replied: number;
  medianFirstResponseMs: number | null;
  /** Answered items whose reply went out by the due time, and all items decided either way (answered, or open past due). */
  slaMet: number;
  slaDecided: number;
}

export interface PlatformRow {
  platform: string;
  mentions: number;
  negative: number;
  previousMentions: number;
  previousNegative: number;
  current: ResponseFigures;
  previous: ResponseFigures;
}

/** The SQL for ResponseFigures over inbox items `i` in a period, rejected items left out of the SLA. */
function responseColumns(period: string, prefix: string): string {
  return `count(*) FILTER (WHERE ${period}) AS ${prefix}items,
          count(i.posted_at) FILTER (WHERE ${period}) AS ${prefix}replied,
          percentile_disc(0.5) WITHIN GROUP (ORDER BY greatest(0, i.posted_at - i.created_at)) FILTER (WHERE ${period} AND i.posted_at IS NOT NULL) AS ${prefix}median,
          count(*) FILTER (WHERE ${period} AND i.status NOT IN ('rejected', 'spam') AND i.posted_at IS NOT NULL AND i.posted_at <= i.sla_due_at) AS ${prefix}met,
          count(*) FILTER (WHERE ${period} AND i.status NOT IN ('rejected', 'spam') AND (i.posted_at IS NOT NULL OR i.sla_due_at < $5)) AS ${prefix}decided`;
}

function figures(r: Record<string, unknown>, prefix: string): ResponseFigures {
  return {
    items: Number(r[`${prefix}items`] ?? 0),
    replied: Number(r[`${prefix}replied`] ?? 0),
    medianFirstResponseMs: num(r[`${prefix}median`]),
    slaMet: Number(r[`${prefix}met`] ?? 0),
    slaDecided: Number(r[`${prefix}decided`] ?? 0),
  };
}

const ITEM_CUR = 'i.created_at >= $1 AND i.created_at <= $2';
const ITEM_PREV = 'i.created_at >= $3 AND i.created_at < $1';

/** Both periods' headline response figures (all platforms). */
export async function responseComparison(
  db: Db,
  p: Periods,
  now: number,
): Promise<{ current: ResponseFigures; previous: ResponseFigures }> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${responseColumns(ITEM_CUR, 'c_')}, ${responseColumns(ITEM_PREV, 'p_')}
     FROM inbox_items i WHERE i.created_at >= $3 AND i.created_at <= $2 AND ($4::text IS NULL OR i.brand_id = $4)`,
    [p.from, p.to, p.previousFrom, p.brand ?? null, now],
  );
  const r = rows[0] ?? {};
  return { current: figures(r, 'c_'), previous: figures(r, 'p_') };
}

/** Mentions and negatives per platform, with each platform's response figures, both periods. */
export async function platformBreakdown(db: Db, p: Periods, now: number): Promise<PlatformRow[]> {
  const args = [p.from, p.to, p.previousFrom, p.brand ?? null];
  const [mentions, items] = await Promise.all([
    db.query<Record<string, unknown>>(
      `SELECT m.platform, count(*) FILTER (WHERE ${CUR}) AS mentions, count(*) FILTER (WHERE ${CUR} AND m.sentiment = 'negative') AS negative,
              count(*) FILTER (WHERE ${PREV}) AS prev_mentions, count(*) FILTER (WHERE ${PREV} AND m.sentiment = 'negative') AS prev_negative
       FROM mentions m
       WHERE m.created_at >= $3 AND m.created_at <= $2 AND ${ROUTED('m')} AND ($4::text IS NULL OR m.brand_id = $4)
       GROUP BY 1`,
      args,
    ),
    db.query<Record<string, unknown>>(
      `SELECT i.platform, ${responseColumns(ITEM_CUR, 'c_')}, ${responseColumns(ITEM_PREV, 'p_')}
       FROM inbox_items i WHERE i.created_at >= $3 AND i.created_at <= $2 AND ($4::text IS NULL OR i.brand_id = $4)
       GROUP BY 1`,
      [...args, now],
    ),
  ]);
  const byPlatform = new Map(items.rows.map((r) => [String(r['platform']), r]));
  const platforms = new Set([...mentions.rows.map((r) => String(r['platform'])), ...byPlatform.keys()]);
  const counts = new Map(mentions.rows.map((r) => [String(r['platform']), r]));
  return [...platforms]
    .map((platform) => {
      const m = counts.get(platform) ?? {};
      const i = byPlatform.get(platform) ?? {};
      return {
        platform,
        mentions: Number(m['mentions'] ?? 0),
        negative: Number(m['negative'] ?? 0),
        previousMentions: Number(m['prev_mentions'] ?? 0),
        previousNegative: Number(m['prev_negative'] ?? 0),
        current: figures(i, 'c_'),
        previous: figures(i, 'p_'),
      };
    })
    .sort((a, b) => b.mentions - a.mentions || a.platform.localeCompare(b.platform));
}

export interface ResponderRow {
  responder: string;
  /** Replies posted in the period whose approval sent them. */
  replies: number;
  previousReplies: number;
  medianFirstResponseMs: number | null;
  /** Of those replies, how many went out by the item's due time. */
  slaMet: number;
}

/** Per person whose approval sent a reply: replies posted in the period, their first-response median and SLA. */
export async function responderBreakdown(db: Db, p: Periods): Promise<ResponderRow[]> {
  const cur = 'i.posted_at >= $1 AND i.posted_at <= $2';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT i.approved_by AS responder, count(*) FILTER (WHERE ${cur}) AS replies, count(*) FILTER (WHERE i.posted_at >= $3 AND i.posted_at < $1) AS prev_replies,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY greatest(0, i.posted_at - i.created_at)) FILTER (WHERE ${cur}) AS median,
            count(*) FILTER (WHERE ${cur} AND i.posted_at <= i.sla_due_at) AS met
     FROM inbox_items i
     WHERE i.posted_at >= $3 AND i.posted_at <= $2 AND i.approved_by IS NOT NULL AND ($4::text IS NULL OR i.brand_id = $4)
     GROUP BY 1 ORDER BY 2 DESC, 1`,
    [p.from, p.to, p.previousFrom, p.brand ?? null],
  );
  return rows.map((r) => ({
    responder: String(r['responder']),
    replies: Number(r['replies']),
    previousReplies: Number(r['prev_replies']),
    medianFirstResponseMs: num(r['median']),
    slaMet: Number(r['met']),
  }));
}
