import { createHash } from 'node:crypto';
import type { AppContext } from '../context.js';
import { AuthError, PermanentError, RateLimitedError, TransientError, UnknownOutcomeError } from '../http/errors.js';
import { redactText } from '../http/redact.js';
import type { JobData } from '../jobs/catalog.js';
import { stripInvisible } from '../playbook/invisible.js';
import { recordReplySent } from '../store/authors.js';
import { getItem, transition, type InboxItem } from '../store/inbox.js';
import { loadMentions, type StoredMention } from '../store/mentions.js';
import type { SourceHandle } from '../connectors/clients.js';

export type PublishOutcome = 'posted' | 'already-posted' | 'superseded' | 'needs-check' | 'failed';

/** Same for every attempt at one approved draft, so the platform can recognise a replay. */
export function idempotencyKey(itemId: string, draftVersion: number): string {
  const hex = createHash('sha256').update(`earshot-reply:${itemId}:${draftVersion}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Posts an approved draft exactly once. Status moves approved → publishing before the request,
 * so a crash mid-request is visible on restart: a platform with idempotency keys gets the same
 * request again (it returns the first reply); any other platform goes to a human.
 */
export async function publishItem(ctx: AppContext, data: JobData<'publish'>, finalAttempt: boolean): Promise<PublishOutcome> {
  const item = await getItem(ctx.db, data.itemId);
  if (!item) throw new PermanentError(`inbox item ${data.itemId} no longer exists`);
  if (item.status === 'posted') return 'already-posted';
  // An approval that was undone and given again has a new number: the old job must not post early.
  if (item.draftVersion !== data.draftVersion || item.approvals !== data.approval || !['approved', 'publishing'].includes(item.status))
    return 'superseded';
  const stored = (await loadMentions(ctx.db, [item.id])).get(item.id);
  const handle = ctx.sources.get(item.sourceId);
  if (!stored || !handle?.client.reply || !handle.connector.capabilities.reply) {
    await markFailed(
      ctx,
      item,
      stored
        ? `source "${item.sourceId}" cannot post replies (not configured, or read-only)`
        : 'the original post has expired from the store',
    );
    return 'failed';
  }
  if (item.status === 'publishing' && !handle.connector.capabilities.idempotentReply) {
    await needsCheck(ctx, item, 'a previous attempt was interrupted while posting; check the platform before resending');
    return 'needs-check';
  }
  if (item.status === 'approved') {
    const moved = await transition(ctx, item.id, {
      from: ['approved'],
      draftVersion: item.draftVersion,
      set: { status: 'publishing' },
      actor: 'earshot',
      action: 'publish.started',
    });
    if (!moved.ok) return 'superseded';
  }
  return send(ctx, item, stored, handle.client.reply.bind(handle.client), finalAttempt);
}

type Reply = NonNullable<SourceHandle['client']['reply']>;

async function send(
  ctx: AppContext,
  item: InboxItem,
  stored: StoredMention,
  postReply: Reply,
  finalAttempt: boolean,
): Promise<PublishOutcome> {
  // Here, not where drafts are written: templates, edits in the inbox or Slack and any later
  // writer all pass through this one call on the way out.
  const text = stripInvisible(item.draft);
  if (!text.trim()) {
    await markFailed(ctx, item, 'the reply is empty once invisible characters are removed');
    return 'failed';
  }
  try {
    const reply = await postReply(stored.mention, text, { idempotencyKey: idempotencyKey(item.id, item.draftVersion) });
    const now = Date.now();
    await transition(ctx, item.id, {
      from: ['publishing'],
      set: { status: 'posted', replyId: reply.replyId, replyUrl: reply.url ?? '', postedAt: now, lastError: '' },
      actor: 'earshot',
      action: 'publish.posted',
      // Which source drafted what was sent (composer, team, model, saved:<id>, a template), and whether a person edited it.
      detail: { replyId: reply.replyId, draftSource: item.draftTemplate, draftEdited: item.draftEdited },
      // In the same transaction: a posted item is always in the person's history, even after a crash.
      also: (client) => recordReplySent(client, { platform: stored.mention.platform, authorId: stored.mention.author.id }, item.id, now),
    });
    ctx.log.info({ item: item.id, replyId: reply.replyId }, 'reply posted');
    return 'posted';
  } catch (err) {
    return handleSendError(ctx, item, err, finalAttempt);
  }
}

async function handleSendError(ctx: AppContext, item: InboxItem, err: unknown, finalAttempt: boolean): Promise<PublishOutcome> {
  // Shown in the inbox and the audit trail: the reason stays, credentials in URLs do not.
  const message = redactText((err as Error).message ?? String(err));
  if (err instanceof UnknownOutcomeError) {
    await needsCheck(
      ctx,
      item,
      `no answer from the platform after sending (${message}); check whether the reply appeared before resending`,
    );
    return 'needs-check';
  }
  // Nothing was posted: safe to try again, unless this was the last attempt.
  if ((err instanceof RateLimitedError || err instanceof TransientError) && !finalAttempt) {
    await transition(ctx, item.id, {
      from: ['publishing'],
      set: { status: 'approved', lastError: message },
      actor: 'earshot',
      action: 'publish.retrying',
      detail: { error: message },
    });
    throw err;
  }
  const why = err instanceof AuthError ? `the platform rejected our credentials: ${message}` : message;
  await markFailed(ctx, item, why);
  return 'failed';
}

async function needsCheck(ctx: AppContext, item: InboxItem, why: string): Promise<void> {
  await transition(ctx, item.id, {
    from: ['publishing'],
    set: { status: 'needs_check', lastError: why },
    actor: 'earshot',
    action: 'publish.needs_check',
    detail: { why },
  });
  ctx.log.warn({ item: item.id, why }, 'reply outcome unknown; sent back to a human');
}

async function markFailed(ctx: AppContext, item: InboxItem, why: string): Promise<void> {
  await transition(ctx, item.id, {
    from: ['approved', 'publishing'],
    set: { status: 'failed', lastError: why },
    actor: 'earshot',
    action: 'publish.failed',
    detail: { why },
  });
  ctx.log.warn({ item: item.id, why }, 'reply not posted');
}
