import type { AppContext } from '../context.js';
import type { Role } from '../config/schema.js';
import { relayOutbox } from '../publish/outbox.js';
import { checkDraft, replyContext } from '../playbook/draft.js';
import type { ReplyContext } from '../drafts/guardrails.js';
import { checkReply } from '../playbook/reply-limits.js';
import { addToOutbox } from '../store/outbox.js';
import { ACTIONABLE_STATUSES, getItem, transition, type InboxItem, type ItemStatus, type TransitionResult } from '../store/inbox.js';
import { loadMentions } from '../store/mentions.js';
import { can, describeNeed, type Action } from './permissions.js';
import { approverRules } from './policy.js';

export interface Actor {
  name: string;
  role: Role;
}

/** A refusal a person can act on; `status` is the HTTP status the API answers with. */
export class ActionError extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

export const OPEN: readonly ItemStatus[] = ACTIONABLE_STATUSES;
export const APPROVABLE: readonly ItemStatus[] = ['new', 'assigned', 'awaiting_second', 'failed'];
/** Snoozing longer than this is parking, and parked items get forgotten: reject instead. */
export const MAX_SNOOZE_MS = 30 * 86_400_000;

export function authorize(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) throw new ActionError(403, `${action} needs ${describeNeed(action)}; ${actor.name} is ${actor.role}`);
}

/** Where an item goes back to when an approval in progress no longer counts. */
export function openStatus(item: InboxItem): ItemStatus {
  if (item.status !== 'awaiting_second') return item.status;
  return item.assignee ? 'assigned' : 'new';
}

export async function mustGet(ctx: AppContext, id: string): Promise<InboxItem> {
  const item = await getItem(ctx.db, id);
  if (!item) throw new ActionError(404, `no inbox item ${id}`);
  return item;
}

export function explain(result: TransitionResult, id: string, verb: string): never {
  if (result.ok) throw new Error('explain() called on success');
  if (result.why === 'missing') throw new ActionError(404, `no inbox item ${id}`);
  if (result.why === 'stale') throw new ActionError(409, `the draft changed since you loaded it; reload and ${verb} again`);
  throw new ActionError(409, `cannot ${verb} an item that is ${result.status}`);
}

export async function assignItem(ctx: AppContext, actor: Actor, id: string, assignee: string | null): Promise<InboxItem> {
  authorize(actor, 'assign');
  const user = assignee ? ctx.directory.user(assignee) : null;
  if (assignee && !user) throw new ActionError(422, `no user named "${assignee}"`);
  // A viewer cannot answer, so an item assigned to one would sit there.
  if (user && !can(user.role, 'edit'))
    throw new ActionError(422, `${assignee} is ${user.role} and cannot respond; assign to a responder, approver or admin`);
  const item = await mustGet(ctx, id);
  // An item waiting for its second approval keeps waiting whoever it is assigned to.
  const status = item.status === 'awaiting_second' ? item.status : assignee ? 'assigned' : item.status === 'assigned' ? 'new' : item.status;
  const res = await transition(ctx, id, {
    from: OPEN,
    set: { assignee: assignee ?? '', status },
    actor: actor.name,
    action: 'item.assigned',
    detail: { assignee },
  });
  if (!res.ok) explain(res, id, 'assign');
  return mustGet(ctx, id);
}

export async function editDraft(ctx: AppContext, actor: Actor, id: string, text: string, draftVersion: number): Promise<InboxItem> {
  authorize(actor, 'edit');
  const item = await mustGet(ctx, id);
  const warnings = checkDraft(text, ctx.config.playbook, await replyContextFor(ctx, item));
  // A first approval was for the old text: editing withdraws it (the draft version check makes this race-free).
  const reset: Record<string, string> =
    item.status === 'awaiting_second' ? { status: openStatus(item), firstApprovedBy: '', firstApprovedVersion: '' } : {};
  const res = await transition(ctx, id, {
    from: OPEN,
    draftVersion,
    set: { draft: text, draftVersion: draftVersion + 1, draftEdited: 1, draftWarnings: JSON.stringify(warnings), ...reset },
    actor: actor.name,
    action: 'draft.edited',
    detail: { draftVersion: draftVersion + 1, warnings },
  });
  if (!res.ok) explain(res, id, 'edit');
  return mustGet(ctx, id);
}

/** What the guardrails check a hand-edited draft against: the post's platform, language and author. */
async function replyContextFor(ctx: AppContext, item: InboxItem): Promise<ReplyContext> {
  const stored = (await loadMentions(ctx.db, [item.id])).get(item.id);
  const brand = ctx.config.brands.find((b) => b.id === item.brandId);
  if (!stored?.triage || !brand) return { platform: item.platform, language: item.language, ...(brand ? { brand } : {}) };
  return replyContext(stored.mention, stored.triage, brand);
}

/** The approval policy for this item: the rules that ask for an approver (empty: a responder may approve). */
export async function approvalRulesFor(ctx: AppContext, item: InboxItem): Promise<string[]> {
  const stored = (await loadMentions(ctx.db, [item.id])).get(item.id);
  return approverRules(ctx.config.approval, item, stored?.mention.author.followers ?? null);
}

async function checkApprovalPolicy(ctx: AppContext, actor: Actor, item: InboxItem): Promise<void> {
  if (can(actor.role, 'approveRestricted')) return;
  const rules = await approvalRulesFor(ctx, item);
  if (rules.length) throw new ActionError(403, `this item needs an approver: ${rules.join('; ')}; ${actor.name} is ${actor.role}`);
}

/** The platform would refuse an over-long reply after the undo window; refuse it here, with the count. */
async function checkLength(ctx: AppContext, item: InboxItem): Promise<void> {
  const stored = (await loadMentions(ctx.db, [item.id])).get(item.id);
  const target = {
    platform: item.platform,
    sourceId: item.sourceId,
    replyRef: stored?.mention.replyRef,
    authorHandle: stored?.mention.author.handle,
  };
  const check = checkReply(target, item.draft, ctx.config.inbox.replyLimits);
  if (check.over) throw new ActionError(422, `cannot approve: ${check.reason}`);
}

/**
 * Approves the draft at `draftVersion` and queues it for publishing. The approval policy
 * decides who may; with `twoApprovals` the first approval only records itself (awaiting_second)
 * and a different person's approval of the same draft version publishes.
 */
export async function approveItem(
  ctx: AppContext,
  actor: Actor,
  id: string,
  opts: { draftVersion: number; acknowledgeWarnings?: boolean },
): Promise<InboxItem> {
  authorize(actor, 'approve');
  const item = await mustGet(ctx, id);
  await checkApprovalPolicy(ctx, actor, item);
  await checkLength(ctx, item);
  if (item.draftWarnings.length && !opts.acknowledgeWarnings) {
    throw new ActionError(
      422,
      `the draft has warnings (${item.draftWarnings.join('; ')}); edit it, or approve with acknowledgeWarnings: true`,
    );
  }
  if (!ctx.config.approval.twoApprovals) return finalApproval(ctx, actor, item, opts.draftVersion, APPROVABLE);
  const seconding = item.status === 'awaiting_second' && item.firstApprovedVersion === opts.draftVersion;
  if (!seconding) return firstApproval(ctx, actor, item, opts.draftVersion);
  if (item.firstApprovedBy === actor.name)
    throw new ActionError(409, `${actor.name} gave the first approval; the second must come from someone else`);
  return finalApproval(ctx, actor, item, opts.draftVersion, ['awaiting_second']);
}

async function firstApproval(ctx: AppContext, actor: Actor, item: InboxItem, draftVersion: number): Promise<InboxItem> {
  const res = await transition(ctx, item.id, {
    from: APPROVABLE,
    draftVersion,
    set: { status: 'awaiting_second', firstApprovedBy: actor.name, firstApprovedVersion: draftVersion, lastError: '' },
    actor: actor.name,
    action: 'item.approved_first',
    detail: { draftVersion, warningsAcknowledged: item.draftWarnings },
  });
  if (!res.ok) explain(res, item.id, 'approve');
  return mustGet(ctx, item.id);
}

/** The publish job for one approval: its id is the same however often it is queued. */
export function publishJob(itemId: string, draftVersion: number, approval: number) {
  return { jobId: `publish-${itemId}-v${draftVersion}-a${approval}`, data: { itemId, draftVersion, approval } };
}

/**
 * The approval and its publish job in one transaction (the job as an outbox row). Exported so
 * a test can stop right here, as a crash between the commit and the enqueue would.
 */
export async function commitApproval(
  ctx: AppContext,
  actor: Actor,
  item: InboxItem,
  draftVersion: number,
  from: readonly ItemStatus[],
): Promise<string> {
  const approval = item.approvals + 1;
  const second = item.status === 'awaiting_second' && from.length === 1 ? { firstApprovedBy: item.firstApprovedBy } : {};
  const job = publishJob(item.id, draftVersion, approval);
  // The undo window: the publish job waits until sendAt, and undoing returns the item to where it was.
  const undoMs = ctx.config.inbox.undoSeconds * 1000;
  const now = Date.now();
  const sendAt = undoMs > 0 ? now + undoMs : null;
  const res = await transition(ctx, item.id, {
    from,
    draftVersion,
    set: {
      status: 'approved',
      approvedBy: actor.name,
      approvedAt: now,
      approvals: approval,
      lastError: '',
      snoozedUntil: '',
      sendAt: sendAt ?? '',
      undoStatus: sendAt ? item.status : '',
    },
    actor: actor.name,
    action: 'item.approved',
    // Which source wrote the text that goes out (composer, team, model, saved:<id>, or a template) and whether a person edited it.
    detail: {
      draftVersion,
      warningsAcknowledged: item.draftWarnings,
      draftSource: item.draftTemplate,
      draftEdited: item.draftEdited,
      ...second,
      ...(sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
    },
    also: (client) => addToOutbox(client, 'publish', job.jobId, job.data, sendAt),
  });
  if (!res.ok) explain(res, item.id, 'approve');
  return job.jobId;
}

/** Queues what was just committed; if Redis is away, the outbox sweep queues it later (nothing is lost). */
async function relayNow(ctx: AppContext, jobId: string): Promise<void> {
  try {
    await relayOutbox(ctx, [jobId]);
  } catch (err) {
    ctx.log.warn({ jobId, err: (err as Error).message }, 'publish job not queued yet; the outbox sweep will queue it');
  }
}

async function finalApproval(
  ctx: AppContext,
  actor: Actor,
  item: InboxItem,
  draftVersion: number,
  from: readonly ItemStatus[],
): Promise<InboxItem> {
  await relayNow(ctx, await commitApproval(ctx, actor, item, draftVersion, from));
  return mustGet(ctx, item.id);
}

/** Hides an item from the default queue until `until` (ms); null wakes it now. The status stays. */
export async function snoozeItem(ctx: AppContext, actor: Actor, id: string, until: number | null): Promise<InboxItem> {
  authorize(actor, 'snooze');
  const now = ctx.now();
  if (until !== null && (until <= now || until > now + MAX_SNOOZE_MS)) {
    throw new ActionError(422, 'snooze until a time in the next 30 days');
  }
  const res = await transition(ctx, id, {
    from: OPEN,
    set: { snoozedUntil: until ?? '' },
    actor: actor.name,
    action: until === null ? 'item.unsnoozed' : 'item.snoozed',
    detail: until === null ? {} : { until: new Date(until).toISOString() },
  });
  if (!res.ok) explain(res, id, 'snooze');
  return mustGet(ctx, id);
}

/** After "check before resending": a person looked and the reply is not there, so send the same draft again. */
export async function resendItem(ctx: AppContext, actor: Actor, id: string): Promise<InboxItem> {
  authorize(actor, 'resend');
  const item = await mustGet(ctx, id);
  const job = publishJob(id, item.draftVersion, item.approvals + 1);
  const res = await transition(ctx, id, {
    from: ['needs_check'],
    set: { status: 'approved', approvals: item.approvals + 1, lastError: '' },
    actor: actor.name,
    action: 'item.resend',
    also: (client) => addToOutbox(client, 'publish', job.jobId, job.data),
  });
  if (!res.ok) explain(res, id, 'resend');
  await relayNow(ctx, job.jobId);
  return mustGet(ctx, id);
}

/** "Already answered elsewhere" after needs_check also ends here, with that reason. */
export async function rejectItem(ctx: AppContext, actor: Actor, id: string, reason: string): Promise<InboxItem> {
  authorize(actor, 'reject');
  const res = await transition(ctx, id, {
    from: OPEN,
    set: { status: 'rejected', rejectReason: reason },
    actor: actor.name,
    action: 'item.rejected',
    detail: { reason },
  });
  if (!res.ok) explain(res, id, 'reject');
  return mustGet(ctx, id);
}
