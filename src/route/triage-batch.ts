import type { AppContext } from '../context.js';
import type { AuthorHistory } from '../store/drafts.js';
import { batchHistories } from '../store/histories.js';
import { loadMentions, setMentionBrands, type StoredMention } from '../store/mentions.js';
import { triage } from '../triage/index.js';
import type { TriageResult } from '../triage-types.js';
import { recordForSpikes } from '../alerts/spikes/record.js';
import { attributeBrand } from './brand-match.js';
import { routeStored } from './route.js';

/**
 * Scores a batch with the author's history as context, then routes it in the same job: the
 * mentions are read once, and no second job per batch. The triage is stored only with the
 * routing's last write (store/routed.ts), so each mention's triage row is written once (storing
 * it first as "triaged" and then again as "routed" left two versions of every row). A worker
 * killed before that leaves the mentions "new"; BullMQ runs the job again, and routing is safe
 * to repeat.
 */
export async function triageBatch(ctx: AppContext, mentionIds: string[]): Promise<{ triaged: number }> {
  const stored = await attributeBrands(ctx, [...(await loadMentions(ctx.db, mentionIds)).values()]);
  const mentions = stored.map((s) => s.mention);
  // Triage's context and the draft's history of each author, in one query for the batch.
  const histories = await batchHistories(
    ctx.db,
    mentions.map((m) => ({ platform: m.platform, authorId: m.author.id, before: Date.parse(m.createdAt) })),
  );
  const drafts = new Map<string, AuthorHistory>();
  const brands = new Map(ctx.directory.brands.map((b) => [b.id, b]));
  const results: Array<{ id: string; triage: TriageResult }> = [];
  const scored: StoredMention[] = [];
  stored.forEach((s, i) => {
    const brand = brands.get(s.mention.brandId);
    const history = histories[i];
    if (!brand || !history) return;
    const result = triage(s.mention, { brand, author: history.triage });
    drafts.set(s.mention.id, history.draft);
    results.push({ id: s.mention.id, triage: result });
    scored.push({ ...s, triage: result });
  });
  const { fresh } = await routeStored(ctx, scored, Date.now, drafts);
  // Only what this run stored first: a re-run after a crash finds them routed and does not count them again.
  if (ctx.config.spikes.enabled)
    await recordForSpikes(
      ctx.db,
      brands,
      scored.filter((s) => fresh.has(s.mention.id)).map((s) => ({ mention: s.mention, triage: s.triage as TriageResult })),
    );
  return { triaged: results.length };
}

/** Brands as they are now (added or edited without a restart); a post naming another brand moves to it. */
async function attributeBrands(ctx: AppContext, stored: StoredMention[]): Promise<StoredMention[]> {
  const brands = ctx.directory.brands;
  const moved: Array<{ id: string; brandId: string }> = [];
  const out = stored.map((s) => {
    const brandId = attributeBrand(s.mention, brands);
    if (brandId === s.mention.brandId) return s;
    moved.push({ id: s.mention.id, brandId });
    return { ...s, mention: { ...s.mention, brandId } };
  });
  await setMentionBrands(ctx.db, moved);
  return out;
}
