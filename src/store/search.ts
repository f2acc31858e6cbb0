import type { Db } from '../postgres/pool.js';
import { MENTION_COLUMNS, MENTION_FROM, storedFromRow, type MentionRow, type StoredMention } from './mentions.js';
import { likePattern, matchingIds } from './text-match.js';

export interface SearchQuery {
  q: string;
  brand?: string | undefined;
  source?: string | undefined;
  /** Post time range (ms), both optional. */
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface SearchHit {
  stored: StoredMention;
  /** The inbox item, when the post was routed to a person; null for posts kept for analytics only. */
  item: { id: string; status: string; priority: string } | null;
}

export class BadSearchCursorError extends Error {}

function decode(cursor: string): [number, string] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && typeof key[0] === 'number' && typeof key[1] === 'string') return [key[0], key[1]];
  } catch {
    // Falls through to the error below.
  }
  throw new BadSearchCursorError('cursor: not a cursor this search gave out; start from the first page');
}

/**
 * Every stored mention of any age matching the text, routed or not, newest first, with the
 * exact number of matches and a keyset cursor. The match itself is index lookups (text-match.ts).
 */
export async function searchMentions(db: Db, s: SearchQuery): Promise<{ hits: SearchHit[]; total: number; next: string | null }> {
  const params: unknown[] = [s.q, likePattern(s.q)];
  const clauses = [`m.id IN ${matchingIds(1)}`];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (s.brand) add('m.brand_id = ?', s.brand);
  if (s.source) add('m.source_id = ?', s.source);
  if (s.from !== undefined) add('m.created_at >= ?', s.from);
  if (s.to !== undefined) add('m.created_at <= ?', s.to);
  const countSql = `SELECT count(*)::bigint AS n FROM mentions m WHERE ${clauses.join(' AND ')}`;
  const countParams = [...params];
  if (s.cursor) {
    const [at, id] = decode(s.cursor);
    params.push(at, id);
    clauses.push(`(m.created_at, m.id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(s.limit + 1);
  const [page, count] = await Promise.all([
    db.query<MentionRow & { item_status: string | null; item_priority: string | null }>(
      `SELECT ${MENTION_COLUMNS}, i.status AS item_status, i.priority AS item_priority FROM ${MENTION_FROM} LEFT JOIN inbox_items i ON i.id = m.id
       WHERE ${clauses.join(' AND ')} ORDER BY m.created_at DESC, m.id DESC LIMIT $${params.length}`,
      params,
    ),
    db.query<{ n: number }>(countSql, countParams),
  ]);
  const rows = page.rows.slice(0, s.limit);
  const last = rows[rows.length - 1];
  return {
    hits: rows.map((r) => ({ stored: storedFromRow(r), item: r.item_status ? { id: r.id, status: r.item_status, priority: String(r.item_priority) } : null })),
    total: count.rows[0]?.n ?? 0,
    next: page.rows.length > s.limit && last ? Buffer.from(JSON.stringify([last.created_at, last.id])).toString('base64url') : null,
  };
}
