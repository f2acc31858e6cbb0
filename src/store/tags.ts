import type { Db } from '../postgres/pool.js';
import { appendAudit } from './audit.js';

export async function tagsOf(db: Db, itemId: string): Promise<string[]> {
  const { rows } = await db.query<{ tag: string }>('SELECT tag FROM item_tags WHERE item_id = $1 ORDER BY tag', [itemId]);
  return rows.map((r) => r.tag);
}

/** True when the tag was new on the item (an add of a tag it has is not audited twice). */
export async function addTag(db: Db, itemId: string, tag: string, actor: string): Promise<boolean> {
  const res = await db.query('INSERT INTO item_tags (item_id, tag, added_by, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
    itemId,
    tag,
    actor,
    Date.now(),
  ]);
  if (res.rowCount) await appendAudit(db, actor, 'tag.added', itemId, { tag });
  return Boolean(res.rowCount);
}

export async function removeTag(db: Db, itemId: string, tag: string, actor: string): Promise<boolean> {
  const res = await db.query('DELETE FROM item_tags WHERE item_id = $1 AND tag = $2', [itemId, tag]);
  if (res.rowCount) await appendAudit(db, actor, 'tag.removed', itemId, { tag });
  return Boolean(res.rowCount);
}

/** Every tag in use with how many items carry it, for the queue's tag filter. */
export async function allTags(db: Db): Promise<Array<{ tag: string; items: number }>> {
  const { rows } = await db.query<{ tag: string; n: string }>(
    'SELECT tag, count(*) AS n FROM item_tags GROUP BY tag ORDER BY tag LIMIT 500',
  );
  return rows.map((r) => ({ tag: r.tag, items: Number(r.n) }));
}
