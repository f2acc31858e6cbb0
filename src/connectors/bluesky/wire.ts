import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { HttpResponse } from '../../http/client.js';
import { describeIssues, type MentionInput } from '../../mention.js';
import { MalformedResponseError } from '../../http/errors.js';

/** What createSession and refreshSession answer (extra fields such as email are ignored). */
export const WireSession = z.object({
  did: z.string().min(1),
  handle: z.string().min(1),
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
});
export type WireSession = z.infer<typeof WireSession>;

const StrongRef = z.object({ uri: z.string().min(1), cid: z.string().min(1) });

/** `app.bsky.feed.post` as it sits in a repo: text is plain, `reply` points at the thread. */
export const WirePostRecord = z.object({
  text: z.string(),
  createdAt: z.string().min(1),
  langs: z.array(z.string()).optional(),
  reply: z.object({ root: StrongRef, parent: StrongRef }).optional(),
});
export type WirePostRecord = z.infer<typeof WirePostRecord>;

const WireAuthor = z.object({ did: z.string().min(1), handle: z.string().min(1), displayName: z.string().optional() });
const Count = z.number().int().optional();

/** PostView from searchPosts; `record` is typed `unknown` in the lexicon, so it is checked here. */
export const WirePostView = z.object({
  uri: z.string().min(1),
  cid: z.string().min(1),
  author: WireAuthor,
  record: WirePostRecord,
  replyCount: Count,
  repostCount: Count,
  likeCount: Count,
  quoteCount: Count,
  indexedAt: z.string().min(1),
});

export const WireNotification = z.object({
  uri: z.string().min(1),
  cid: z.string().min(1),
  author: WireAuthor,
  reason: z.string(),
  record: WirePostRecord,
  indexedAt: z.string().min(1),
});

export const WireSearchPage = z.object({ cursor: z.string().optional(), posts: z.array(z.unknown()) });
export const WireNotificationPage = z.object({ cursor: z.string().optional(), notifications: z.array(z.unknown()) });
export const WireProfiles = z.object({
  profiles: z.array(z.object({ did: z.string(), followersCount: z.number().int().optional() }).loose()),
});
export const WireCreated = z.object({ uri: z.string().min(1), cid: z.string().min(1) });
export const WireRecord = z.object({
  uri: z.string().min(1),
  cid: z.string().optional(),
  value: z.object({ reply: z.object({ parent: StrongRef }).optional() }).loose(),
});

const WireError = z.object({ error: z.string(), message: z.string().optional() });

/** XRPC errors are `{"error": Name, "message": text}`; anything else (a proxy page) is shown raw. */
export function xrpcError(res: HttpResponse): { name: string; detail: string } {
  try {
    const parsed = WireError.safeParse(JSON.parse(res.text));
    if (parsed.success) return { name: parsed.data.error, detail: `${parsed.data.error}: ${parsed.data.message ?? ''}`.replace(/: $/, '') };
  } catch {
    // not JSON
  }
  return { name: '', detail: res.text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)' };
}

/** `RateLimit-Reset` is epoch seconds on Bluesky; without a usable one wait a minute. */
export function resetAt(res: HttpResponse): Date {
  const secs = Number(res.headers['ratelimit-reset']);
  return Number.isFinite(secs) && secs * 1000 > Date.now() ? new Date(secs * 1000) : new Date(Date.now() + 60_000);
}

export function rkeyOf(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

/** Access-token lifetime from the JWT's `exp`; null when it is not a readable JWT. */
export function jwtExpiry(jwt: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

const S32 = '234567abcdefghijklmnopqrstuvwxyz';

/**
 * A record key with the shape of an atproto TID (13 base32-sortable chars: 53 bits of
 * microseconds, 10 bits of clock id), derived only from the idempotency key and the parent's
 * time. The same draft always gets the same rkey, so a replayed createRecord collides instead
 * of posting twice; the hash spreads different drafts over a second's worth of microseconds
 * and 1024 clock ids.
 */
export function tidFromKey(key: string, anchorMs: number): string {
  const digest = createHash('sha256').update(key).digest();
  const micros = BigInt(Math.max(0, Math.floor(anchorMs))) * 1000n + BigInt(digest.readUInt32BE(0) % 1_000_000);
  let value = ((micros & ((1n << 53n) - 1n)) << 10n) | BigInt(digest.readUInt16BE(4) & 0x3ff);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = S32.charAt(Number(value & 31n)) + out;
    value >>= 5n;
  }
  return out;
}

export interface PostParts {
  uri: string;
  cid: string;
  did: string;
  /** Unknown on Jetstream, which only carries the DID: the DID stands in for it. */
  handle: string;
  displayName: string;
  record: WirePostRecord;
  counts: { replies?: number | undefined; reposts?: number | undefined; likes?: number | undefined };
}

/** Everything a Mention needs except followers, which come later from getProfiles in batches. */
export function postInput(
  p: PostParts,
  target: { sourceId: string; brandId: string },
): Omit<MentionInput, 'author'> & { author: Omit<MentionInput['author'], 'followers'> } {
  const rkey = rkeyOf(p.uri);
  const count = (n: number | undefined) => Math.max(0, n ?? 0);
  return {
    platform: 'bluesky',
    sourceId: target.sourceId,
    brandId: target.brandId,
    nativeId: p.uri,
    url: `https://bsky.app/profile/${p.handle}/post/${rkey}`,
    text: p.record.text,
    lang: p.record.langs?.[0] ?? null,
    createdAt: p.record.createdAt,
    author: { id: p.did, handle: p.handle, name: p.displayName, url: `https://bsky.app/profile/${p.handle}` },
    inReplyToId: p.record.reply?.parent.uri ?? null,
    engagement: { replies: count(p.counts.replies), reposts: count(p.counts.reposts), likes: count(p.counts.likes) },
    rating: null,
    // A reply needs both ends of the thread: the post itself (parent) and the thread's root.
    replyRef: { uri: p.uri, cid: p.cid, rootUri: p.record.reply?.root.uri ?? p.uri, rootCid: p.record.reply?.root.cid ?? p.cid },
  };
}

export const MENTION_REASONS = ['mention', 'reply', 'quote'];

export interface Position {
  uri: string;
  at: string;
}

export interface Entry {
  position: Position | null;
  parts: PostParts | null;
  raw: unknown;
  reason?: string;
}

export function expect<T>(schema: z.ZodType<T>, body: unknown, url: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new MalformedResponseError(`${url}: unexpected response shape (${describeIssues(parsed.error)})`);
  return parsed.data;
}

export function positionOf(raw: unknown): Position | null {
  const r = raw as { uri?: unknown; indexedAt?: unknown } | null;
  return typeof r?.uri === 'string' && typeof r.indexedAt === 'string' ? { uri: r.uri, at: r.indexedAt } : null;
}

export function searchEntries(body: unknown, url: string): { entries: Entry[]; next: string | undefined } {
  const page = expect(WireSearchPage, body, url);
  const entries = page.posts.map((raw): Entry => {
    const p = WirePostView.safeParse(raw);
    if (!p.success)
      return {
        position: positionOf(raw),
        parts: null,
        raw,
        reason: `post ${positionOf(raw)?.uri ?? 'without uri'}: ${describeIssues(p.error)}`,
      };
    const v = p.data;
    const parts = {
      uri: v.uri,
      cid: v.cid,
      did: v.author.did,
      handle: v.author.handle,
      displayName: v.author.displayName ?? '',
      record: v.record,
      counts: { replies: v.replyCount, reposts: v.repostCount, likes: v.likeCount },
    };
    return { position: { uri: v.uri, at: v.indexedAt }, parts, raw };
  });
  return { entries, next: page.cursor };
}

export function notificationEntries(body: unknown, url: string): { entries: Entry[]; next: string | undefined } {
  const page = expect(WireNotificationPage, body, url);
  const entries = page.notifications.map((raw): Entry => {
    const n = WireNotification.safeParse(raw);
    if (!n.success)
      return {
        position: positionOf(raw),
        parts: null,
        raw,
        reason: `notification ${positionOf(raw)?.uri ?? 'without uri'}: ${describeIssues(n.error)}`,
      };
    const v = n.data;
    if (!MENTION_REASONS.includes(v.reason)) return { position: { uri: v.uri, at: v.indexedAt }, parts: null, raw };
    const parts = {
      uri: v.uri,
      cid: v.cid,
      did: v.author.did,
      handle: v.author.handle,
      displayName: v.author.displayName ?? '',
      record: v.record,
      counts: {},
    };
    return { position: { uri: v.uri, at: v.indexedAt }, parts, raw };
  });
  return { entries, next: page.cursor };
}
