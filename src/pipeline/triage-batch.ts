import type { AppContext } from '../app/context.js';
import { enqueue } from '../jobs/queues.js';
import { authorContexts } from '../store/authors.js';
import { loadMentions, saveTriage } from '../store/mentions.js';
import { triage } from '../triage/index.js';
import type { TriageResult } from '../triage/types.js';
import { batchJobId } from './batch-id.js';

/** Scores a batch with the author's history as context: three round trips for the whole batch. */
export async function triageBatch(ctx: AppContext, mentionIds: string[]): Promise<{ triaged: number }> {
  const stored = await loadMentions(ctx.redis, ctx.keys, mentionIds);
  const mentions = [...stored.values()].map((s) => s.mention);
  const histories = await authorContexts(
    ctx.redis,
    ctx.keys,
    mentions.map((m) => ({ platform: m.platform, authorId: m.author.id, before: Date.parse(m.createdAt) })),
  );
  const brands = new Map(ctx.config.brands.map((b) => [b.id, b]));
  const results: Array<{ id: string; triage: TriageResult }> = [];
  mentions.forEach((mention, i) => {
    const brand = brands.get(mention.brandId);
    const author = histories[i];
    if (!brand || !author) return;
    results.push({ id: mention.id, triage: triage(mention, { brand, author }) });
  });
  await saveTriage(ctx.redis, ctx.keys, results);
  const ids = results.map((r) => r.id);
  if (ids.length) await enqueue(ctx.queues, 'route', { mentionIds: ids }, { jobId: batchJobId('route', ids) });
  return { triaged: results.length };
}
