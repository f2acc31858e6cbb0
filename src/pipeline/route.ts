import type { AppContext } from '../app/context.js';
import { chatDestinations } from '../alerts/destinations.js';
import { enqueueBulk } from '../jobs/queues.js';
import type { Mention } from '../mention.js';
import { draftReply } from '../playbook/draft.js';
import { recordComplaints } from '../store/authors.js';
import { createItems, type NewItem, type Priority } from '../store/inbox.js';
import { loadMentions, markStage } from '../store/mentions.js';
import type { TriageResult } from '../triage/types.js';

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
}

export async function routeBatch(ctx: AppContext, mentionIds: string[]): Promise<RouteSummary> {
  const stored = await loadMentions(ctx.redis, ctx.keys, mentionIds);
  const summary: RouteSummary = { urgent: 0, normal: 0, analytics: 0, alerts: 0 };
  const items: NewItem[] = [];
  const firstTime: Array<{ mention: Mention; triage: TriageResult }> = [];
  for (const { mention, triage, stage } of stored.values()) {
    if (!triage) continue;
    if (stage !== 'routed') firstTime.push({ mention, triage });
    const decision = decideRoute(triage, ctx.config.triage.urgentThreshold);
    summary[decision] += 1;
    if (decision !== 'analytics') items.push(newItem(ctx, mention, triage, decision));
  }
  const created = new Set(await createItems(ctx.redis, ctx.keys, items, ctx.config.retention));
  summary.alerts = await queueAlerts(ctx, items.filter((i) => i.priority === 'urgent' && created.has(i.id)));
  const complaints = firstTime.filter((f) => f.triage.complaint).map((f) => ({ platform: f.mention.platform, authorId: f.mention.author.id }));
  await recordComplaints(ctx.redis, ctx.keys, complaints);
  await markStage(ctx.redis, ctx.keys, firstTime.map((f) => f.mention.id), 'routed');
  return summary;
}

function newItem(ctx: AppContext, mention: Mention, triage: TriageResult, priority: Priority): NewItem {
  const brand = ctx.config.brands.find((b) => b.id === mention.brandId);
  if (!brand) throw new Error(`mention ${mention.id} names brand "${mention.brandId}", which is not in the config`);
  const draft = draftReply({ mention, triage, brand, playbook: ctx.config.playbook });
  return {
    id: mention.id,
    brandId: mention.brandId,
    sourceId: mention.sourceId,
    platform: mention.platform,
    priority,
    urgency: triage.urgency,
    category: triage.category,
    sentiment: triage.sentiment,
    createdAt: Date.parse(mention.createdAt),
    // The SLA clock starts when Earshot first sees the post, so a backfill is not born breached.
    slaDueAt: Date.now() + (priority === 'urgent' ? ctx.config.sla.urgent : ctx.config.sla.normal),
    draft: draft.text,
    draftTemplate: draft.template,
    draftWarnings: draft.warnings,
  };
}

async function queueAlerts(ctx: AppContext, urgent: NewItem[]): Promise<number> {
  const jobs = urgent.flatMap((item) =>
    chatDestinations(ctx.config)
      .filter((d) => item.urgency >= (d.minUrgency ?? 0))
      .map((d) => ({
        data: { kind: 'escalation' as const, itemId: item.id, destinationId: d.id },
        opts: { jobId: `alert-${item.id}-${d.id}`, priority: Math.max(1, 101 - item.urgency) },
      })),
  );
  await enqueueBulk(ctx.queues, 'alert', jobs);
  return jobs.length;
}
