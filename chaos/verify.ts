import type { AppContext } from '../src/context.js';
import { approveItem } from '../src/inbox/actions.js';
import { getItems, listItemIds, type InboxItem } from '../src/store/inbox.js';
import { loadMentions } from '../src/store/mentions.js';
import { APPROVER, type Report } from './common.js';
import { mentionIds } from '../src/store/mentions.js';

/** Nothing waiting, running or delayed in the queues a replay goes through. */
export async function pipelineIdle(ctx: AppContext): Promise<boolean> {
  for (const q of [ctx.queues.triage, ctx.queues.route, ctx.queues.publish, ctx.queues.alert]) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(c).some((n) => n > 0)) return false;
  }
  return true;
}

/** Jobs that gave up, per queue, with the distinct reasons: a failed triage or route job strands its mentions. */
export async function failedJobs(ctx: AppContext): Promise<string> {
  const parts: string[] = [];
  for (const name of ['poll', 'triage', 'route', 'alert', 'publish'] as const) {
    const failed = await ctx.queues[name].getFailed(0, 200);
    if (failed.length === 0) continue;
    const reasons = [...new Set(failed.map((j) => j.failedReason.slice(0, 60)))].slice(0, 3);
    parts.push(`${name} ${failed.length} (${reasons.join('; ')})`);
  }
  return parts.length ? `failed jobs: ${parts.join(', ')}` : 'no failed jobs';
}

export interface StoreAudit {
  timeline: number;
  hashes: number;
  distinctNativeIds: number;
  notRouted: number;
  stages: Record<string, number>;
}

/** Reads every stored mention hash back: how many, how many distinct platform ids, at which stage. */
export async function auditStore(ctx: AppContext): Promise<StoreAudit> {
  const ids = await mentionIds(ctx.db);
  const natives = new Set<string>();
  const stages: Record<string, number> = {};
  let hashes = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const loaded = await loadMentions(ctx.db, ids.slice(i, i + 1000));
    for (const m of loaded.values()) {
      hashes += 1;
      natives.add(`${m.mention.platform}:${m.mention.nativeId}`);
      stages[m.stage] = (stages[m.stage] ?? 0) + 1;
    }
  }
  return { timeline: ids.length, hashes, distinctNativeIds: natives.size, notRouted: hashes - (stages['routed'] ?? 0), stages };
}

/** Approves every new urgent item it finds, as a person at the inbox would; returns the ids it approved. */
export async function approveUrgent(ctx: AppContext, approved: Set<string>): Promise<void> {
  const ids = await listItemIds(ctx.db, 2000);
  const items = await getItems(ctx.db, ids);
  for (const item of items.filter((i) => i.priority === 'urgent' && i.status === 'new' && !approved.has(i.id))) {
    try {
      await approveItem(ctx, APPROVER, item.id, { draftVersion: item.draftVersion, acknowledgeWarnings: true });
      approved.add(item.id);
    } catch {
      // Changed under us (another approval, a retry): the next sweep sees its new state.
    }
  }
}

export async function approvedStatuses(ctx: AppContext, approved: Set<string>): Promise<Record<string, number>> {
  const items: InboxItem[] = await getItems(ctx.db, [...approved]);
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  return counts;
}

/** Approved items that have not reached an end state yet. */
export async function publishesSettled(ctx: AppContext, approved: Set<string>): Promise<boolean> {
  const counts = await approvedStatuses(ctx, approved);
  return (counts['approved'] ?? 0) + (counts['publishing'] ?? 0) === 0;
}

/** The checks every replay ends with: stored exactly once, all routed, one reply per post. */
export async function checkReplay(
  report: Report,
  label: string,
  ctx: AppContext,
  published: number,
  replies: string[],
  approved: Set<string>,
  posts: number,
): Promise<void> {
  const a = await auditStore(ctx);
  report.check(
    `${label}: every published post stored exactly once`,
    a.timeline === published && a.hashes === published && a.distinctNativeIds === published,
    `published ${published}, timeline ${a.timeline}, mention hashes ${a.hashes}, distinct native ids ${a.distinctNativeIds}`,
  );
  report.check(
    `${label}: every mention triaged and routed`,
    a.notRouted === 0 && a.hashes > 0,
    `stages ${JSON.stringify(a.stages)}; ${await failedJobs(ctx)}`,
  );
  const perPost = new Map<string, number>();
  for (const id of replies) perPost.set(id, (perPost.get(id) ?? 0) + 1);
  const twice = [...perPost.values()].filter((n) => n > 1).length;
  report.check(
    `${label}: no reply posted twice`,
    twice === 0,
    `${replies.length} replies on the platform to ${perPost.size} posts, ${twice} posts answered twice; ${posts} reply requests sent, ${posts - replies.length} of them repeats answered from the Idempotency-Key`,
  );
  const statuses = await approvedStatuses(ctx, approved);
  const ended = (statuses['posted'] ?? 0) + (statuses['needs_check'] ?? 0);
  report.check(
    `${label}: approved items end posted or needs_check`,
    approved.size > 0 && ended === approved.size && (statuses['posted'] ?? 0) <= perPost.size && perPost.size <= ended,
    `approved ${approved.size}: ${JSON.stringify(statuses)}; posts answered on the platform ${perPost.size}`,
  );
}
