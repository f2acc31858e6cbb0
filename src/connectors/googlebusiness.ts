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
import { walkFeeds, type Page } from './shared/newest-first.js';
import { readIntoPage } from './shared/items.js';
import type { TokenManager } from './shared/tokens.js';
import { connectorEnv, defineConnector, type FetchResult, type ReplyOptions, type ReplyResult, type ConnectorEnv } from './types.js';

const PLATFORM = 'googlebusiness';
const SCOPE = 'https://www.googleapis.com/auth/business.manage';
const STARS: Record<string, number | null> = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5, STAR_RATING_UNSPECIFIED: null };
const NumericId = (what: string) =>
  z.coerce.string().trim().regex(/^\d+$/, `expected the numeric ${what} id (the digits after "${what}s/")`);

const Options = strict({
  accountId: NumericId('account'),
  locationId: NumericId('location'),
  ...googleCredentialFields,
  pageSize: z.number().int().min(1).max(50).default(50),
  maxPagesPerPoll: z.number().int().min(1).max(50).default(10),
  backfillPages: z.number().int().min(1).max(50).default(1),
  /** Requests per minute for this credential; Google's per-project default is higher, this leaves room for other tools. */
  requestsPerMinute: z.number().int().min(1).max(300).default(60),
  baseUrl: PlatformUrl.default('https://mybusiness.googleapis.com'),
  timeoutMs: z.number().int().positive().default(15_000),
}).superRefine((o, ctx) =>
  checkGoogleCredentials(o, ctx, {
    required: true,
    why: `the Business Profile API needs OAuth (or a service account that manages the location) with scope ${SCOPE}`,
  }),
);
type Options = z.infer<typeof Options>;

const WireReview = z.object({
  name: z.string().regex(/^accounts\/[^/]+\/locations\/[^/]+\/reviews\/[^/]+$/, 'expected accounts/{a}/locations/{l}/reviews/{r}'),
  reviewId: z.string().min(1),
  reviewer: z
    .object({ displayName: z.string().default(''), profilePhotoUrl: z.string().optional(), isAnonymous: z.boolean().default(false) })
    .default({ displayName: '', isAnonymous: true }),
  starRating: z.enum(Object.keys(STARS) as [string, ...string[]]),
  // Star-only reviews have no comment at all.
  comment: z.string().default(''),
  createTime: z.iso.datetime({ offset: true }),
  updateTime: z.iso.datetime({ offset: true }),
});
type WireReview = z.infer<typeof WireReview>;
const WireList = z.object({ reviews: z.array(z.unknown()).default([]), nextPageToken: z.string().optional() });
const WireReply = z.object({ comment: z.string(), updateTime: z.string().optional() });

interface Env extends ConnectorEnv {
  o: Options;
  key: string;
  tokens: TokenManager;
}

export const googlebusinessConnector = defineConnector({
  kind: PLATFORM,
  optionsSchema: Options,
  // PUT …/reply creates or replaces the one owner reply, so a replay is harmless.
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
    const env: Env = { ...connectorEnv(ctx), o, key: credentialKey(PLATFORM, googleIdentity(o)), tokens };
    return {
      fetch: (cursor, signal) => fetchReviews(env, cursor, signal),
      reply: (mention, text, options) => putReply(env, mention, text, options),
    };
  },
});

async function fetchReviews(env: Env, cursor: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const url = `${env.o.baseUrl}/v4/accounts/${env.o.accountId}/locations/${env.o.locationId}/reviews`;
  const query = { pageSize: env.o.pageSize, orderBy: 'updateTime desc' };
  const result = await walkFeeds<Mention>({
    cursor,
    scope: `${env.o.accountId}/${env.o.locationId}`,
    feeds: [
      { key: 'reviews', fetchPage: async (pageToken) => readPage(env, await call(env, { url, query: { ...query, pageToken }, signal })) },
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
  const page: Page<Mention> = { entries: [], rejected: [], next: list.data.nextPageToken || null };
  // Ordered by updateTime: an edited review comes round again and the store recognises it by id.
  const spec = {
    wire: WireReview,
    noun: 'review',
    idField: 'reviewId',
    id: (r: WireReview) => r.reviewId,
    at: (r: WireReview) => Date.parse(r.updateTime),
    normalise: (r: WireReview) => normalise(env, r),
  };
  for (const raw of list.data.reviews) readIntoPage(page, raw, spec);
  return page;
}

function normalise(env: Env, r: WireReview): ReturnType<typeof toMention> {
  const name = r.reviewer.isAnonymous ? '' : r.reviewer.displayName;
  return toMention({
    platform: PLATFORM,
    sourceId: env.sourceId,
    brandId: env.brandId,
    nativeId: r.name,
    url: null,
    text: r.comment.trim(),
    lang: null,
    createdAt: r.createTime,
    // The API gives no reviewer id; the review stands in so the author is never blank.
    author: { id: `review:${r.reviewId}`, handle: name || 'Google user', name, followers: null, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: STARS[r.starRating] ?? null,
    replyRef: { name: r.name },
  });
}

async function putReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  const name = mention.replyRef['name'];
  if (mention.platform !== PLATFORM || !name) throw new PermanentError(`mention ${mention.id} has no Business Profile review to reply to`);
  if (!name.startsWith(`accounts/${env.o.accountId}/locations/${env.o.locationId}/reviews/`)) {
    throw new PermanentError(
      `review ${name} is not at location accounts/${env.o.accountId}/locations/${env.o.locationId} of source "${env.sourceId}"`,
    );
  }
  const res = await call(env, {
    method: 'PUT',
    url: `${env.o.baseUrl}/v4/${name}/reply`,
    json: { comment: text },
    write: true,
    signal: options.signal,
  });
  const reply = WireReply.safeParse(parseJson(res));
  if (!reply.success)
    throw new MalformedResponseError(
      `${res.url}: the reply was accepted but could not be read (${describeIssues(reply.error)})`,
      res.status,
    );
  return { replyId: `${name}/reply`, url: null };
}

async function call(env: Env, req: HttpRequest): Promise<HttpResponse> {
  const budget = { limit: env.o.requestsPerMinute, windowMs: 60_000 };
  return env.tokens.withToken(async (token) => {
    await env.limiter.acquire(env.key, budget, { signal: req.signal });
    const res = await env.http.send({ ...req, headers: { authorization: `Bearer ${token}` }, timeoutMs: env.o.timeoutMs });
    if (res.status >= 200 && res.status < 300) return res;
    const renew = `the Google credentials (${googleIdentity(env.o)}, scope ${SCOPE}, manager of location ${env.o.locationId}) of source "${env.sourceId}"`;
    const err = googleFailure(res, { renew });
    if (err instanceof RateLimitedError) await env.limiter.block(env.key, err.retryAt);
    throw err;
  }, isTokenRejected);
}
