import type { AppContext } from '../app/context.js';
import type { InboxItem } from '../store/inbox.js';
import { authorKey } from '../store/keys.js';
import { loadMentions } from '../store/mentions.js';

export interface RecoveryStats {
  /** Replies we posted in the range. */
  replied: number;
  /** Of those, how many authors posted again afterwards (and we still have that post triaged). */
  followedUp: number;
  /** Next post's sentiment score higher (less negative) than the one we answered. */
  improved: number;
  rate: number | null;
}

/** The author's first post after `after`, from their event list; two round trips for all items. */
async function nextPosts(ctx: AppContext, replied: Array<{ item: InboxItem; authorKey: string }>): Promise<Array<string | null>> {
  const pipe = ctx.redis.pipeline();
  // A handful of events is enough: replies sit between posts, and the next post is the first `m:`.
  for (const r of replied) pipe.zrangebyscore(ctx.keys.authorEvents(r.authorKey), `(${r.item.postedAt}`, '+inf', 'LIMIT', 0, 10);
  const rows = (await pipe.exec()) ?? [];
  return rows.map(([, members]) => ((members ?? []) as string[]).find((m) => m.startsWith('m:'))?.slice(2) ?? null);
}

/**
 * Sentiment recovery: for each reply, compare the triage score of the post we answered with the
 * author's next post. Scores are the triage's continuous sentiment (−1…1), so "less negative"
 * also counts a move from very negative to mildly negative.
 */
export async function sentimentRecovery(ctx: AppContext, items: InboxItem[]): Promise<RecoveryStats> {
  const posted = items.filter((i) => i.postedAt !== null);
  const answered = await loadMentions(ctx.redis, ctx.keys, posted.map((i) => i.id));
  const replied = posted.flatMap((item) => {
    const stored = answered.get(item.id);
    return stored?.triage ? [{ item, authorKey: authorKey(stored.mention.platform, stored.mention.author.id), score: stored.triage.score }] : [];
  });
  const nextIds = await nextPosts(ctx, replied);
  const next = await loadMentions(ctx.redis, ctx.keys, nextIds.filter((x): x is string => x !== null));
  let followedUp = 0;
  let improved = 0;
  replied.forEach((r, i) => {
    const id = nextIds[i];
    const later = id ? next.get(id)?.triage : undefined;
    if (!later) return;
    followedUp += 1;
    if (later.score > r.score) improved += 1;
  });
  return { replied: posted.length, followedUp, improved, rate: followedUp ? improved / followedUp : null };
}
