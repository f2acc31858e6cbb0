import type { StoreCtx } from './context.js';
import { announce, ensureChangeLabels, transitionIn, type Change, type ItemStatus, type TransitionResult } from './inbox.js';

export type EachResult = { id: string; result: TransitionResult };

/**
 * The same conditional change on many items in one transaction, each in its own savepoint: an
 * item in the wrong state (or gone) is refused alone while the rest go through, every change
 * has its own audit entry, and live inboxes hear one event for the lot.
 */
export async function transitionEach(s: StoreCtx, ids: readonly string[], change: Change): Promise<EachResult[]> {
  const out: EachResult[] = [];
  await ensureChangeLabels(s, change);
  const client = await s.db.connect();
  try {
    await client.query('BEGIN');
    for (const id of ids) {
      await client.query('SAVEPOINT item');
      const result = await transitionIn(client, id, change);
      await client.query(result.ok ? 'RELEASE SAVEPOINT item' : 'ROLLBACK TO SAVEPOINT item');
      out.push({ id, result });
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  const changed = out.filter((r) => r.result.ok).map((r) => r.id);
  if (changed.length) await announce(s, { action: change.action, ids: changed });
  return out;
}

/** The open items grouped under these leads (bulk actions on a whole near-duplicate group). */
export async function groupMembers(s: StoreCtx, leads: readonly string[], closed: readonly ItemStatus[]): Promise<string[]> {
  if (leads.length === 0) return [];
  const { rows } = await s.db.query<{ id: string }>(
    'SELECT id FROM inbox_items WHERE dup_of = ANY($1::text[]) AND NOT (status = ANY($2::earshot_status[])) ORDER BY id',
    [leads, closed],
  );
  return rows.map((r) => r.id);
}
