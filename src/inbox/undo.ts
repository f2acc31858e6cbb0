import type { AppContext } from '../context.js';
import { settleOutboxRow } from '../store/outbox.js';
import { getItem, transition, type InboxItem, type ItemStatus } from '../store/inbox.js';
import { ActionError, authorize, explain, mustGet, publishJob, type Actor } from './actions.js';

/** Statuses an undone approval may return to (what approve accepts). */
const RESTORABLE: readonly ItemStatus[] = ['new', 'assigned', 'awaiting_second', 'failed'];

function restoredStatus(item: InboxItem): ItemStatus {
  if (item.undoStatus && RESTORABLE.includes(item.undoStatus)) return item.undoStatus;
  return item.assignee ? 'assigned' : 'new';
}

/**
 * Undoes an approval whose reply has not started going out. The row lock in transition() orders
 * this against the publish job's own approved → publishing step: whichever commits first wins,
 * so either nothing is posted and the item is back with its draft, or the undo is refused.
 */
export async function undoApproval(ctx: AppContext, actor: Actor, id: string): Promise<InboxItem> {
  authorize(actor, 'approve');
  const item = await mustGet(ctx, id);
  if (item.status === 'publishing' || item.status === 'posted')
    throw new ActionError(409, 'too late to undo: the reply is already being posted');
  if (item.status !== 'approved') throw new ActionError(409, `nothing to undo: the item is ${item.status}`);
  const job = publishJob(item.id, item.draftVersion, item.approvals);
  const restored = restoredStatus(item);
  const res = await transition(ctx, id, {
    from: ['approved'],
    draftVersion: item.draftVersion,
    set: { status: restored, approvedBy: '', approvedAt: '', sendAt: '', undoStatus: '' },
    actor: actor.name,
    action: 'item.approval_undone',
    detail: { draftVersion: item.draftVersion, approval: item.approvals, approvedBy: item.approvedBy, restoredTo: restored },
    also: (client) => settleOutboxRow(client, job.jobId),
  });
  if (!res.ok) {
    if (res.why === 'conflict' && (res.status === 'publishing' || res.status === 'posted'))
      throw new ActionError(409, 'too late to undo: the reply is already being posted');
    explain(res, id, 'undo');
  }
  await dropQueuedJob(ctx, job.jobId);
  return mustGet(ctx, id);
}

/** Best effort: a job left in the queue finds the item no longer approved and does nothing. */
async function dropQueuedJob(ctx: AppContext, jobId: string): Promise<void> {
  try {
    await ctx.queues.publish.remove(jobId);
  } catch (err) {
    ctx.log.debug({ jobId, err: (err as Error).message }, 'undone publish job left in the queue; it will find nothing to do');
  }
}

/** A rejected item back in the queue, where it was (assigned stays assigned), audited. */
export async function reopenItem(ctx: AppContext, actor: Actor, id: string): Promise<InboxItem> {
  authorize(actor, 'reject');
  const item = await getItem(ctx.db, id);
  if (!item) throw new ActionError(404, `no inbox item ${id}`);
  const res = await transition(ctx, id, {
    from: ['rejected'],
    set: { status: item.assignee ? 'assigned' : 'new', rejectReason: '' },
    actor: actor.name,
    action: 'item.reopened',
    detail: { rejectReason: item.rejectReason },
  });
  if (!res.ok) explain(res, id, 'reopen');
  return mustGet(ctx, id);
}
