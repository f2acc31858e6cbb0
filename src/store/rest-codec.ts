import type { Mention } from '../mention.js';
import { decodeNativeId } from './native-id-codec.js';
import { replaceTokens, tokens } from './rest-tokens.js';
import { decodeRestV3, encodeRestV3, MARK as V3_MARK } from './rest-v3.js';

/**
 * What a mentions row keeps beside its own columns (id, platform, ids, text, times): the rest of
 * the post in a compact form. Three forms read back:
 * - version 1: a JSON array [url, author, inReplyToId, engagement, rating, replyRef, createdAt?];
 * - version 2 (written for copies of an older store, and for a post whose strings hold a control
 *   character): the number 2, then the same fields, with two things left out.
 *   The author's name, follower count and link are the person's row in `authors` (read with a
 *   join, MENTION_FROM): only the handle stays, as the post's own record of who wrote it. And a
 *   post's links and reply reference repeat its own ids (the status URL holds the native id's
 *   last segment and host, Mastodon's reply reference the status id and the handle): those
 *   repeats are written as one private-use character each (tokens()) and filled in from the
 *   row's columns when read. 214 → ~95 bytes per post in the bench replay.
 * A string that itself holds a character of that range is stored verbatim after a mark.
 * - version 3, written now (rest-v3.ts): version 2's fields without JSON, one byte per repeat.
 */
type Author = [handle: string, name: string, followers: number | null, url: string | null];
type Fields = [
  url: string | null,
  author: Author,
  inReplyToId: string | null,
  engagement: [number, number, number],
  rating: number | null,
  replyRef: Record<string, string>,
  createdAt?: string,
];
type V2 = [
  version: 2,
  url: string | null,
  /** The handle, or the whole profile as the post had it (copies of an older store keep theirs). */
  author: string | Author,
  inReplyToId: string | null,
  engagement: [number, number, number],
  rating: number | null,
  replyRef: Record<string, string>,
  createdAt?: string,
];

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
  /** The author's row in `authors` (null when there is none): version 2 rows read the profile there. */
  author_name?: string | null;
  author_followers?: number | null;
  author_url?: string | null;
}

/** The profile columns MentionColumns reads, for SELECT lists over `mentions m LEFT JOIN authors a`. */
export const AUTHOR_COLUMNS = 'a.name AS author_name, a.followers AS author_followers, a.url AS author_url';
export const AUTHOR_JOIN = 'LEFT JOIN authors a ON a.platform = m.platform AND a.native_id = m.author_id';

const VERBATIM = '\ue000';
const RESERVED = /[\ue000-\ue0ff]/u;
const CODED = /[\ue001-\ue0ff]/gu;
/** Shorter repeats are not worth a character of three bytes. */
const MIN_TOKEN = 4;

function packer(values: string[]): (s: string | null) => string | null {
  const usable = values.map((v, i) => [v, String.fromCharCode(0xe001 + i)] as const).filter(([v]) => v.length >= MIN_TOKEN);
  // Longest first, so the whole native id wins over its last segment at the same place.
  const byLength = [...usable].sort((a, b) => b[0].length - a[0].length);
  // Two tokens with the same value are written with the later one's code.
  const codeOf = new Map(usable);
  const order = byLength.map(([v]) => [v, codeOf.get(v) ?? v] as const);
  return (s) => {
    if (s === null) return null;
    if (RESERVED.test(s)) return VERBATIM + s;
    return order.length === 0 ? s : replaceTokens(s, order);
  };
}

function unpacker(values: string[]): (s: string | null) => string | null {
  return (s) => {
    if (s === null) return null;
    if (s.startsWith(VERBATIM)) return s.slice(1);
    return s.replace(CODED, (c) => values[c.charCodeAt(0) - 0xe001] ?? c);
  };
}

function keep(s: string): string {
  return RESERVED.test(s) ? VERBATIM + s : s;
}

function unkeep(s: string): string {
  return s.startsWith(VERBATIM) ? s.slice(1) : s;
}

function mapValues(ref: Record<string, string>, f: (s: string) => string | null): Record<string, string> {
  return Object.fromEntries(Object.entries(ref).map(([k, v]) => [k, f(v) ?? v]));
}

/** `profile`: keep the author's profile as this post had it (a copy of an older store, where each post had its own). */
export function encodeRest(m: Mention, profile = false): string {
  const a = m.author;
  const e = m.engagement;
  // The column holds milliseconds; the platform's own spelling (an offset, no fraction) is kept only when it differs.
  const ownTime = new Date(Date.parse(m.createdAt)).toISOString() !== m.createdAt ? m.createdAt : undefined;
  if (!profile) {
    const v3 = encodeRestV3(
      {
        url: m.url,
        handle: a.handle,
        inReplyToId: m.inReplyToId,
        engagement: [e.replies, e.reposts, e.likes],
        rating: m.rating,
        replyRef: m.replyRef,
        ...(ownTime !== undefined ? { createdAt: ownTime } : {}),
      },
      { nativeId: m.nativeId, authorId: a.id },
    );
    if (v3 !== null) return v3;
  }
  const pack = packer(tokens(m.nativeId, a.id, a.handle));
  // The handle and name are kept as written: the handle is itself one of the values filled in.
  const handle = keep(a.handle);
  const row: V2 = [
    2,
    pack(m.url),
    profile ? [handle, keep(a.name), a.followers, pack(a.url)] : handle,
    m.inReplyToId,
    [e.replies, e.reposts, e.likes],
    m.rating,
    mapValues(m.replyRef, (v) => pack(v)),
  ];
  if (ownTime !== undefined) row.push(ownTime);
  return JSON.stringify(row);
}

/** The stored fields, whatever the version, with every repeat filled in. */
type RestSource = Pick<MentionColumns, 'rest' | 'native_id' | 'author_id' | 'author_name' | 'author_followers' | 'author_url'>;

/** The profile as the join with the author's row gives it; a post whose author row is gone (or never written, as in some seeds) shows its handle as the name. */
function joinedAuthor(r: RestSource, handle: string): Author {
  const followers = r.author_followers;
  return [handle, r.author_name ?? handle, followers === null || followers === undefined ? null : Number(followers), r.author_url ?? null];
}

function restFields(r: RestSource): Fields {
  if (r.rest.startsWith(V3_MARK)) {
    const v = decodeRestV3(r.rest, { nativeId: decodeNativeId(r.native_id), authorId: r.author_id });
    const fields: Fields = [v.url, joinedAuthor(r, v.handle), v.inReplyToId, v.engagement, v.rating, v.replyRef];
    if (v.createdAt !== undefined) fields.push(v.createdAt);
    return fields;
  }
  const parsed = JSON.parse(r.rest) as Fields | V2;
  if (parsed[0] !== 2) return parsed as Fields;
  const [, url, author, inReplyToId, engagement, rating, replyRef, createdAt] = parsed as V2;
  const handle = unkeep(typeof author === 'string' ? author : author[0]);
  const unpack = unpacker(tokens(decodeNativeId(r.native_id), r.author_id, handle));
  const fields: Fields = [
    unpack(url),
    typeof author === 'string' ? joinedAuthor(r, handle) : [handle, unkeep(author[1]), author[2], unpack(author[3])],
    inReplyToId,
    engagement,
    rating,
    mapValues(replyRef, unpack),
  ];
  if (createdAt !== undefined) fields.push(createdAt);
  return fields;
}

/** The post's own link, for lists that show only that (an author's history). */
export function restUrl(r: RestSource): string | null {
  return restFields(r)[0];
}

export function mentionFromRow(r: MentionColumns): Mention {
  const [url, author, inReplyToId, engagement, rating, replyRef, createdAt] = restFields(r);
  return {
    id: r.id,
    platform: r.platform,
    sourceId: r.source_id,
    brandId: r.brand_id,
    nativeId: decodeNativeId(r.native_id),
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
