import type { Db } from '../src/postgres/pool.js';
import { likePattern } from '../src/store/text-match.js';

/**
 * A proposed form of the search query, measured beside the store's own so the change can be
 * judged on figures before it goes into src/store/search.ts:
 *
 * - each way of matching (words, substring, author) reads its own newest `limit` ids and only
 *   those are merged, so PostgreSQL may walk the time index and stop early for a common word,
 *   or use the text index and sort a few rows for a rare one, instead of collecting every match;
 * - the page's items and triage are joined for the rows shown, not for every match;
 * - the total is exact up to `cap` and reported as "cap or more" beyond it.
 */
const BRANCHES = (limit: string) => [
  `(SELECT id, created_at FROM mentions WHERE to_tsvector('simple', text) @@ plainto_tsquery('simple', $1) ORDER BY created_at DESC, id DESC LIMIT ${limit})`,
  `(SELECT id, created_at FROM mentions WHERE text ILIKE $2 ORDER BY created_at DESC, id DESC LIMIT ${limit})`,
  `(SELECT m.id, m.created_at FROM authors a JOIN mentions m ON m.platform = a.platform AND m.author_id = a.native_id
     WHERE a.handle ILIKE $2 OR a.name ILIKE $2 ORDER BY m.created_at DESC, m.id DESC LIMIT ${limit})`,
];

const PAGE = `
SELECT m.id, m.platform, m.native_id, m.source_id, m.brand_id, m.author_id, m.created_at, m.lang, m.text, m.rest, t.stage, t.triage, i.status AS item_status, i.priority AS item_priority
FROM (SELECT id, created_at FROM (${BRANCHES('$3').join(' UNION ')}) u ORDER BY created_at DESC, id DESC LIMIT $3) hit
JOIN mentions m ON m.id = hit.id LEFT JOIN mention_triage t ON t.id = m.id LEFT JOIN inbox_items i ON i.id = m.id
ORDER BY m.created_at DESC, m.id DESC`;

const COUNT = `SELECT count(*)::bigint AS n FROM (${BRANCHES('$3').join(' UNION ')}) u`;

export async function proposedSearch(db: Db, q: string, limit = 50, cap = 1000): Promise<{ rows: number; total: number; capped: boolean }> {
  const [page, count] = await Promise.all([
    db.query(PAGE, [q, likePattern(q), limit + 1]),
    db.query<{ n: number }>(COUNT, [q, likePattern(q), cap]),
  ]);
  const n = Number(count.rows[0]?.n ?? 0);
  return { rows: Math.min(limit, page.rows.length), total: Math.min(n, cap), capped: n >= cap };
}
