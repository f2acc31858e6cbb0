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
  const out: Scored[] = attributed.map((mention) => ({ mention, triage: null }));
  const earlier = new BatchComplaints();
  // Oldest first, so a post's earlier complaints in this same batch are known when it is scored.
  for (const i of oldestFirst(attributed)) {
    const mention = attributed[i] as Mention;
    const brand = byId.get(mention.brandId);
    const history = histories[i];
    if (!brand || !history) continue;
    const author = { ...history.triage };
    // Complaints are counted per author when routed (store/routed.ts), after this batch is scored.
    author.priorComplaints = Math.min(author.priorMentions, author.priorComplaints + earlier.before(mention));
    const result = triage(mention, { brand, author });
    earlier.add(mention, result.complaint);
    out[i] = { mention, triage: result, draft: history.draft };
  }
  return out;
}

function oldestFirst(mentions: readonly Mention[]): number[] {
  const at = mentions.map((m) => Date.parse(m.createdAt));
  return mentions.map((_, i) => i).sort((a, b) => (at[a] as number) - (at[b] as number));
}

/** The complaints of a batch's posts scored so far, per author, by time. */
class BatchComplaints {
  private readonly times = new Map<string, number[]>();

  private static key(m: Mention): string {
    return `${m.platform}\u0000${m.author.id}`;
  }

  add(m: Mention, complaint: boolean): void {
    if (!complaint) return;
    const key = BatchComplaints.key(m);
    const times = this.times.get(key);
    if (times) times.push(Date.parse(m.createdAt));
    else this.times.set(key, [Date.parse(m.createdAt)]);
  }

  before(m: Mention): number {
    const at = Date.parse(m.createdAt);
    return (this.times.get(BatchComplaints.key(m)) ?? []).filter((t) => t < at).length;
  }
}
