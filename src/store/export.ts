import type { Db } from '../postgres/pool.js';
import { MENTION_COLUMNS, MENTION_FROM, storedFromRow, type MentionRow, type StoredMention } from './mentions.js';

export interface ExportQuery {
  from?: number | undefined;
  to?: number | undefined;
  brand?: string | undefined;
}

/**
 * Every mention in the range with its item's status, oldest first, a page at a time (keyset on
 * post time and id), so an export of millions of rows streams in constant memory.
 */
export async function* mentionRows(db: Db, q: ExportQuery, pageSize = 1000): AsyncGenerator<StoredMention & { itemStatus: string | null }> {
  let after: [number, string] = [Number.MIN_SAFE_INTEGER, ''];
  for (;;) {
    const { rows } = await db.query<MentionRow & { item_status: string | null }>(
      `SELECT ${MENTION_COLUMNS}, i.status AS item_status FROM ${MENTION_FROM} LEFT JOIN inbox_items i ON i.id = m.id
       WHERE (m.created_at, m.id) > ($1, $2) AND ($3::bigint IS NULL OR m.created_at >= $3) AND ($4::bigint IS NULL OR m.created_at <= $4)
         AND ($5::text IS NULL OR m.brand_id = $5)
       ORDER BY m.created_at, m.id LIMIT $6`,
      [after[0], after[1], q.from ?? null, q.to ?? null, q.brand ?? null, pageSize],
    );
    for (const r of rows) yield { ...storedFromRow(r), itemStatus: r.item_status };
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = [last.created_at, last.id];
  }
}
