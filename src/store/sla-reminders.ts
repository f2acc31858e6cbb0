import type { Db } from '../postgres/pool.js';
import type { StoreCtx } from './context.js';

/**
 * SLA reminders, kept on the item they are about: `sla_remind_at` is when the next check is
 * due, and which check follows from it (before the due time: the warning; at it: the breach).
 * A partial index holds only items with a check to come, so the sweep reads what is due in
 * time order, and nothing in Redis grows with the open items (a sorted-set entry per item was
 * 95 B of Redis per stored mention in the bench).
 */
export type ReminderStage = 'warn' | 'breach';

export interface Reminder {
  itemId: string;
  stage: ReminderStage;
  at: number;
}

const stageOf = (at: number, dueAt: number): ReminderStage => (at < dueAt ? 'warn' : 'breach');

/** Up to `limit` reminders due by `now`, soonest first. */
export async function dueReminders(db: Db, now: number, limit: number): Promise<Reminder[]> {
  const { rows } = await db.query<{ id: string; at: number; due: number }>(
    'SELECT id, sla_remind_at AS at, sla_due_at AS due FROM inbox_items WHERE sla_remind_at <= $1 ORDER BY sla_remind_at LIMIT $2',
    [now, limit],
  );
  return rows.map((r) => ({ itemId: r.id, stage: stageOf(Number(r.at), Number(r.due)), at: Number(r.at) }));
}

/**
 * A handled warning hands over to the breach check at the item's due time (even when the item
 * was answered by then: a publish that fails later makes it unanswered again); a handled breach
 * is the last check. One conditional statement, so a sweep running twice moves it once.
 */
export async function advanceReminder(db: Db, r: Reminder): Promise<void> {
  await db.query(
    'UPDATE inbox_items SET sla_remind_at = CASE WHEN sla_remind_at < sla_due_at THEN sla_due_at END WHERE id = $1 AND sla_remind_at = $2',
    [r.itemId, r.at],
  );
}

/** The item's next SLA check, if one is to come. */
export async function pendingReminder(db: Db, itemId: string): Promise<Reminder | null> {
  const { rows } = await db.query<{ at: number | null; due: number }>(
    'SELECT sla_remind_at AS at, sla_due_at AS due FROM inbox_items WHERE id = $1',
    [itemId],
  );
  const row = rows[0];
  return row && row.at !== null ? { itemId, stage: stageOf(Number(row.at), Number(row.due)), at: Number(row.at) } : null;
}

/**
 * Reminders an earlier version left in Redis (`sla:due`, members `warn|<item>` and
 * `breach|<item>`) move onto their items, a few hundred per sweep, earliest first; an item
 * that already has a reminder keeps it. The key is gone once they have all moved.
 */
export async function moveLegacyReminders(s: StoreCtx, batch = 500): Promise<number> {
  const flat = await s.redis.zrange(s.keys.slaDue, '0', String(batch - 1), 'WITHSCORES');
  if (flat.length === 0) return 0;
  const members: string[] = [];
  const at = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const member = flat[i] as string;
    members.push(member);
    const id = member.slice(member.indexOf('|') + 1);
    if (!at.has(id)) at.set(id, Number(flat[i + 1]));
  }
  await s.db.query(
    'UPDATE inbox_items i SET sla_remind_at = u.at FROM unnest($1::text[], $2::bigint[]) AS u(id, at) WHERE i.id = u.id AND i.sla_remind_at IS NULL',
    [[...at.keys()], [...at.values()]],
  );
  await s.redis.zrem(s.keys.slaDue, ...members);
  return members.length;
}
