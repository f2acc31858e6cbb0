import type { AppContext } from '../context.js';
import type { Mention } from '../mention.js';
import type { AuthorHistory } from '../store/drafts.js';
import { batchHistories } from '../store/histories.js';
import { triage } from '../triage/index.js';
import type { TriageResult } from '../triage-types.js';
import { attributeBrand } from './brand-match.js';

export interface Scored {
  /** With the brand its text names (brand-match.ts). */
  mention: Mention;
  /** Null when the mention's brand is not in the directory (yet): it is scored when routed. */
  triage: TriageResult | null;
  /** The author's history the draft reads, from the same query as triage's context. */
  draft?: AuthorHistory;
}

/**
 * Brand attribution and triage of a batch, with each author's history as context, in one query
 * for the batch. Both the ingest (listen/poll.ts, before the insert, so the triage is in the row
 * from the start) and the route job (mentions stored without triage) use it. `unstored`: the
 * batch is not in the store yet, so a post's history also counts the batch's earlier posts.
 */
export async function scoreBatch(ctx: AppContext, mentions: Mention[], opts: { unstored: boolean }): Promise<Scored[]> {
  if (mentions.length === 0) return [];
  // Brands as they are now (added or edited without a restart); a post naming another brand moves to it.
  const brands = ctx.directory.brands;
  const attributed = mentions.map((m) => {
    const brandId = attributeBrand(m, brands);
    return brandId === m.brandId ? m : { ...m, brandId };
  });
  const histories = await batchHistories(
    ctx.db,
    attributed.map((m) => ({ platform: m.platform, authorId: m.author.id, before: Date.parse(m.createdAt) })),
    opts.unstored ? attributed.map((m) => m.text) : undefined,
  );
  const byId = new Map(brands.map((b) => [b.id, b]));
  return attributed.map((mention, i) => {
    const brand = byId.get(mention.brandId);
    const history = histories[i];
    if (!brand || !history) return { mention, triage: null };
    return { mention, triage: triage(mention, { brand, author: history.triage }), draft: history.draft };
  });
}
