import type { AppContext } from '../context.js';
import { enqueueBulk } from '../jobs/queues.js';
import type { Mention } from '../mention.js';
import { draftReply } from '../playbook/draft.js';
import { draftHistories, type AuthorHistory } from '../store/drafts.js';
import { createItems, type NewItem, type Priority } from '../store/inbox.js';
import { loadMentions, type StoredMention } from '../store/mentions.js';
import { finishRouting } from '../store/routed.js';
import { nearDuplicateKey } from '../text/near-duplicate.js';
import type { TriageResult } from '../triage-types.js';
import { planEscalations } from '../alerts/alert-storm.js';
import { firstReminderAt, slaStart, slaTimes } from '../alerts/sla.js';

export type RouteDecision = Priority | 'analytics';

/** Urgent complaints jump the queue; other negatives and questions wait their turn; the rest feeds analytics. */
export function decideRoute(result: TriageResult, urgentThreshold: number): RouteDecision {
  if (result.urgency >= urgentThreshold) return 'urgent';
  if (result.sentiment === 'negative' || result.complaint || result.question) return 'normal';
  return 'analytics';
}

export interface RouteSummary {
  urgent: number;
  normal: number;
  analytics: number;
  alerts: number;
  /** Mentions whose triage was stored for the first time by this call (not by an earlier run of it). */
  fresh: Set<string>;
}

/** `now` is injectable so tests can run the SLA clock without waiting for it. */
export async function routeBatch(ctx: AppContext, mentionIds: string[], now: () => number = Date.now): Promise<RouteSummary> {
  const stored = await loadMentions(ctx.db, mentionIds);
  return routeStored(ctx, [...stored.values()], now);
}

/**
 * Routes mentions already in hand (the triage job passes what it just scored, and the authors'
 * histories it read with the triage context, so the hot path reads each mention once). Safe to
 * repeat: items are created once and counts move on the first routing only.
 */
export async function routeStored(
  ctx: AppContext,
  stored: StoredMention[],
  now: () => number = Date.now,
  known?: ReadonlyMap<string, AuthorHistory>,
): Promise<RouteSummary> {
  const startedAt = now();
  const summary: RouteSummary = { urgent: 0, normal: 0, analytics: 0, alerts: 0, fresh: new Set() };
  const items: NewItem[] = [];
  const routed: Array<{ mention: Mention; triage: TriageResult }> = [];
  const toInbox: Array<{ mention: Mention; triage: TriageResult; priority: Priority }> = [];
  for (const { mention, triage } of stored) {
    if (!triage) continue;
    routed.push({ mention, triage });
    const decision = decideRoute(triage, ctx.config.triage.urgentThreshold);
    summary[decision] += 1;
    if (decision !== 'analytics') toInbox.push({ mention, triage, priority: decision });
  }
  // The composer reads the author's recent posts; one query for the batch, only for what goes to the inbox.
  const histories = known
    ? toInbox.map(({ mention }) => known.get(mention.id))
    : await draftHistories(
        ctx.db,
        toInbox.map(({ mention }) => ({ platform: mention.platform, authorId: mention.author.id, before: Date.parse(mention.createdAt) })),
      );
  toInbox.forEach(({ mention, triage, priority }, i) => items.push(newItem(ctx, mention, triage, priority, startedAt, histories[i])));
  const created = new Set(await createItems(ctx, items));
  // The triage is stored before any alert job can read it. Until this commits the mentions are
  // not "routed", and a re-run routes them again (safely: the items exist, nothing is counted twice).
  summary.fresh = await finishRouting(
    ctx.db,
    routed.map((r) => ({ id: r.mention.id, platform: r.mention.platform, authorId: r.mention.author.id, triage: r.triage })),
  );
  summary.alerts = await queueAlerts(
    ctx,
    items.filter((i) => i.priority === 'urgent' && created.has(i.id)),
  );
  // Brands with a language model get its draft as an alternative, later; the composer's is the draft meanwhile.
  const modelled = items.filter((i) => created.has(i.id) && ctx.config.playbook.models[i.brandId]);
  await enqueueBulk(
    ctx.queues,
    'draft',
    modelled.map((i) => ({ data: { itemId: i.id }, opts: { jobId: `draft-${i.id}` } })),
  );
  return summary;
}

function newItem(
  ctx: AppContext,
  mention: Mention,
  triage: TriageResult,
  priority: Priority,
  routedAt: number,
  history?: AuthorHistory,
): NewItem {
  const brand = ctx.directory.brand(mention.brandId);
  if (!brand)
    throw new Error(
      `mention ${mention.id} names brand "${mention.brandId}", which is not in the database (see the admin page or \`earshot brands\`)`,
    );
  const draft = draftReply({ mention, triage, brand, playbook: ctx.config.playbook, ...(history ? { history } : {}) });
  const createdAt = Date.parse(mention.createdAt);
  // The customer's wait starts when they posted, not when Earshot saw it: a post found late is
  // that much closer to (or past) its due time. A clock ahead of ours counts from now.
  const slaDueAt = slaTimes(ctx.config.sla, priority, slaStart(mention, routedAt)).dueAt;
  return {
    id: mention.id,
    brandId: mention.brandId,
    sourceId: mention.sourceId,
    platform: mention.platform,
    priority,
    urgency: triage.urgency,
    category: triage.category,
    sentiment: triage.sentiment,
    language: triage.language,
    createdAt,
    slaDueAt,
    slaRemindAt: firstReminderAt(ctx.config.sla, { priority, createdAt, slaDueAt }, routedAt),
    draft: draft.text,
    draftTemplate: draft.template,
    draftWarnings: draft.warnings,
    dupKey: nearDuplicateKey(mention.text),
  };
}

async function queueAlerts(ctx: AppContext, urgent: NewItem[]): Promise<number> {
  const jobs = await planEscalations(ctx, urgent);
  await enqueueBulk(ctx.queues, 'alert', jobs);
  return jobs.length;
}
