import type { AppContext } from '../context.js';
import { CLOSED_STATUSES, getItems, type Change, type ItemStatus } from '../store/inbox.js';
import { groupMembers, transitionEach } from '../store/inbox-bulk.js';
import { ActionError, MAX_SNOOZE_MS, OPEN, type Actor } from './actions.js';
import { can, describeNeed, type Action } from './permissions.js';

export const BulkActions = ['reject', 'assign', 'snooze', 'spam', 'unspam'] as const;
export type BulkAction = (typeof BulkActions)[number];

export interface BulkRequest {
  action: BulkAction;
  ids: string[];
  /** Also every open item grouped under these ids (near-duplicates of one storm). */
  similar?: boolean;
  reason?: string | undefined;
  assignee?: string | null | undefined;
  /** Snooze until (ms). */
  until?: number | undefined;
}

export type BulkResult = { id: string; ok: true; status: string } | { id: string; ok: false; code: 403 | 404 | 409; error: string };

/** Which role an action needs: marking spam is a kind of rejecting. */
const NEEDS: Record<BulkAction, Action> = { reject: 'reject', assign: 'assign', snooze: 'snooze', spam: 'reject', unspam: 'reject' };

function validate(ctx: AppContext, r: BulkRequest): void {
  if (r.action === 'reject' && !r.reason) throw new ActionError(422, 'reject needs a reason');
  if (r.action === 'assign' && r.assignee && !ctx.config.users.some((u) => u.name === r.assignee))
    throw new ActionError(422, `no user named "${r.assignee}"`);
  const now = ctx.now();
  if (r.action === 'snooze' && (r.until === undefined || r.until <= now || r.until > now + MAX_SNOOZE_MS)) {
    throw new ActionError(422, 'snooze until a time in the next 30 days');
  }
}

/** The conditional change each action makes; the same rules as the one-item actions in actions.ts. */
function changeFor(r: BulkRequest, actor: Actor): Change {
  const base = { actor: actor.name };
  switch (r.action) {
    case 'reject':
      return {
        ...base,
        from: OPEN,
        set: { status: 'rejected', rejectReason: r.reason ?? '' },
        action: 'item.rejected',
        detail: { reason: r.reason, bulk: true },
      };
    case 'spam':
      return { ...base, from: OPEN, set: { status: 'spam' }, action: 'item.spam', detail: { bulk: true } };
    case 'unspam':
      // Back to where an open item without approvals stands: assigned if it had someone, else new.
      return {
        ...base,
        from: ['spam'],
        set: (cur) => ({ status: cur.assignee ? 'assigned' : 'new' }),
        action: 'item.unspam',
        detail: { bulk: true },
      };
    case 'snooze':
      return {
        ...base,
        from: OPEN,
        set: { snoozedUntil: r.until ?? '' },
        action: 'item.snoozed',
        detail: { until: new Date(r.until ?? 0).toISOString(), bulk: true },
      };
    case 'assign': {
      const who = r.assignee ?? null;
      const status = (cur: { status: ItemStatus }): ItemStatus =>
        cur.status === 'awaiting_second' ? cur.status : who ? 'assigned' : cur.status === 'assigned' ? 'new' : cur.status;
      return {
        ...base,
        from: OPEN,
        set: (cur) => ({ assignee: who ?? '', status: status(cur) }),
        action: 'item.assigned',
        detail: { assignee: who, bulk: true },
      };
    }
  }
}

/**
 * One action over many items: the role is checked for the action, then each item's state is
 * checked and changed on its own (a conditional update and an audit entry per item), so the
 * answer says, per item, what happened. Refusals are results, not errors: the rest still go.
 */
export async function bulkAction(ctx: AppContext, actor: Actor, r: BulkRequest): Promise<BulkResult[]> {
  const need = NEEDS[r.action];
  const asked = [...new Set(r.ids)];
  const ids = r.similar ? [...new Set([...asked, ...(await groupMembers(ctx, asked, CLOSED_STATUSES))])] : asked;
  if (!can(actor.role, need)) {
    const error = `${r.action} needs ${describeNeed(need)}; ${actor.name} is ${actor.role}`;
    return ids.map((id) => ({ id, ok: false, code: 403, error }));
  }
  validate(ctx, r);
  const done = await transitionEach(ctx, ids, changeFor(r, actor));
  const now = new Map(
    (
      await getItems(
        ctx.db,
        done.filter((d) => d.result.ok).map((d) => d.id),
      )
    ).map((i) => [i.id, i.status]),
  );
  return done.map(({ id, result }): BulkResult => {
    if (result.ok) return { id, ok: true, status: now.get(id) ?? '' };
    if (result.why === 'missing') return { id, ok: false, code: 404, error: `no inbox item ${id}` };
    return { id, ok: false, code: 409, error: `cannot ${r.action === 'unspam' ? 'restore' : r.action} an item that is ${result.status}` };
  });
}
