import type { PoolClient } from 'pg';
import type { Db } from '../postgres/pool.js';
import { auditParams, INSERT_AUDIT } from './audit.js';
import { ITEM_COLUMNS, itemFromRow, type ItemRow } from './item-row.js';
import type { InboxItem } from './inbox.js';

/**
 * Links items into one conversation (one person, one thread of work). The conversation id is the
 * id of an item already in it, or of `anchor`; linking two conversations merges them.
 */
export async function linkItems(db: Db, anchor: string, others: string[], actor: string): Promise<string> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const id = await linkIn(client, anchor, others, actor);
    await client.query('COMMIT');
    return id;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function linkIn(client: PoolClient, anchor: string, others: string[], actor: string): Promise<string> {
  const all = [anchor, ...others.filter((o) => o !== anchor)];
  // Lock the rows involved so two people linking at once end up in one conversation.
  const { rows } = await client.query<{ item_id: string; conversation_id: string }>(
    'SELECT item_id, conversation_id FROM conversation_links WHERE item_id = ANY($1::text[]) FOR UPDATE',
    [all],
  );
  const existing = [...new Set(rows.map((r) => r.conversation_id))];
  const target = rows.find((r) => r.item_id === anchor)?.conversation_id ?? existing[0] ?? anchor;
  const now = Date.now();
  if (existing.length)
    await client.query('UPDATE conversation_links SET conversation_id = $1 WHERE conversation_id = ANY($2::text[])', [target, existing]);
  await client.query(
    'INSERT INTO conversation_links (item_id, conversation_id, linked_by, at) SELECT u, $2, $3, $4 FROM unnest($1::text[]) u ON CONFLICT (item_id) DO UPDATE SET conversation_id = EXCLUDED.conversation_id',
    [all, target, actor, now],
  );
  await client.query(INSERT_AUDIT, auditParams(actor, 'conversation.linked', anchor, { conversation: target, items: all }));
  return target;
}

export async function unlinkItem(db: Db, itemId: string, actor: string): Promise<void> {
  const res = await db.query('DELETE FROM conversation_links WHERE item_id = $1', [itemId]);
  if (res.rowCount) await db.query(INSERT_AUDIT, auditParams(actor, 'conversation.unlinked', itemId));
}

/** The other items of this item's conversation (any status), newest first. */
export async function conversationOf(db: Db, itemId: string): Promise<{ id: string | null; items: InboxItem[] }> {
  const { rows } = await db.query<ItemRow & { conversation_id: string }>(
    `SELECT ${ITEM_COLUMNS}, c.conversation_id FROM conversation_links me JOIN conversation_links c ON c.conversation_id = me.conversation_id
     JOIN inbox_items i ON i.id = c.item_id WHERE me.item_id = $1 AND c.item_id <> $1 ORDER BY i.created_at DESC LIMIT 50`,
    [itemId],
  );
  const id =
    rows[0]?.conversation_id ??
    (await db.query<{ c: string }>('SELECT conversation_id AS c FROM conversation_links WHERE item_id = $1', [itemId])).rows[0]?.c ??
    null;
  return { id, items: rows.map(itemFromRow) };
}

/** Which of these items are in a conversation (queue markers): item id → conversation id. */
export async function conversationIds(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query<{ item_id: string; conversation_id: string }>(
    'SELECT item_id, conversation_id FROM conversation_links WHERE item_id = ANY($1::text[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.item_id, r.conversation_id]));
}

/** The same author's other items in these statuses, on any source of the platform, newest first. */
export async function authorOpenItems(db: Db, itemId: string, statuses: readonly string[], limit = 20): Promise<InboxItem[]> {
  const { rows } = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM mentions me JOIN mentions m ON m.platform = me.platform AND m.author_id = me.author_id
     JOIN inbox_items i ON i.id = m.id WHERE me.id = $1 AND m.id <> $1 AND i.status = ANY($2::earshot_status[]) ORDER BY m.created_at DESC LIMIT $3`,
    [itemId, [...statuses], limit],
  );
  return rows.map(itemFromRow);
}
