import type { AppContext } from '../context.js';
import type { AuthorHistory } from '../store/drafts.js';
import { loadMentions, saveTriage, setMentionBrands, type StoredMention } from '../store/mentions.js';
import type { TriageResult } from '../triage-types.js';
import { recordForSpikes } from '../alerts/spikes/record.js';
import { routeStored } from './route.js';
import { scoreBatch } from './score-batch.js';

/**
 * Routes a batch (the job keeps its name "triage": jobs queued by older versions run as they
 * are). The ingest stored each mention with its triage (listen/poll.ts), so the job reads it; a
 * mention stored without one (rows of older versions, `migrate-from-redis`, a brand the ingest
 * did not know yet) is scored here first. Routing's last write deletes the mentions' pending rows
 * (store/routed.ts): a worker killed before that leaves them pending, BullMQ runs the job again,
 * and routing is safe to repeat.
 */
export async function triageBatch(ctx: AppContext, mentionIds: string[]): Promise<{ triaged: number }> {
  const loaded = [...(await loadMentions(ctx.db, mentionIds)).values()];
  const { stored, drafts } = await scoreUntriaged(ctx, loaded);
  const { fresh } = await routeStored(ctx, stored, Date.now, drafts);
  // Only what this run routed first: a re-run after a crash finds them routed and does not count them again.
  if (ctx.config.spikes.enabled) {
    const brands = new Map(ctx.directory.brands.map((b) => [b.id, b]));
    await recordForSpikes(
      ctx.db,
      brands,
      stored.filter((s) => s.triage && fresh.has(s.mention.id)).map((s) => ({ mention: s.mention, triage: s.triage as TriageResult })),
    );
  }
  return { triaged: stored.filter((s) => s.triage).length };
}

/**
 * Mentions stored without triage are attributed and scored now, and their triage stored before
 * routing (an UPDATE of the row: this is the path of old rows, not the pipeline's). The drafts'
 * histories come with the scoring for those; routing reads the others' itself.
 */
async function scoreUntriaged(
  ctx: AppContext,
  loaded: StoredMention[],
): Promise<{ stored: StoredMention[]; drafts?: ReadonlyMap<string, AuthorHistory> }> {
  const untriaged = loaded.filter((s) => !s.triage);
  if (untriaged.length === 0) return { stored: loaded };
  const scored = new Map(
    (
      await scoreBatch(
        ctx,
        untriaged.map((s) => s.mention),
        { unstored: false },
      )
    ).map((s) => [s.mention.id, s]),
  );
  await setMentionBrands(
    ctx.db,
    untriaged.flatMap((s) => {
      const brandId = scored.get(s.mention.id)?.mention.brandId;
      return brandId && brandId !== s.mention.brandId ? [{ id: s.mention.id, brandId }] : [];
    }),
  );
  const results = [...scored.values()].flatMap((s) => (s.triage ? [{ id: s.mention.id, triage: s.triage }] : []));
  await saveTriage(ctx.db, results);
  const stored = loaded.map((s) => {
    const fresh = scored.get(s.mention.id);
    return fresh ? { ...s, mention: fresh.mention, triage: fresh.triage } : s;
  });
  // routeStored takes the drafts' histories for all or none: only when every mention was scored here.
  if (untriaged.length < loaded.length) return { stored };
  const drafts = new Map([...scored.values()].flatMap((s) => (s.draft ? [[s.mention.id, s.draft] as const] : [])));
  return { stored, drafts };
}
