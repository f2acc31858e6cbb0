import type { AppContext } from '../app/context.js';
import type { Role } from '../config/schema.js';
import { enqueue } from '../jobs/queues.js';
import { checkDraft } from '../playbook/draft.js';
import { getItem, transition, type InboxItem, type ItemStatus, type TransitionResult } from '../store/inbox.js';
import { can, requiredRole, type Action } from './permissions.js';

export interface Actor {
  name: string;
  role: Role;
}

/** A refusal a person can act on; `status` is the HTTP status the API answers with. */
export class ActionError extends Error {
  constructor(readonly status: 403 | 404 | 409 | 422, message: string) {
    super(message);
    this.name = 'ActionError';
  }
}

const OPEN: readonly ItemStatus[] = ['new', 'assigned', 'failed', 'needs_check'];

function authorize(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) throw new ActionError(403, `${action} needs the ${requiredRole(action)} role; ${actor.name} is ${actor.role}`);
}

async function mustGet(ctx: AppContext, id: string): Promise<InboxItem> {
  const item = await getItem(ctx.redis, ctx.keys, id);
  if (!item) throw new ActionError(404, `no inbox item ${id}`);
  return item;
}

function explain(result: TransitionResult, id: string, verb: string): never {
  if (result.ok) throw new Error('explain() called on success');
  if (result.why === 'missing') throw new ActionError(404, `no inbox item ${id}`);
  if (result.why === 'stale') throw new ActionError(409, `the draft changed since you loaded it; reload and ${verb} again`);
  throw new ActionError(409, `cannot ${verb} an item that is ${result.status}`);
}

export async function assignItem(ctx: AppContext, actor: Actor, id: string, assignee: string | null): Promise<InboxItem> {
  authorize(actor, 'assign');
  if (assignee && !ctx.config.users.some((u) => u.name === assignee)) throw new ActionError(422, `no user named "${assignee}"`);
  const item = await mustGet(ctx, id);
  const status = assignee ? 'assigned' : item.status === 'assigned' ? 'new' : item.status;
  const res = await transition(ctx.redis, ctx.keys, id, { from: OPEN, set: { assignee: assignee ?? '', status }, actor: actor.name, action: 'item.assigned', detail: { assignee } });
  if (!res.ok) explain(res, id, 'assign');
  return mustGet(ctx, id);
}

export async function editDraft(ctx: AppContext, actor: Actor, id: string, text: string, draftVersion: number): Promise<InboxItem> {
  authorize(actor, 'edit');
  const warnings = checkDraft(text, ctx.config.playbook);
  const res = await transition(ctx.redis, ctx.keys, id, {
    from: OPEN,
    draftVersion,
    set: { draft: text, draftVersion: draftVersion + 1, draftEdited: 1, draftWarnings: JSON.stringify(warnings) },
    actor: actor.name,
    action: 'draft.edited',
    detail: { draftVersion: draftVersion + 1, warnings },
  });
  if (!res.ok) explain(res, id, 'edit');
  return mustGet(ctx, id);
}

export async function approveItem(ctx: AppContext, actor: Actor, id: string, opts: { draftVersion: number; acknowledgeWarnings?: boolean }): Promise<InboxItem> {
  authorize(actor, 'approve');
  const item = await mustGet(ctx, id);
  if (item.draftWarnings.length && !opts.acknowledgeWarnings) {
    throw new ActionError(422, `the draft has warnings (${item.draftWarnings.join('; ')}); edit it, or approve with acknowledgeWarnings: true`);
  }
  const approval = item.approvals + 1;
  const res = await transition(ctx.redis, ctx.keys, id, {
    from: ['new', 'assigned', 'failed'],
    draftVersion: opts.draftVersion,
    set: { status: 'approved', approvedBy: actor.name, approvedAt: Date.now(), approvals: approval, lastError: '' },
    actor: actor.name,
    action: 'item.approved',
    detail: { draftVersion: opts.draftVersion, warningsAcknowledged: item.draftWarnings },
  });
  if (!res.ok) explain(res, id, 'approve');
  await enqueue(ctx.queues, 'publish', { itemId: id, draftVersion: opts.draftVersion, approval }, { jobId: `publish-${id}-v${opts.draftVersion}-a${approval}` });
  return mustGet(ctx, id);
}

/** After "check before resending": a person looked and the reply is not there, so send the same draft again. */
export async function resendItem(ctx: AppContext, actor: Actor, id: string): Promise<InboxItem> {
  authorize(actor, 'resend');
  const item = await mustGet(ctx, id);
  const approval = item.approvals + 1;
  const res = await transition(ctx.redis, ctx.keys, id, { from: ['needs_check'], set: { status: 'approved', approvals: approval, lastError: '' }, actor: actor.name, action: 'item.resend' });
  if (!res.ok) explain(res, id, 'resend');
  await enqueue(ctx.queues, 'publish', { itemId: id, draftVersion: item.draftVersion, approval }, { jobId: `publish-${id}-v${item.draftVersion}-a${approval}` });
  return mustGet(ctx, id);
}

/** "Already answered elsewhere" after needs_check also ends here, with that reason. */
export async function rejectItem(ctx: AppContext, actor: Actor, id: string, reason: string): Promise<InboxItem> {
  authorize(actor, 'reject');
  const res = await transition(ctx.redis, ctx.keys, id, { from: OPEN, set: { status: 'rejected', rejectReason: reason }, actor: actor.name, action: 'item.rejected', detail: { reason } });
  if (!res.ok) explain(res, id, 'reject');
  return mustGet(ctx, id);
}
