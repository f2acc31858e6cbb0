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
  coalesce((SELECT array_agg(x.text ORDER BY x.created_at DESC) FROM (
     SELECT m.text, m.created_at FROM mentions m
     WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at >= t.before - ${MONTH_MS} AND m.created_at < t.before
     ORDER BY m.created_at DESC LIMIT ${RECENT_TEXTS}) x), '{}') AS texts,
  coalesce(a.complaints, 0) AS complaints, coalesce(a.replies, 0) AS replies
FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS t(platform, author, before, n)
CROSS JOIN LATERAL (
  SELECT count(*)::bigint AS prior,
         count(*) FILTER (WHERE m.created_at >= t.before - ${WEEK_MS})::bigint AS week,
         count(*) FILTER (WHERE m.created_at >= t.before - ${MONTH_MS})::bigint AS month
  FROM mentions m WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at < t.before
) c
-- A lateral lookup with LIMIT stays one index probe per author; as a plain join the planner
-- hashed the whole authors table for each batch while it was small enough to look cheap.
LEFT JOIN LATERAL (SELECT a.complaints, a.replies FROM authors a WHERE a.platform = t.platform AND a.native_id = t.author LIMIT 1) a ON true
ORDER BY t.n`;

export interface BatchHistory {
  triage: TriageContext['author'];
  draft: AuthorHistory;
}

export async function batchHistories(db: Db, refs: Array<AuthorRef & { before: number }>): Promise<BatchHistory[]> {
  if (refs.length === 0) return [];
  const { rows } = await db.query<{ prior: number; week: number; month: number; texts: string[]; complaints: number; replies: number }>(
    HISTORIES,
    [refs.map((r) => r.platform), refs.map((r) => r.authorId), refs.map((r) => r.before)],
  );
  return rows.map((r) => ({
    triage: {
      priorMentions: Number(r.prior),
      recentMentions: Number(r.week),
      // The complaint count can include the current mention's own flag after a re-triage.
      priorComplaints: Math.min(r.complaints, Number(r.prior)),
      repliesSent: r.replies,
    },
    draft: { priorMentions: Number(r.prior), recentMentions: Number(r.month), repliesSent: r.replies, recentTexts: r.texts },
  }));
}
