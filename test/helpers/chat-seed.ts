import type { AppContext } from '../../src/context.js';
import { toMention, type Mention } from '../../src/mention.js';
import { createItems, getItem, type InboxItem, type Priority } from '../../src/store/inbox.js';
import { ingestMentions, saveTriage } from '../../src/store/mentions.js';
import type { TriageResult } from '../../src/triage-types.js';

export interface ChatSeed {
  nativeId: string;
  text: string;
  urgency: number;
  author?: string;
  followers?: number;
  /** When the post was made (ms); default now. The SLA clock starts here. */
  createdAt?: number;
}

/** A stored, triaged mention without an inbox item: what routeBatch() picks up. */
export async function storeTriagedMention(ctx: AppContext, o: ChatSeed): Promise<Mention> {
  const author = o.author ?? 'someone';
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'feed',
    brandId: 'acme',
    nativeId: o.nativeId,
    url: `https://social.example/@${author}/${o.nativeId}`,
    text: o.text,
    lang: 'en',
    createdAt: new Date(o.createdAt ?? Date.now()).toISOString(),
    author: {
      id: `id-${author}`,
      handle: author,
      name: `${author} name`,
      followers: o.followers ?? 1200,
      url: `https://social.example/@${author}`,
    },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: o.nativeId },
  });
  if (!built.ok) throw new Error(built.reason);
  const triage: TriageResult = {
    sentiment: 'negative',
    score: -0.6,
    sentimentConfidence: 0.8,
    complaint: true,
    complaintProbability: 0.9,
    category: 'other',
    question: false,
    language: 'en',
    urgency: o.urgency,
    reasons: ['complaint about the service'],
  };
  await ingestMentions(ctx.db, [built.mention]);
  await saveTriage(ctx.db, [{ id: built.mention.id, triage }]);
  return built.mention;
}

/** A mention with its inbox item (draft version 1, no warnings), created through the real store functions. */
export async function storeInboxItem(ctx: AppContext, o: ChatSeed & { priority?: Priority }): Promise<InboxItem> {
  const mention = await storeTriagedMention(ctx, o);
  const item = {
    id: mention.id,
    brandId: 'acme',
    sourceId: 'feed',
    platform: 'mastodon',
    priority: o.priority ?? ('urgent' as const),
    urgency: o.urgency,
    category: 'other',
    sentiment: 'negative',
    createdAt: Date.parse(mention.createdAt),
    slaDueAt: Date.now() + 3_600_000,
    draft: 'Hi, sorry about that. We are looking into it.',
    draftTemplate: 'default',
    draftWarnings: [],
  };
  await createItems(ctx, [item]);
  const stored = await getItem(ctx.db, mention.id);
  if (!stored) throw new Error('seeded item missing');
  return stored;
}
