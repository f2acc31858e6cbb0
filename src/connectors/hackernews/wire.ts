import { z } from 'zod';
import type { HttpResponse } from '../../http/client.js';
import { describeIssues, toMention, type Mention } from '../../mention.js';
import { readItem } from '../shared/items.js';
import { htmlToText } from '../../text/html.js';
import { MalformedResponseError } from '../../http/errors.js';
import type { RejectedItem } from '../types.js';

/** One Algolia hit as HN Search returns it; stories and comments share the index. */
export const WireHit = z.object({
  objectID: z.string().min(1),
  created_at_i: z.number().int().nonnegative(),
  author: z.string().min(1),
  title: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
  story_text: z.string().nullable().optional(),
  comment_text: z.string().nullable().optional(),
  story_id: z.number().int().nullable().optional(),
  parent_id: z.number().int().nullable().optional(),
  story_title: z.string().nullable().optional(),
  points: z.number().int().nullable().optional(),
  num_comments: z.number().int().nullable().optional(),
  _tags: z.array(z.string()).default([]),
});
export type WireHit = z.infer<typeof WireHit>;

/** The page envelope; hits are checked one by one so a bad one is rejected alone. */
export const WirePage = z.object({
  hits: z.array(z.unknown()),
  nbHits: z.number().int().nonnegative(),
  page: z.number().int().nonnegative(),
  nbPages: z.number().int().nonnegative(),
  hitsPerPage: z.number().int().positive(),
});
export type WirePage = z.infer<typeof WirePage>;

/** Where a hit sits in time: the second it was created at and its id (ids are unique, seconds are not). */
export interface Position {
  at: number;
  id: string;
}

/** Read even from a hit that fails validation, so paging still knows how far it got. */
export function positionOf(raw: unknown): Position | null {
  const hit = raw as { objectID?: unknown; created_at_i?: unknown } | null;
  if (
    typeof hit?.objectID !== 'string' ||
    hit.objectID === '' ||
    typeof hit.created_at_i !== 'number' ||
    !Number.isInteger(hit.created_at_i)
  )
    return null;
  return { at: hit.created_at_i, id: hit.objectID };
}

export interface Gathered {
  mentions: Mention[];
  rejected: RejectedItem[];
}

export function collectHit(ids: { sourceId: string; brandId: string }, into: Gathered, raw: unknown): void {
  const item = readItem(raw, WireHit, `hit ${positionOf(raw)?.id ?? 'without objectID'}`, (hit) => normalise(ids, hit));
  if (item.ok) into.mentions.push(item.mention);
  else into.rejected.push({ reason: item.reason, raw });
}

function normalise(ids: { sourceId: string; brandId: string }, hit: WireHit): ReturnType<typeof toMention> | { ok: false; reason: string } {
  const isComment = hit.comment_text != null || hit._tags.includes('comment');
  // Stories are a title, an optional HTML body (Ask HN) and the link; comments are HTML.
  const text = isComment
    ? htmlToText(hit.comment_text ?? '')
    : [hit.title?.trim(), hit.story_text ? htmlToText(hit.story_text) : '', hit.url?.trim()].filter(Boolean).join('\n\n');
  if (!text) return { ok: false, reason: 'no text (empty comment_text, or a story without title or text)' };
  return toMention({
    platform: 'hackernews',
    sourceId: ids.sourceId,
    brandId: ids.brandId,
    nativeId: hit.objectID,
    url: `https://news.ycombinator.com/item?id=${encodeURIComponent(hit.objectID)}`,
    text,
    lang: null,
    createdAt: new Date(hit.created_at_i * 1000).toISOString(),
    author: {
      id: hit.author,
      handle: hit.author,
      name: hit.author,
      followers: null,
      url: `https://news.ycombinator.com/user?id=${encodeURIComponent(hit.author)}`,
    },
    inReplyToId: hit.parent_id != null ? String(hit.parent_id) : null,
    engagement: { replies: Math.max(0, hit.num_comments ?? 0), reposts: 0, likes: Math.max(0, hit.points ?? 0) },
    rating: null,
    replyRef: {},
  });
}

export function readPage(res: HttpResponse, body: unknown): WirePage {
  const parsed = WirePage.safeParse(body);
  if (!parsed.success)
    throw new MalformedResponseError(`${res.url}: unexpected response shape (${describeIssues(parsed.error)})`, res.status);
  return parsed.data;
}

/** Algolia errors are `{"message": …, "status": …}`; anything else is shown by its start. */
export function algoliaMessage(res: HttpResponse): string {
  try {
    const body = JSON.parse(res.text) as { message?: unknown };
    if (typeof body?.message === 'string') return body.message;
  } catch {
    // An HTML error page from a proxy: show its start instead.
  }
  return res.text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)';
}
