import type { AppContext } from '../../src/context.js';
import { toMention, type Mention } from '../../src/mention.js';
import { createItems, type Priority } from '../../src/store/inbox.js';
import { ingestMentions, saveTriage } from '../../src/store/mentions.js';
import type { TriageResult } from '../../src/triage-types.js';

export interface SeedOptions {
  nativeId: string;
  text?: string;
  priority?: Priority;
  urgency?: number;
  slaInMs?: number;
  sourceId?: string;
  author?: string;
  followers?: number;
  category?: TriageResult['category'];
  sentiment?: TriageResult['sentiment'];
  score?: number;
  createdAt?: number;
  /** false: store the mention and its triage only (an analytics-only post). */
  item?: boolean;
  draftWarnings?: string[];
}

/** A Mastodon mention of Acme built through the real normaliser, as a connector would hand it on. */
export function testMention(o: Pick<SeedOptions, 'nativeId' | 'text' | 'sourceId' | 'author' | 'followers' | 'createdAt'>): Mention {
  const author = o.author ?? 'someone';
  const built = toMention({
    platform: 'mastodon',
    sourceId: o.sourceId ?? 'src',
    brandId: 'acme',
    nativeId: o.nativeId,
    url: `https://social.example/@${author}/${o.nativeId}`,
    text: o.text ?? `post ${o.nativeId}`,
    lang: 'en',
    createdAt: new Date(o.createdAt ?? Date.now()).toISOString(),
    author: {
      id: `id-${author}`,
      handle: author,
      name: `${author} name`,
      followers: o.followers ?? 100,
      url: `https://social.example/@${author}`,
    },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: o.nativeId },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

/** Stores a mention, its triage and (unless item: false) its inbox item through the real store functions. */
export async function seedMention(ctx: AppContext, o: SeedOptions): Promise<Mention> {
  const mention = testMention(o);
  const sentiment = o.sentiment ?? 'negative';
  const triage: TriageResult = {
    sentiment,
    score: o.score ?? (sentiment === 'negative' ? -0.6 : sentiment === 'positive' ? 0.6 : 0),
    sentimentConfidence: 0.8,
    complaint: sentiment === 'negative',
    complaintProbability: 0.9,
    category: o.category ?? 'other',
    question: false,
    language: 'en',
    urgency: o.urgency ?? 40,
    reasons: ['seeded'],
  };
  await ingestMentions(ctx.db, [mention]);
  await saveTriage(ctx.db, [{ id: mention.id, triage }]);
  if (o.item === false) return mention;
  const priority = o.priority ?? 'normal';
  await createItems(ctx, [
    {
      id: mention.id,
      brandId: 'acme',
      sourceId: mention.sourceId,
      platform: 'mastodon',
      priority,
      urgency: triage.urgency,
      category: triage.category,
      sentiment,
      language: triage.language,
      createdAt: Date.parse(mention.createdAt),
      slaDueAt: Date.now() + (o.slaInMs ?? 3_600_000),
      draft: `Hi ${o.author ?? 'someone'}, sorry about that.`,
      draftTemplate: 'default',
      draftWarnings: o.draftWarnings ?? [],
    },
  ]);
  return mention;
}
