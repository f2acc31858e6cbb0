import type { AppContext } from '../../src/context.js';
import { toMention, type Mention } from '../../src/mention.js';
import { recordForSpikes } from '../../src/alerts/spikes/record.js';
import { ingestMentions, saveTriage } from '../../src/store/mentions.js';
import type { TriageResult } from '../../src/triage-types.js';
import { nth } from '../helpers/present.js';

export const T0 = Date.parse('2026-03-02T00:00:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;

const CHATTER = [
  'thanks for the smooth boarding today',
  'what time does the lounge open',
  'seat upgrade went fine',
  'my bag arrived on time',
  'nice crew on the morning flight',
  'is there a student discount',
];

export function post(
  n: string,
  author: string,
  text: string,
  at: number,
  sentiment: TriageResult['sentiment'] = 'neutral',
  category: TriageResult['category'] = 'other',
): { mention: Mention; triage: TriageResult } {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'src',
    brandId: 'acme',
    nativeId: n,
    url: `https://social.example/@${author}/${n}`,
    text,
    lang: 'en',
    createdAt: new Date(at).toISOString(),
    author: { id: `id-${author}`, handle: author, name: author, followers: 100, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: n },
  });
  if (!built.ok) throw new Error(built.reason);
  const triage: TriageResult = {
    sentiment,
    score: 0,
    sentimentConfidence: 0.8,
    complaint: sentiment === 'negative',
    complaintProbability: 0.5,
    category,
    question: false,
    language: 'en',
    urgency: 30,
    reasons: [],
  };
  return { mention: built.mention, triage };
}

/** Two posts an hour from different people, `hours` long, ending at `end`. */
export function background(end: number, hours: number, tag = 'bg'): Array<{ mention: Mention; triage: TriageResult }> {
  const out = [];
  for (let i = 0; i < hours * 2; i += 1) {
    const at = end - hours * HOUR + i * 30 * MIN + 7 * MIN;
    out.push(post(`${tag}${i}`, `person${i % 97}`, nth(CHATTER, i % CHATTER.length), at));
  }
  return out;
}

/** Stores posts and counts them, as the triage job does. */
export async function feed(ctx: AppContext, posts: Array<{ mention: Mention; triage: TriageResult }>): Promise<void> {
  for (let i = 0; i < posts.length; i += 500) {
    const batch = posts.slice(i, i + 500);
    await ingestMentions(
      ctx.db,
      batch.map((p) => p.mention),
    );
    await saveTriage(
      ctx.db,
      batch.map((p) => ({ id: p.mention.id, triage: p.triage })),
    );
    await recordForSpikes(ctx.db, new Map(ctx.config.brands.map((b) => [b.id, b])), batch);
  }
}

/** `count` posts about an outage from `authors` people, spread over `minutes` from `start`. */
export function storm(
  start: number,
  count: number,
  authors: number,
  minutes: number,
  tag = 'storm',
): Array<{ mention: Mention; triage: TriageResult }> {
  return Array.from({ length: count }, (_, i) =>
    post(
      `${tag}${i}`,
      `${tag}er${i % authors}`,
      `the app outage again, checkin portal down for everyone #${i}`,
      start + Math.floor((i * minutes * MIN) / count),
      'negative',
      'product_defect_outage',
    ),
  );
}
