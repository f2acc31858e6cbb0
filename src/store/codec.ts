import type { Mention } from '../mention.js';

/**
 * How mentions are kept in Redis (their triage: triage-codec.ts; in PostgreSQL: rest-codec.ts): JSON arrays in a fixed field order rather
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
