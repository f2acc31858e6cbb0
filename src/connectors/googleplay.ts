import { z } from 'zod';
import { strict } from '../config/strict.js';
import { PlatformUrl } from '../config/fields.js';
import { parseJson, type HttpRequest, type HttpResponse } from '../http/client.js';
import { describeIssues, toMention, type Mention } from '../mention.js';
import { MalformedResponseError, PermanentError, RateLimitedError } from '../http/errors.js';
import {
  checkGoogleCredentials,
  googleCredentialFields,
  googleFailure,
  googleIdentity,
  googleTokens,
  isTokenRejected,
} from './shared/google-auth.js';
import { credentialKey } from './shared/limiter.js';
import { readIntoPage } from './shared/items.js';
import { walkFeeds, type Page } from './shared/newest-first.js';
import type { TokenManager } from './shared/tokens.js';
import { connectorEnv, defineConnector, type FetchResult, type ReplyOptions, type ReplyResult, type ConnectorEnv } from './types.js';

const PLATFORM = 'googleplay';
const SCOPE = 'https://www.googleapis.com/auth/androidpublisher';
const HOUR_MS = 3_600_000;
/** Play's reply limit; longer text is refused, so it is refused here before spending a call. */
export const MAX_REPLY_CHARS = 350;

const Options = strict({
  packageName: z
    .string()
    .trim()
    .regex(/^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$/, 'expected an Android package name like "com.acme.app"'),
  ...googleCredentialFields,
  translationLanguage: z.string().trim().min(2).optional(),
  maxResults: z.number().int().min(1).max(100).default(100),
  maxPagesPerPoll: z.number().int().min(1).max(50).default(10),
  backfillPages: z.number().int().min(1).max(50).default(5),
  baseUrl: PlatformUrl.default('https://androidpublisher.googleapis.com'),
  timeoutMs: z.number().int().positive().default(15_000),
}).superRefine((o, ctx) =>
  checkGoogleCredentials(o, ctx, { required: true, why: `the Play Developer API needs a service account (or OAuth) with scope ${SCOPE}` }),
);
type Options = z.infer<typeof Options>;

const Timestamp = z.object({ seconds: z.coerce.number().int().nonnegative(), nanos: z.number().int().default(0) });
const WireReview = z.object({
  reviewId: z.string().min(1),
  authorName: z.string().default(''),
  comments: z.array(z.object({ userComment: z.unknown().optional(), developerComment: z.unknown().optional() })).min(1),
});
const WireUserComment = z.object({
  text: z.string(),
  lastModified: Timestamp,
  starRating: z.number().int().min(1).max(5),
  reviewerLanguage: z.string().optional(),
  appVersionName: z.string().optional(),
});
/** A review with its latest user comment: the user's comes first and an edit replaces it in place, so the latest is the last. */
const WirePlayReview = WireReview.transform((r, ctx) => {
  const comment = WireUserComment.safeParse(
    r.comments
      .map((c) => c.userComment)
      .filter((c) => c !== undefined)
      .pop(),
  );
  if (comment.success)
    return {
      ...r,
      comment: comment.data,
      at: comment.data.lastModified.seconds * 1000 + Math.floor(comment.data.lastModified.nanos / 1e6),
    };
  for (const issue of comment.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['userComment', ...issue.path] });
  return z.NEVER;
});
type WirePlayReview = z.infer<typeof WirePlayReview>;
const WireList = z.object({
  reviews: z.array(z.unknown()).default([]),
  tokenPagination: z.object({ nextPageToken: z.string().optional() }).optional(),
});
const WireReplied = z.object({ result: z.object({ replyText: z.string(), lastEdited: Timestamp.optional() }) });

interface Env extends ConnectorEnv {
  o: Options;
  key: string;
  tokens: TokenManager;
}

export const googleplayConnector = defineConnector({
  kind: PLATFORM,
  optionsSchema: Options,
  // reviews:reply replaces the one developer reply a review can have, so replaying it changes nothing.
  capabilities: { poll: true, stream: false, reply: true, idempotentReply: true, followers: false, rateLimit: 'quota' },
  create(ctx) {
    const o = ctx.options;
    const tokens = googleTokens(o, {
      http: ctx.http,
      kv: ctx.kv,
      scope: SCOPE,
      baseDir: ctx.baseDir,
      sourceLabel: `source "${ctx.source.id}"`,
      timeoutMs: o.timeoutMs,
    });
    // Play counts its quota per app, whichever credential asks.
    const key = credentialKey(PLATFORM, o.packageName);
    const env: Env = { ...connectorEnv(ctx), o, key, tokens };
    return {
      fetch: (cursor, signal) => fetchReviews(env, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
    };
  },
});

const base = (env: Env) => `${env.o.baseUrl}/androidpublisher/v3/applications/${encodeURIComponent(env.o.packageName)}`;

async function fetchReviews(env: Env, cursor: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const query = { maxResults: env.o.maxResults, translationLanguage: env.o.translationLanguage };
  const result = await walkFeeds<Mention>({
    cursor,
    scope: env.o.packageName,
    feeds: [
      {
        key: 'reviews',
        fetchPage: async (token) =>
          readPage(env, await call(env, { url: `${base(env)}/reviews`, query: { ...query, token }, signal }, 'read')),
      },
    ],
    maxPages: env.o.maxPagesPerPoll,
    backfillPages: env.o.backfillPages,
    onReset: () => env.log.warn({ source: env.sourceId }, 'unreadable or foreign cursor; starting again from the newest reviews'),
  });
  return { mentions: result.values, rejected: result.rejected, cursor: result.cursor, pauseUntil: result.pauseUntil };
}

function readPage(env: Env, res: HttpResponse): Page<Mention> {
  const list = WireList.safeParse(parseJson(res));
  if (!list.success) throw new MalformedResponseError(`${res.url}: unexpected response shape (${describeIssues(list.error)})`);
  const page: Page<Mention> = { entries: [], rejected: [], next: list.data.tokenPagination?.nextPageToken || null };
  const spec = {
    wire: WirePlayReview,
    noun: 'review',
    idField: 'reviewId',
    id: (r: WirePlayReview) => r.reviewId,
    at: (r: WirePlayReview) => r.at,
    normalise: (r: WirePlayReview) => normalise(env, r),
  };
  for (const raw of list.data.reviews) readIntoPage(page, raw, spec);
  return page;
}

function normalise(env: Env, r: WirePlayReview): ReturnType<typeof toMention> {
  const c = r.comment;
  return toMention({
    platform: PLATFORM,
    sourceId: env.sourceId,
    brandId: env.brandId,
    nativeId: r.reviewId,
    url: null,
    text: c.text.trim(),
    lang: c.reviewerLanguage ?? null,
    createdAt: new Date(r.at).toISOString(),
    // Play gives no reviewer id; the review id stands in so the author is never blank.
    author: { id: `review:${r.reviewId}`, handle: r.authorName || 'Google Play user', name: r.authorName, followers: null, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: c.starRating,
    replyRef: { reviewId: r.reviewId, packageName: env.o.packageName },
  });
}

async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  const reviewId = mention.replyRef['reviewId'];
  if (mention.platform !== PLATFORM || !reviewId) throw new PermanentError(`mention ${mention.id} has no Google Play review to reply to`);
  if (mention.replyRef['packageName'] !== env.o.packageName)
    throw new PermanentError(`review ${reviewId} belongs to ${mention.replyRef['packageName']}, not ${env.o.packageName}`);
  if ([...text].length > MAX_REPLY_CHARS)
    throw new PermanentError(`Google Play replies are limited to ${MAX_REPLY_CHARS} characters; this one has ${[...text].length}`);
  const url = `${base(env)}/reviews/${encodeURIComponent(reviewId)}:reply`;
  const res = await call(env, { method: 'POST', url, json: { replyText: text }, write: true, signal: options.signal }, 'write');
  const replied = WireReplied.safeParse(parseJson(res));
  if (!replied.success)
    throw new MalformedResponseError(
      `${res.url}: the reply was accepted but could not be read (${describeIssues(replied.error)})`,
      res.status,
    );
  // A review has one developer reply and it has no id of its own.
  return { replyId: `${reviewId}:reply`, url: null };
}

/** Play's documented quotas are 200 review reads an hour and 2,000 replies a day per app; we stay under both. */
async function call(env: Env, req: HttpRequest, kind: 'read' | 'write'): Promise<HttpResponse> {
  const budget = kind === 'read' ? { limit: 180, windowMs: HOUR_MS } : { limit: 1_800, windowMs: 24 * HOUR_MS };
  return env.tokens.withToken(async (token) => {
    await env.limiter.acquire(`${env.key}:${kind}`, budget, { signal: req.signal });
    const res = await env.http.send({ ...req, headers: { authorization: `Bearer ${token}` }, timeoutMs: env.o.timeoutMs });
    if (res.status >= 200 && res.status < 300) return res;
    const renew = `the Google credentials (${googleIdentity(env.o)}, scope ${SCOPE}, Play Console permission "Reply to reviews" for ${env.o.packageName}) of source "${env.sourceId}"`;
    const err = googleFailure(res, { renew });
    if (err instanceof RateLimitedError) await env.limiter.block(`${env.key}:${kind}`, err.retryAt);
    throw err;
  }, isTokenRejected);
}
