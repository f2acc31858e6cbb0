import type { Db } from '../postgres/pool.js';
import type { TriageContext } from '../triage-types.js';
import type { AuthorRef } from './authors.js';
import type { AuthorHistory } from './drafts.js';

const WEEK_MS = 7 * 86_400_000;
const MONTH_MS = 30 * 86_400_000;
const RECENT_TEXTS = 5;

/**
 * What the triage job needs about each author, for scoring (authors.ts authorContexts) and for
 * the draft (drafts.ts draftHistories), in one round trip and one pass over each author's
 * earlier posts: the counts come from a single range of the author index instead of four.
 * Counts exclude the post itself (`before` its time), so a first post is never its own repeat.
 */
const HISTORIES = `
SELECT c.prior, c.week, c.month,
  coalesce(r.texts, '{}') AS texts, coalesce(r.times, '{}') AS times,
  coalesce(a.complaints, 0) AS complaints, coalesce(a.replies, 0) AS replies
FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS t(platform, author, before, n)
CROSS JOIN LATERAL (
  SELECT count(*)::bigint AS prior,
         count(*) FILTER (WHERE m.created_at >= t.before - ${WEEK_MS})::bigint AS week,
         count(*) FILTER (WHERE m.created_at >= t.before - ${MONTH_MS})::bigint AS month
  FROM mentions m WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at < t.before
) c
CROSS JOIN LATERAL (
  SELECT array_agg(x.text ORDER BY x.created_at DESC) AS texts, array_agg(x.created_at ORDER BY x.created_at DESC) AS times FROM (
     SELECT m.text, m.created_at FROM mentions m
     WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at >= t.before - ${MONTH_MS} AND m.created_at < t.before
     ORDER BY m.created_at DESC LIMIT ${RECENT_TEXTS}) x
) r
-- A lateral lookup with LIMIT stays one index probe per author; as a plain join the planner
-- hashed the whole authors table for each batch while it was small enough to look cheap.
LEFT JOIN LATERAL (SELECT a.complaints, a.replies FROM authors a WHERE a.platform = t.platform AND a.native_id = t.author LIMIT 1) a ON true
ORDER BY t.n`;

export interface BatchHistory {
  triage: TriageContext['author'];
  draft: AuthorHistory;
}

interface RawHistory {
  prior: number;
  week: number;
  month: number;
  texts: Array<{ text: string; at: number }>;
  complaints: number;
  replies: number;
}

/**
 * A batch not stored yet (triage runs before the insert, listen/poll.ts) is not in the author
 * index: each post's history also counts the batch's own earlier posts by the same author, so
 * it is what the query would find had the batch been stored first.
 */
function withBatch(raw: RawHistory[], refs: Array<AuthorRef & { before: number }>, texts: readonly string[]): RawHistory[] {
  const byAuthor = new Map<string, number[]>();
  refs.forEach((r, i) => {
    const key = `${r.platform}\u0000${r.authorId}`;
    byAuthor.set(key, [...(byAuthor.get(key) ?? []), i]);
  });
  return raw.map((h, i) => {
    const ref = refs[i];
    const same = ref ? (byAuthor.get(`${ref.platform}\u0000${ref.authorId}`) ?? []) : [];
    if (!ref || same.length < 2) return h;
    const earlier = same.filter((j) => (refs[j]?.before ?? Infinity) < ref.before);
    const at = (j: number) => refs[j]?.before ?? 0;
    const monthly = earlier.filter((j) => at(j) >= ref.before - MONTH_MS);
    const recent = [...h.texts, ...monthly.map((j) => ({ text: texts[j] ?? '', at: at(j) }))]
      .sort((a, b) => b.at - a.at)
      .slice(0, RECENT_TEXTS);
    return {
      ...h,
      prior: h.prior + earlier.length,
      week: h.week + earlier.filter((j) => at(j) >= ref.before - WEEK_MS).length,
      month: h.month + monthly.length,
      texts: recent,
    };
  });
}

/** `unstoredTexts`: the refs are the batch's own posts, not stored yet, with these texts (see withBatch). */
export async function batchHistories(
  db: Db,
  refs: Array<AuthorRef & { before: number }>,
  unstoredTexts?: readonly string[],
): Promise<BatchHistory[]> {
  if (refs.length === 0) return [];
  const { rows } = await db.query<{
    prior: number;
    week: number;
    month: number;
    texts: string[];
    times: number[];
    complaints: number;
    replies: number;
  }>(HISTORIES, [refs.map((r) => r.platform), refs.map((r) => r.authorId), refs.map((r) => r.before)]);
  const raw: RawHistory[] = rows.map((r) => ({
    prior: Number(r.prior),
    week: Number(r.week),
    month: Number(r.month),
    texts: r.texts.map((text, i) => ({ text, at: Number(r.times[i]) })),
    complaints: r.complaints,
    replies: r.replies,
  }));
  return (unstoredTexts ? withBatch(raw, refs, unstoredTexts) : raw).map((r) => ({
    triage: {
      priorMentions: r.prior,
      recentMentions: r.week,
      // The complaint count can include the current mention's own flag after a re-triage.
      priorComplaints: Math.min(r.complaints, r.prior),
      repliesSent: r.replies,
    },
    draft: { priorMentions: r.prior, recentMentions: r.month, repliesSent: r.replies, recentTexts: r.texts.map((t) => t.text) },
  }));
}
