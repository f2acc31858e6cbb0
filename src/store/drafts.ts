import type { Db } from '../postgres/pool.js';
import type { AuthorRef } from './authors.js';

/** What the composer knows about the person beyond this post: what draftHistories reads for each author. */
export interface AuthorHistory {
  priorMentions: number;
  recentMentions: number;
  repliesSent: number;
  /** Their earlier posts of the last 30 days, newest first (text only). */
  recentTexts: string[];
}

// A chase about the same thing can come weeks later (a refund, a claim); a month covers it.
const RECENT_MS = 30 * 86_400_000;
const RECENT_TEXTS = 5;

/**
 * What the composer needs about each author, in one round trip: how often they wrote before
 * this post, and the text of their last few posts of the last 30 days (for "I already sent the
 * reference" and for follow-ups that do not repeat the topic).
 */
const HISTORIES = `
SELECT
  (SELECT count(*) FROM mentions m WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at < t.before)::bigint AS prior,
  (SELECT count(*) FROM mentions m WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at >= t.before - ${RECENT_MS} AND m.created_at < t.before)::bigint AS recent,
  coalesce((SELECT array_agg(x.text ORDER BY x.created_at DESC) FROM (
     SELECT m.text, m.created_at FROM mentions m
     WHERE m.platform = t.platform AND m.author_id = t.author AND m.created_at >= t.before - ${RECENT_MS} AND m.created_at < t.before
     ORDER BY m.created_at DESC LIMIT ${RECENT_TEXTS}) x), '{}') AS texts,
  coalesce(a.replies, 0) AS replies
FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS t(platform, author, before, n)
LEFT JOIN authors a ON a.platform = t.platform AND a.native_id = t.author
ORDER BY t.n`;

export async function draftHistories(db: Db, refs: Array<AuthorRef & { before: number }>): Promise<AuthorHistory[]> {
  if (refs.length === 0) return [];
  const { rows } = await db.query<{ prior: number; recent: number; texts: string[]; replies: number }>(HISTORIES, [
    refs.map((r) => r.platform),
    refs.map((r) => r.authorId),
    refs.map((r) => r.before),
  ]);
  return rows.map((r) => ({ priorMentions: r.prior, recentMentions: r.recent, repliesSent: r.replies, recentTexts: r.texts }));
}

export type AlternativeSource = 'composer' | 'team' | 'model' | 'rewrite';

export interface Alternative {
  source: AlternativeSource;
  text: string;
  warnings: string[];
  /** Where it came from: the past post a team reply answered, the model's name, the snippets used. */
  detail: Record<string, unknown>;
  at: number;
}

/** Replaces one source's alternatives for each item (a re-draft replaces, never piles up). */
export async function saveAlternatives(
  db: Db,
  entries: Array<{ itemId: string; source: AlternativeSource; alternatives: Array<Omit<Alternative, 'source' | 'at'>> }>,
): Promise<void> {
  if (entries.length === 0) return;
  const at = Date.now();
  const rows = entries.flatMap((e) => e.alternatives.map((a, i) => ({ itemId: e.itemId, source: e.source, i, a })));
  await db.query(
    `DELETE FROM draft_alternatives d USING unnest($1::text[], $2::text[]) AS t(item_id, source)
     WHERE d.item_id = t.item_id AND d.source = t.source`,
    [entries.map((e) => e.itemId), entries.map((e) => e.source)],
  );
  if (rows.length === 0) return;
  // Two re-drafts at once both insert; the later one's text wins.
  await db.query(
    `INSERT INTO draft_alternatives (item_id, source, position, text, warnings, detail, at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::jsonb[], $6::jsonb[], $7::bigint[])
     ON CONFLICT (item_id, source, position) DO UPDATE SET text = excluded.text, warnings = excluded.warnings, detail = excluded.detail, at = excluded.at`,
    [
      rows.map((r) => r.itemId),
      rows.map((r) => r.source),
      rows.map((r) => r.i),
      rows.map((r) => r.a.text),
      rows.map((r) => JSON.stringify(r.a.warnings)),
      rows.map((r) => JSON.stringify(r.a.detail)),
      rows.map(() => at),
    ],
  );
}

const SOURCE_ORDER = "CASE source WHEN 'composer' THEN 0 WHEN 'team' THEN 1 ELSE 2 END";

export async function listAlternatives(db: Db, itemId: string): Promise<Alternative[]> {
  const { rows } = await db.query<{
    source: AlternativeSource;
    text: string;
    warnings: string[];
    detail: Record<string, unknown>;
    at: number;
  }>(`SELECT source, text, warnings, detail, at FROM draft_alternatives WHERE item_id = $1 ORDER BY ${SOURCE_ORDER}, position`, [itemId]);
  return rows;
}

export interface PastReply {
  itemId: string;
  post: string;
  reply: string;
  postedAt: number;
  authorName: string;
  authorHandle: string;
}

/**
 * Replies this brand sent to posts sharing words with this one (PostgreSQL text search over the
 * posts, 'simple' config like the search index, so any language); ranked again in process by BM25.
 */
export async function pastReplies(db: Db, brandId: string, words: string[], excludeItemId: string, limit = 40): Promise<PastReply[]> {
  const terms = [...new Set(words.map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter((w) => w.length > 1))].slice(0, 24);
  if (terms.length === 0) return [];
  const { rows } = await db.query<{
    item_id: string;
    post: string;
    reply: string;
    posted_at: number;
    name: string | null;
    handle: string | null;
  }>(
    `WITH q AS (SELECT to_tsquery('simple', $2) AS q)
     SELECT m.id AS item_id, m.text AS post, r.text AS reply, r.posted_at, a.name, a.handle
     FROM q, mentions m
     JOIN replies r ON r.item_id = m.id
     LEFT JOIN authors a ON a.platform = m.platform AND a.native_id = m.author_id
     WHERE m.brand_id = $1 AND m.id <> $3 AND to_tsvector('simple', m.text) @@ q.q
     ORDER BY ts_rank(to_tsvector('simple', m.text), q.q) DESC, r.posted_at DESC
     LIMIT $4`,
    [brandId, terms.join(' | '), excludeItemId, limit],
  );
  return rows.map((r) => ({
    itemId: r.item_id,
    post: r.post,
    reply: r.reply,
    postedAt: r.posted_at,
    authorName: r.name ?? '',
    authorHandle: r.handle ?? '',
  }));
}
