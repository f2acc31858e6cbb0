import type { Mention } from '../mention.js';
import type { TriageResult } from '../triage-types.js';

/**
 * How mentions and their triage are kept in Redis: JSON arrays in a fixed field order rather
 * than objects. Field names were a third of every stored mention, and a store of millions of
 * mentions pays for them millions of times. The id is the key, so it is not stored again.
 * Values written as objects by earlier versions still read (they start with "{").
 */
type MentionRow = [
  platform: string,
  sourceId: string,
  brandId: string,
  nativeId: string,
  url: string | null,
  text: string,
  lang: string | null,
  createdAt: string,
  author: [id: string, handle: string, name: string, followers: number | null, url: string | null],
  inReplyToId: string | null,
  engagement: [replies: number, reposts: number, likes: number],
  rating: number | null,
  replyRef: Record<string, string>,
];

export function encodeMention(m: Mention): string {
  const a = m.author;
  const e = m.engagement;
  const row: MentionRow = [
    m.platform,
    m.sourceId,
    m.brandId,
    m.nativeId,
    m.url,
    m.text,
    m.lang,
    m.createdAt,
    [a.id, a.handle, a.name, a.followers, a.url],
    m.inReplyToId,
    [e.replies, e.reposts, e.likes],
    m.rating,
    m.replyRef,
  ];
  return JSON.stringify(row);
}

export function decodeMention(id: string, raw: string): Mention {
  if (raw.startsWith('{')) return JSON.parse(raw) as Mention;
  const [platform, sourceId, brandId, nativeId, url, text, lang, createdAt, author, inReplyToId, engagement, rating, replyRef] = JSON.parse(
    raw,
  ) as MentionRow;
  return {
    id,
    platform,
    sourceId,
    brandId,
    nativeId,
    url,
    text,
    lang,
    createdAt,
    author: { id: author[0], handle: author[1], name: author[2], followers: author[3], url: author[4] },
    inReplyToId,
    engagement: { replies: engagement[0], reposts: engagement[1], likes: engagement[2] },
    rating,
    replyRef,
  };
}

type TriageRow = [
  sentiment: TriageResult['sentiment'],
  score: number,
  confidence: number,
  scored: 0 | 1,
  complaint: 0 | 1,
  complaintProbability: number,
  category: TriageResult['category'],
  question: 0 | 1,
  language: string,
  urgency: number,
  reasons: string[],
  irony?: number,
];

export function encodeTriage(t: TriageResult): string {
  const row: TriageRow = [
    t.sentiment,
    t.score,
    t.sentimentConfidence,
    t.sentimentScored === false ? 0 : 1,
    t.complaint ? 1 : 0,
    t.complaintProbability,
    t.category,
    t.question ? 1 : 0,
    t.language,
    t.urgency,
    t.reasons,
  ];
  if (t.irony !== undefined) row.push(t.irony);
  return JSON.stringify(row);
}

export function decodeTriage(raw: string): TriageResult {
  if (raw.startsWith('{')) return JSON.parse(raw) as TriageResult;
  const [
    sentiment,
    score,
    sentimentConfidence,
    scored,
    complaint,
    complaintProbability,
    category,
    question,
    language,
    urgency,
    reasons,
    irony,
  ] = JSON.parse(raw) as TriageRow;
  // Rows written before irony was scored have ten fields, and read back without it.
  return {
    sentiment,
    score,
    sentimentConfidence,
    sentimentScored: scored === 1,
    complaint: complaint === 1,
    complaintProbability,
    ...(irony !== undefined ? { irony } : {}),
    category,
    question: question === 1,
    language,
    urgency,
    reasons,
  };
}

/**
 * What a mentions row keeps beside its own columns (id, platform, ids, text, times): the rest
 * of the post as one compact JSON array, the same idea as the Redis form above.
 */
type RestRow = [
  url: string | null,
  author: [handle: string, name: string, followers: number | null, url: string | null],
  inReplyToId: string | null,
  engagement: [number, number, number],
  rating: number | null,
  replyRef: Record<string, string>,
  createdAt?: string,
];

export function encodeRest(m: Mention): string {
  const a = m.author;
  const e = m.engagement;
  const row: RestRow = [
    m.url,
    [a.handle, a.name, a.followers, a.url],
    m.inReplyToId,
    [e.replies, e.reposts, e.likes],
    m.rating,
    m.replyRef,
  ];
  // The column holds milliseconds; the platform's own spelling (an offset, no fraction) is kept only when it differs.
  if (new Date(Date.parse(m.createdAt)).toISOString() !== m.createdAt) row.push(m.createdAt);
  return JSON.stringify(row);
}

export interface MentionColumns {
  id: string;
  platform: string;
  native_id: string;
  source_id: string;
  brand_id: string;
  author_id: string;
  created_at: number;
  lang: string | null;
  text: string;
  rest: string;
}

export function mentionFromRow(r: MentionColumns): Mention {
  const [url, author, inReplyToId, engagement, rating, replyRef, createdAt] = JSON.parse(r.rest) as RestRow;
  return {
    id: r.id,
    platform: r.platform,
    sourceId: r.source_id,
    brandId: r.brand_id,
    nativeId: r.native_id,
    url,
    text: r.text,
    lang: r.lang,
    createdAt: createdAt ?? new Date(r.created_at).toISOString(),
    author: { id: r.author_id, handle: author[0], name: author[1], followers: author[2], url: author[3] },
    inReplyToId,
    engagement: { replies: engagement[0], reposts: engagement[1], likes: engagement[2] },
    rating,
    replyRef,
  };
}
