import { readJsonCursor } from '../shared/cursor.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PlatformUrl } from '../../config/fields.js';
import { failForStatus, retryAfterDate, type HttpResponse } from '../../http/client.js';
import { toMention } from '../../mention.js';
import { AuthError, MalformedResponseError, RateLimitedError, TransientError } from '../../http/errors.js';
import { parseFeed, type FeedItem } from './wire.js';
import { credentialKey } from '../shared/limiter.js';
import { keep as keepItem, type Gathered } from '../shared/items.js';
import { connectorEnv, defineConnector, type FetchResult, type ConnectorEnv } from '../types.js';

const PLATFORM = 'rss';
const MAX_TEXT = 40_000;
// Keys of items already handed on; feeds show their newest 10–100 items, so this covers many polls.
const MAX_SEEN = 2_000;
const MAX_REDIRECTS = 3;
const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5';

const Options = strict({
  url: PlatformUrl,
  /** Hand on the items already in the feed on the first poll; false starts with what is published after. */
  backfill: z.boolean().default(true),
  /** Extra request headers, e.g. `authorization` for a private feed. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Requests per minute to the feed's host, shared by every source on that host. */
  requestsPerMinute: z.number().int().min(1).max(600).default(30),
  timeoutMs: z.number().int().positive().default(15_000),
});
type Options = z.infer<typeof Options>;

const Cursor = z.object({
  v: z.literal(1),
  url: z.string(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** Short hashes of the dedupe keys already handed on, newest first. */
  seen: z.array(z.string()),
});
type Cursor = z.infer<typeof Cursor>;

interface Env extends ConnectorEnv {
  options: Options;
  budgetKey: string;
}

export const rssConnector = defineConnector({
  kind: PLATFORM,
  optionsSchema: Options,
  // Feeds send no budget headers; 429/503 carry Retry-After at most.
  capabilities: { poll: true, stream: false, reply: false, idempotentReply: false, followers: false, rateLimit: 'none' },
  create(ctx) {
    const env: Env = {
      ...connectorEnv(ctx),
      options: ctx.options,
      budgetKey: credentialKey(PLATFORM, new URL(ctx.options.url).host),
    };
    return { fetch: (cursor, signal) => poll(env, cursor, signal) };
  },
});

async function poll(env: Env, cursorText: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const cursor = readCursor(env, cursorText);
  const res = await download(env, cursor, signal);
  // 304: nothing changed since the validators we sent; the cursor stays as it is.
  if (res.status === 304 && cursor) return { mentions: [], rejected: [], cursor: JSON.stringify(cursor) };
  const feed = parseFeed(res.text);
  if ('error' in feed)
    throw new MalformedResponseError(
      `${res.url}: ${feed.error} (content-type ${res.headers['content-type'] ?? 'none'}, starts ${JSON.stringify(res.text.slice(0, 60))})`,
      res.status,
    );

  const seen = new Set(cursor?.seen ?? []);
  const emit = cursor !== null || env.options.backfill;
  // `seen` of the gathering stays empty: items are told apart by their digests above.
  const result: Gathered = { mentions: [], rejected: [], seen: new Set() };
  const current = new Set<string>();
  for (const entry of feed.items) {
    // Rejected items are remembered too, so one bad item is dead-lettered once, not on every poll.
    const digest = shortHash(entry.ok ? entry.item.key : `rejected:${JSON.stringify(entry.raw)}`);
    if (current.has(digest)) continue;
    current.add(digest);
    if (seen.has(digest) || !emit) continue;
    if (!entry.ok) {
      result.rejected.push({ reason: entry.reason, raw: entry.raw });
      continue;
    }
    keepItem(result, `item ${entry.item.key}`, toMention(normalise(env, feed.title, feed.lang, entry.item)), entry.raw);
  }
  const keep = [...current, ...(cursor?.seen ?? []).filter((d) => !current.has(d))].slice(0, MAX_SEEN);
  const next: Cursor = { v: 1, url: env.options.url, ...validators(res), seen: keep };
  return { mentions: result.mentions, rejected: result.rejected, cursor: JSON.stringify(next) };
}

/** Conditional GET, following a few redirects (feeds move); the client checks every hop against the outbound policy. */
async function download(env: Env, cursor: Cursor | null, signal?: AbortSignal): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: ACCEPT, ...env.options.headers };
  if (cursor?.etag) headers['if-none-match'] = cursor.etag;
  if (cursor?.lastModified) headers['if-modified-since'] = cursor.lastModified;
  await env.limiter.acquire(env.budgetKey, { limit: env.options.requestsPerMinute, windowMs: 60_000 }, { signal });
  const onRedirect = (status: number, to: string) => {
    if (status === 301 || status === 308) env.log.warn({ source: env.sourceId, to }, 'feed moved permanently; update options.url');
  };
  const res = await env.http.send({
    url: env.options.url,
    headers,
    timeoutMs: env.options.timeoutMs,
    signal,
    followRedirects: MAX_REDIRECTS,
    onRedirect,
  });
  if (res.status === 200 || res.status === 304) return res;
  return fail(env, res);
}

async function fail(env: Env, res: HttpResponse): Promise<never> {
  const detail = res.text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)';
  if (res.status === 429 || (res.status === 503 && res.headers['retry-after'])) {
    const at = retryAfterDate(res);
    await env.limiter.block(env.budgetKey, at);
    throw new RateLimitedError(`${res.url}: HTTP ${res.status}; retry after ${at.toISOString()}`, at, res.status);
  }
  if (res.status === 401 || res.status === 403) {
    throw new AuthError(
      `${res.url}: HTTP ${res.status} (${detail}): the feed needs credentials; set them in options.headers of source "${env.sourceId}"`,
      res.status,
    );
  }
  if (res.status === 408) throw new TransientError(`${res.url}: HTTP 408 ${detail}`, 408);
  failForStatus(res, detail);
}

function normalise(env: Env, feedTitle: string, lang: string | null, item: FeedItem) {
  // A guid/id/link names the item on its own; a hash only within its feed.
  const nativeId = item.keyIsId && /^[a-z][a-z0-9+.-]*:/i.test(item.key) ? item.key : `${env.options.url}#${item.key}`;
  const host = new URL(env.options.url).host;
  const authorName = item.author?.name || feedTitle || host;
  return {
    platform: PLATFORM,
    sourceId: env.sourceId,
    brandId: env.brandId,
    nativeId,
    url: item.url,
    text: item.text.length > MAX_TEXT ? `${item.text.slice(0, MAX_TEXT - 1)}…` : item.text,
    lang,
    // An item without a date is dated when we first saw it.
    createdAt: item.date ?? new Date().toISOString(),
    author: {
      id: item.author ? `${host}:${item.author.name}` : host,
      handle: authorName,
      name: authorName,
      followers: null,
      url: item.author?.url ?? null,
    },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  };
}

function validators(res: HttpResponse): { etag?: string; lastModified?: string } {
  return {
    ...(res.headers['etag'] ? { etag: res.headers['etag'] } : {}),
    ...(res.headers['last-modified'] ? { lastModified: res.headers['last-modified'] } : {}),
  };
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 16);
}

function readCursor(env: Env, text: string | null): Cursor | null {
  if (!text) return null;
  const cursor = readJsonCursor(Cursor, text);
  if (!cursor) {
    env.log.warn({ source: env.sourceId }, 'unreadable cursor; reading the feed afresh');
    return null;
  }
  if (cursor.url !== env.options.url) {
    env.log.warn({ source: env.sourceId, was: cursor.url }, 'cursor belongs to another feed URL; reading the feed afresh');
    return null;
  }
  return cursor;
}
