import type { PoolClient } from 'pg';
import type { Db } from '../postgres/pool.js';
import type { TriageContext } from '../triage-types.js';
import { restUrl } from './rest-codec.js';

const WEEK_MS = 7 * 86_400_000;

export interface AuthorRef {
  platform: string;
  authorId: string;
}

/**
 * Triage context for many authors in one round trip, counted from the author index. Counts
 * exclude the mention being triaged (`before` its timestamp), so a first post is never its own
 * "repeat contact".
 */
const CONTEXTS = `
SELECT
  (SELECT count(*) FROM mentions m WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at < t.before)::bigint AS prior,
  (SELECT count(*) FROM mentions m WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at >= t.before - ${WEEK_MS} AND m.created_at < t.before)::bigint AS recent,
  coalesce(a.complaints, 0) AS complaints, coalesce(a.replies, 0) AS replies
FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS t(platform, author, before, n)
LEFT JOIN authors a ON a.platform = t.platform AND a.native_id = t.author
ORDER BY t.n`;

export async function authorContexts(db: Db, refs: Array<AuthorRef & { before: number }>): Promise<Array<TriageContext['author']>> {
  if (refs.length === 0) return [];
  const { rows } = await db.query<{ prior: number; recent: number; complaints: number; replies: number }>(CONTEXTS, [
    refs.map((r) => r.platform),
    refs.map((r) => r.authorId),
    refs.map((r) => r.before),
  ]);
  return rows.map((r) => ({
    priorMentions: r.prior,
    recentMentions: r.recent,
    // The complaint count can include the current mention's own flag after a re-triage.
    priorComplaints: Math.min(r.complaints, r.prior),
    repliesSent: r.replies,
  }));
}

/** Counts complaints per author once, when a mention is first routed, for later repeat-contact checks. */
export async function recordComplaints(db: Db, refs: AuthorRef[]): Promise<void> {
  if (refs.length === 0) return;
  await db.query(
    `UPDATE authors a SET complaints = a.complaints + t.n
     FROM (SELECT platform, author, count(*)::int AS n FROM unnest($1::text[], $2::text[]) AS u(platform, author) GROUP BY 1, 2 ORDER BY 1, 2) t
     WHERE a.platform = t.platform AND a.native_id = t.author`,
    [refs.map((r) => r.platform), refs.map((r) => r.authorId)],
  );
}

/**
 * Keeps the reply we sent (its text is the draft that was approved) in the person's history.
 * Pass the transaction that marks the item posted, so the two are one change.
 */
export async function recordReplySent(db: Db | PoolClient, ref: AuthorRef, itemId: string, at: number): Promise<void> {
  await db.query(
    `WITH sent AS (
       INSERT INTO replies (item_id, platform, author_id, reply_id, url, text, posted_at)
       SELECT id, $2, $3, reply_id, reply_url, draft, $4 FROM inbox_items WHERE id = $1
       ON CONFLICT (item_id) DO NOTHING RETURNING 1
     )
     UPDATE authors SET replies = replies + 1 WHERE platform = $2 AND native_id = $3 AND EXISTS (SELECT 1 FROM sent)`,
    [itemId, ref.platform, ref.authorId, at],
  );
}

export interface AuthorProfile {
  handle: string;
  name: string;
  platform: string;
  url: string | null;
  followers: number | null;
  mentions: number;
  complaints: number;
  replies: number;
  firstSeen: number;
  lastSeen: number;
}

export interface HistoryEntry {
  kind: 'mention' | 'reply';
  at: number;
  id: string;
  /** Which source the post came from: one person's history spans every source of a platform. */
  sourceId?: string;
  text?: string;
  url?: string | null;
}

const PROFILE = `
SELECT a.handle, a.name, a.platform, a.url, a.followers, a.complaints, a.replies, s.first_seen, s.last_seen, s.mentions
FROM authors a, LATERAL (
  SELECT min(m.created_at) AS first_seen, max(m.created_at) AS last_seen, count(*)::bigint AS mentions
  FROM mentions m WHERE m.platform = a.platform AND m.author_id = a.native_id) s
WHERE a.platform = $1 AND a.native_id = $2`;

interface HistoryRow {
  kind: 'mention' | 'reply';
  id: string;
  at: number;
  source_id: string | null;
  text: string | null;
  url: string | null;
  rest: string | null;
  native_id: string | null;
  author_id: string | null;
}

/** Newest first across both indexes; each side reads at most `limit` rows. */
const HISTORY = `
(SELECT 'mention' AS kind, m.id, m.created_at AS at, m.source_id, left(m.text, $4) AS text, NULL AS url, m.rest, m.native_id, m.author_id
   FROM mentions m WHERE m.platform = $1 AND m.author_id = $2 ORDER BY m.created_at DESC LIMIT $3)
UNION ALL
(SELECT 'reply', r.item_id, r.posted_at, NULL, left(r.text, $4), r.url, NULL, NULL, NULL
   FROM replies r WHERE r.platform = $1 AND r.author_id = $2 ORDER BY r.posted_at DESC LIMIT $3)
ORDER BY at DESC LIMIT $3`;

/** The person's profile and every post we stored from them (any source) and reply we sent them, newest first. */
export async function authorHistory(
  db: Db,
  ref: AuthorRef,
  limit = 50,
  textMax = 500,
): Promise<{ profile: AuthorProfile | null; history: HistoryEntry[] }> {
  const [profile, history] = await Promise.all([
    db.query<Record<string, unknown>>(PROFILE, [ref.platform, ref.authorId]),
    db.query<HistoryRow>(HISTORY, [ref.platform, ref.authorId, limit, textMax]),
  ]);
  const p = profile.rows[0];
  return {
    profile: p
      ? {
          handle: String(p['handle']),
          name: String(p['name']),
          platform: String(p['platform']),
          url: (p['url'] as string | null) || null,
          followers: p['followers'] === null ? null : Number(p['followers']),
          mentions: Number(p['mentions']),
          complaints: Number(p['complaints']),
          replies: Number(p['replies']),
          firstSeen: Number(p['first_seen']),
          lastSeen: Number(p['last_seen']),
        }
      : null,
    history: history.rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      at: r.at,
      ...(r.source_id ? { sourceId: r.source_id } : {}),
      ...(r.text !== null ? { text: r.text } : {}),
      // A post's link is kept with repeats of its ids left out (rest-codec.ts); a reply's as sent.
      url:
        r.rest !== null && r.native_id !== null && r.author_id !== null
          ? restUrl({ rest: r.rest, native_id: r.native_id, author_id: r.author_id })
          : r.url,
    })),
  };
}
