import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PlatformUrl } from '../../config/fields.js';
import { parseJson, type HttpRequest, type HttpResponse } from '../../http/client.js';
import { describeIssues, toMention, type Mention } from '../../mention.js';
import { htmlToText } from '../../text/html.js';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError } from '../../http/errors.js';
import {
  checkGoogleCredentials,
  googleCredentialFields,
  googleFailure,
  googleIdentity,
  googleTokens,
  hasGoogleCredentials,
  isTokenRejected,
  nextMidnight,
  readGoogleError,
} from '../shared/google-auth.js';
import { credentialKey } from '../shared/limiter.js';
import { walkFeeds, type Feed, type Page } from '../shared/newest-first.js';
import { readIntoPage } from '../shared/items.js';
import type { TokenManager } from '../shared/tokens.js';
import { connectorEnv, defineConnector, type FetchResult, type ReplyOptions, type ReplyResult, type ConnectorEnv } from '../types.js';
import { WirePostedComment, WireThread, WireThreadList } from './wire.js';

const PLATFORM = 'youtube';
const SCOPE = 'https://www.googleapis.com/auth/youtube.force-ssl';
const DAY_MS = 86_400_000;
const REPLY_UNITS = 50;

const Options = strict({
  channelId: z.string().trim().min(1).optional(),
  videoIds: z.array(z.string().trim().min(1)).default([]),
  searchTerms: z.string().trim().min(1).optional(),
  apiKey: z
    .string()
    .optional()
    .transform((k) => k?.trim() || undefined),
  ...googleCredentialFields,
  textFormat: z.enum(['plainText', 'html']).default('plainText'),
  maxResults: z.number().int().min(1).max(100).default(100),
  maxPagesPerPoll: z.number().int().min(1).max(50).default(5),
  backfillPages: z.number().int().min(1).max(50).default(1),
  /** The Cloud project's daily quota; half goes to reading, most of the rest to replies (50 units each). */
  quotaUnitsPerDay: z.number().int().min(100).default(10_000),
  baseUrl: PlatformUrl.default('https://www.googleapis.com'),
  timeoutMs: z.number().int().positive().default(15_000),
}).superRefine((o, ctx) => {
  if (!o.channelId && o.videoIds.length === 0)
    ctx.addIssue({ code: 'custom', message: 'nothing to listen to: set channelId (all comments on the channel) or videoIds' });
  checkGoogleCredentials(o, ctx, {
    required: !o.apiKey,
    why: `reading comments needs options.apiKey or OAuth credentials (scope ${SCOPE})`,
  });
});
type Options = z.infer<typeof Options>;

interface Env extends ConnectorEnv {
  o: Options;
  key: string;
  tokens: TokenManager | null;
}

export const youtubeConnector = defineConnector({
  kind: PLATFORM,
  optionsSchema: Options,
  // Followers would cost a channels.list call per author; comments.insert has no idempotency.
  capabilities: { poll: true, stream: false, reply: true, idempotentReply: false, followers: false, rateLimit: 'quota' },
  create(ctx) {
    const o = ctx.options;
    const tokens = hasGoogleCredentials(o)
      ? googleTokens(o, {
          http: ctx.http,
          kv: ctx.kv,
          scope: SCOPE,
          baseDir: ctx.baseDir,
          sourceLabel: `source "${ctx.source.id}"`,
          timeoutMs: o.timeoutMs,
        })
      : null;
    // The quota belongs to the Cloud project; the key or client identifies it.
    const key = credentialKey(PLATFORM, o.apiKey ?? googleIdentity(o));
    const env: Env = { ...connectorEnv(ctx), o, key, tokens };
    return {
      fetch: (cursor, signal) => fetchComments(env, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
    };
  },
});

async function fetchComments(env: Env, cursor: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const feeds: Feed<Mention>[] = [];
  if (env.o.channelId) feeds.push(threadFeed(env, `channel:${env.o.channelId}`, { allThreadsRelatedToChannelId: env.o.channelId }, signal));
  for (const id of new Set(env.o.videoIds)) feeds.push(threadFeed(env, `video:${id}`, { videoId: id }, signal));
  const result = await walkFeeds({
    cursor,
    scope: `${env.o.searchTerms ?? ''}`,
    feeds,
    maxPages: env.o.maxPagesPerPoll,
    backfillPages: env.o.backfillPages,
    onReset: () => env.log.warn({ source: env.sourceId }, 'unreadable or foreign cursor; starting again from the newest comments'),
  });
  // A channel feed and a video feed can both carry the same thread.
  const mentions = [...new Map(result.values.map((m) => [m.id, m])).values()];
  return { mentions, rejected: result.rejected, cursor: result.cursor, pauseUntil: result.pauseUntil };
}

function threadFeed(env: Env, key: string, filter: Record<string, string>, signal?: AbortSignal): Feed<Mention> {
  const query = {
    part: 'snippet',
    order: 'time',
    textFormat: env.o.textFormat,
    maxResults: env.o.maxResults,
    searchTerms: env.o.searchTerms,
    ...filter,
  };
  return {
    key,
    fetchPage: async (pageToken) => {
      const req = { url: `${env.o.baseUrl}/youtube/v3/commentThreads`, query: { ...query, pageToken }, signal };
      let res: HttpResponse;
      try {
        res = await call(env, req, 'read');
      } catch (err) {
        // Comments switched off on one video is that video's business, not a broken source.
        if (err instanceof PermanentError && err.message.includes('commentsDisabled')) {
          env.log.warn({ source: env.sourceId, feed: key }, 'comments are disabled; skipping this feed');
          return { entries: [], rejected: [], next: null };
        }
        throw err;
      }
      return readPage(env, res);
    },
  };
}

function readPage(env: Env, res: HttpResponse): Page<Mention> {
  const list = WireThreadList.safeParse(parseJson(res));
  if (!list.success) throw new MalformedResponseError(`${res.url}: unexpected response shape (${describeIssues(list.error)})`);
  const page: Page<Mention> = { entries: [], rejected: [], next: list.data.nextPageToken || null };
  const spec = {
    wire: WireThread,
    noun: 'comment thread',
    idField: 'id',
    id: (t: WireThread) => t.id,
    at: (t: WireThread) => Date.parse(t.snippet.topLevelComment.snippet.publishedAt),
    normalise: (t: WireThread) => normalise(env, t),
  };
  for (const raw of list.data.items) readIntoPage(page, raw, spec);
  return page;
}

function normalise(env: Env, t: WireThread): ReturnType<typeof toMention> {
  const c = t.snippet.topLevelComment;
  const s = c.snippet;
  const videoId = t.snippet.videoId;
  return toMention({
    platform: PLATFORM,
    sourceId: env.sourceId,
    brandId: env.brandId,
    nativeId: c.id,
    url: videoId ? `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&lc=${encodeURIComponent(c.id)}` : null,
    text: env.o.textFormat === 'html' ? htmlToText(s.textDisplay) : s.textDisplay,
    lang: null,
    createdAt: s.publishedAt,
    author: {
      id: s.authorChannelId.value,
      handle: s.authorDisplayName || s.authorChannelId.value,
      name: s.authorDisplayName,
      followers: null,
      url: s.authorChannelUrl ?? null,
    },
    inReplyToId: null,
    engagement: { replies: t.snippet.totalReplyCount, reposts: 0, likes: s.likeCount },
    rating: null,
    replyRef: { parentId: t.id, ...(videoId ? { videoId } : {}) },
  });
}

async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  if (!env.tokens)
    throw new AuthError(
      `replying on YouTube needs OAuth credentials with scope ${SCOPE} for the brand channel: set oauth (or a service account) in source "${env.sourceId}"`,
    );
  const parentId = mention.replyRef['parentId'];
  if (mention.platform !== PLATFORM || !parentId)
    throw new PermanentError(`mention ${mention.id} has no YouTube comment thread to reply to`);
  const req = {
    method: 'POST' as const,
    url: `${env.o.baseUrl}/youtube/v3/comments`,
    query: { part: 'snippet' },
    json: { snippet: { parentId, textOriginal: text } },
    write: true,
    signal: options.signal,
  };
  const res = await call(env, req, 'write');
  const posted = WirePostedComment.safeParse(parseJson(res));
  if (!posted.success)
    throw new MalformedResponseError(
      `${res.url}: the reply was accepted but could not be read (${describeIssues(posted.error)})`,
      res.status,
    );
  const videoId = mention.replyRef['videoId'];
  return {
    replyId: posted.data.id,
    url: videoId ? `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&lc=${encodeURIComponent(posted.data.id)}` : null,
  };
}

/** One API call within the day's budget, with the key or a bearer token renewed once on 401. */
async function call(env: Env, req: HttpRequest, kind: 'read' | 'write'): Promise<HttpResponse> {
  const units = env.o.quotaUnitsPerDay;
  const budget =
    kind === 'read'
      ? { limit: Math.floor(units * 0.5), windowMs: DAY_MS }
      : { limit: Math.max(1, Math.floor((units * 0.45) / REPLY_UNITS)), windowMs: DAY_MS };
  const useKey = kind === 'read' && env.o.apiKey !== undefined;
  const attempt = async (token: string | null): Promise<HttpResponse> => {
    await env.limiter.acquire(`${env.key}:${kind}`, budget, { signal: req.signal });
    const res = await env.http.send({
      ...req,
      query: useKey ? { ...req.query, key: env.o.apiKey } : req.query,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      timeoutMs: env.o.timeoutMs,
    });
    if (res.status >= 200 && res.status < 300) return res;
    throw await failure(env, res, useKey);
  };
  if (useKey || !env.tokens) return attempt(null);
  return env.tokens.withToken((token) => attempt(token), isTokenRejected);
}

async function failure(env: Env, res: HttpResponse, usedKey: boolean): Promise<Error> {
  const renew = usedKey
    ? `the API key in options.apiKey of source "${env.sourceId}" (Google Cloud console → Credentials; YouTube Data API v3 enabled)`
    : `the Google credentials (${googleIdentity(env.o)}, scope ${SCOPE}) of source "${env.sourceId}"`;
  // The daily quota resets at midnight Pacific Time, whatever the server's zone.
  const err = googleFailure(res, { renew, quotaResetsAt: () => nextMidnight('America/Los_Angeles') });
  if (err instanceof RateLimitedError) {
    await Promise.all(['read', 'write'].map((k) => env.limiter.block(`${env.key}:${k}`, err.retryAt)));
    env.log.warn(
      { source: env.sourceId, until: err.retryAt.toISOString(), reasons: readGoogleError(res).reasons },
      'YouTube quota spent; pausing',
    );
  }
  return err;
}
