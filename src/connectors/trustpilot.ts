import { z } from 'zod';
import { strict } from '../config/strict.js';
import { PlatformUrl } from '../config/fields.js';
import { failForStatus, parseJson, type HttpRequest, type HttpResponse } from '../http/client.js';
import { describeIssues, toMention, type Mention } from '../mention.js';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError, TransientError } from '../http/errors.js';
import { retryAfter } from './shared/google-auth.js';
import { credentialKey } from './shared/limiter.js';
import { walkFeeds, type Page } from './shared/newest-first.js';
import { readIntoPage } from './shared/items.js';
import { TokenManager, type IssuedToken } from './shared/tokens.js';
import { connectorEnv, defineConnector, type FetchResult, type ReplyOptions, type ReplyResult, type ConnectorEnv } from './types.js';

const PLATFORM = 'trustpilot';
const TOKEN_PATH = '/v1/oauth/oauth-business-users-for-applications/accesstoken';
const REFRESH_PATH = '/v1/oauth/oauth-business-users-for-applications/refresh';

const ReplyCredentials = strict({
  apiSecret: z.string().trim().min(1, 'reply.apiSecret is empty'),
  username: z.string().trim().min(1, 'reply.username (a business user e-mail) is empty'),
  password: z.string().min(1, 'reply.password is empty'),
  businessUserId: z.string().trim().min(1, 'reply.businessUserId is empty (the id replies are posted as)'),
  tokenUrl: PlatformUrl.optional(),
  refreshUrl: PlatformUrl.optional(),
});

const Options = strict({
  businessUnitId: z.string().trim().min(1, 'businessUnitId is empty (find it with GET /v1/business-units/find?name=yourdomain.com)'),
  apiKey: z.string().trim().min(1, 'apiKey is empty: create an application in the Trustpilot Business integrations page'),
  /** Business-user login for replying; reading needs only the API key. */
  reply: ReplyCredentials.optional(),
  stars: z.array(z.number().int().min(1).max(5)).default([]),
  language: z.string().trim().min(2).optional(),
  perPage: z.number().int().min(1).max(100).default(100),
  maxPagesPerPoll: z.number().int().min(1).max(50).default(10),
  backfillPages: z.number().int().min(1).max(50).default(1),
  /** Trustpilot does not publish its limits; this stays well clear of anything a plan would allow. */
  requestsPerMinute: z.number().int().min(1).max(600).default(30),
  baseUrl: PlatformUrl.default('https://api.trustpilot.com'),
  timeoutMs: z.number().int().positive().default(15_000),
});
type Options = z.infer<typeof Options>;

const WireReview = z.object({
  id: z.string().min(1),
  stars: z.number().int().min(1).max(5),
  title: z.string().nullable().optional(),
  text: z.string().nullable().optional(),
  language: z.string().nullable().optional(),
  createdAt: z.iso.datetime({ offset: true }),
  consumer: z.object({ id: z.string().min(1), displayName: z.string().default('') }),
});
type WireReview = z.infer<typeof WireReview>;
const WireList = z.object({
  reviews: z.array(z.unknown()),
  links: z.array(z.object({ href: z.string(), rel: z.string() }).loose()).default([]),
});
const WireToken = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  expires_in: z.coerce.number().positive(),
});

interface Env extends ConnectorEnv {
  o: Options;
  key: string;
  tokens: TokenManager | null;
}

export const trustpilotConnector = defineConnector({
  kind: PLATFORM,
  optionsSchema: Options,
  // A second POST adds a second reply (no key, no overwrite); no follower counts; limits unpublished.
  capabilities: { poll: true, stream: false, reply: true, idempotentReply: false, followers: false, rateLimit: 'none' },
  create(ctx) {
    const o = ctx.options;
    const env: Env = { ...connectorEnv(ctx), o, key: credentialKey(PLATFORM, o.apiKey), tokens: null };
    if (o.reply) env.tokens = new TokenManager(ctx.kv, businessUserLogin(env, o.reply), 'trustpilot-token');
    return {
      fetch: (cursor, signal) => fetchReviews(env, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
    };
  },
});

/** OAuth2 password grant for a business user, renewed with its refresh token (about 100 h apart). */
function businessUserLogin(
  env: Env,
  r: z.infer<typeof ReplyCredentials>,
): { issue(): Promise<IssuedToken>; refresh(token: string): Promise<IssuedToken> } {
  const basic = `Basic ${Buffer.from(`${env.o.apiKey}:${r.apiSecret}`).toString('base64')}`;
  const grant = async (url: string, form: Record<string, string>): Promise<IssuedToken> => {
    const res = await env.http.send({ method: 'POST', url, form, headers: { authorization: basic }, timeoutMs: env.o.timeoutMs });
    if (res.status >= 500) throw new TransientError(`${url}: token endpoint answered HTTP ${res.status}`, res.status);
    if (res.status !== 200) {
      throw new AuthError(
        `Trustpilot refused the business-user login (HTTP ${res.status}: ${res.text.slice(0, 200)}); renew reply.username/reply.password or reply.apiSecret of source "${env.sourceId}"`,
      );
    }
    const t = WireToken.safeParse(parseJson(res));
    if (!t.success) throw new TransientError(`${url}: unreadable token response (${describeIssues(t.error)})`);
    return { accessToken: t.data.access_token, expiresAt: Date.now() + t.data.expires_in * 1000, refreshToken: t.data.refresh_token };
  };
  return {
    issue: () => grant(r.tokenUrl ?? env.o.baseUrl + TOKEN_PATH, { grant_type: 'password', username: r.username, password: r.password }),
    refresh: (token) => grant(r.refreshUrl ?? env.o.baseUrl + REFRESH_PATH, { grant_type: 'refresh_token', refresh_token: token }),
  };
}

async function fetchReviews(env: Env, cursor: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const o = env.o;
  const query = {
    perPage: o.perPage,
    orderBy: 'createdat.desc',
    stars: o.stars.length ? o.stars.join(',') : undefined,
    language: o.language,
  };
  const url = `${o.baseUrl}/v1/business-units/${encodeURIComponent(o.businessUnitId)}/reviews`;
  const result = await walkFeeds<Mention>({
    cursor,
    scope: `${o.businessUnitId}|${o.stars.join(',')}|${o.language ?? ''}`,
    feeds: [
      {
        key: 'reviews',
        fetchPage: async (page) => readPage(env, await call(env, { url, query: { ...query, page: page ?? '1' }, signal }, null)),
      },
    ],
    maxPages: o.maxPagesPerPoll,
    backfillPages: o.backfillPages,
    onReset: () => env.log.warn({ source: env.sourceId }, 'unreadable or foreign cursor; starting again from the newest reviews'),
  });
  // Page numbers shift as reviews arrive, so one review can show up on two pages of a walk.
  const mentions = [...new Map(result.values.map((m) => [m.id, m])).values()];
  return { mentions, rejected: result.rejected, cursor: result.cursor, pauseUntil: result.pauseUntil };
}

function readPage(env: Env, res: HttpResponse): Page<Mention> {
  const list = WireList.safeParse(parseJson(res));
  if (!list.success) throw new MalformedResponseError(`${res.url}: unexpected response shape (${describeIssues(list.error)})`);
  const next = list.data.links.find((l) => l.rel === 'next-page');
  const page: Page<Mention> = {
    entries: [],
    rejected: [],
    next: next ? (new URL(next.href, env.o.baseUrl).searchParams.get('page') ?? null) : null,
  };
  const spec = {
    wire: WireReview,
    noun: 'review',
    idField: 'id',
    id: (r: WireReview) => r.id,
    at: (r: WireReview) => Date.parse(r.createdAt),
    normalise: (r: WireReview) => normalise(env, r),
  };
  for (const raw of list.data.reviews) readIntoPage(page, raw, spec);
  return page;
}

function normalise(env: Env, r: WireReview): ReturnType<typeof toMention> {
  return toMention({
    platform: PLATFORM,
    sourceId: env.sourceId,
    brandId: env.brandId,
    nativeId: r.id,
    url: `https://www.trustpilot.com/reviews/${encodeURIComponent(r.id)}`,
    text: [r.title?.trim(), r.text?.trim()].filter(Boolean).join('\n\n'),
    lang: r.language ?? null,
    createdAt: r.createdAt,
    author: {
      id: r.consumer.id,
      handle: r.consumer.displayName || r.consumer.id,
      name: r.consumer.displayName,
      followers: null,
      url: `https://www.trustpilot.com/users/${encodeURIComponent(r.consumer.id)}`,
    },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: r.stars,
    replyRef: { reviewId: r.id },
  });
}

async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  if (!env.tokens || !env.o.reply)
    throw new AuthError(
      `replying on Trustpilot needs a business-user login: set reply { apiSecret, username, password, businessUserId } of source "${env.sourceId}"`,
    );
  const reviewId = mention.replyRef['reviewId'];
  if (mention.platform !== PLATFORM || !reviewId) throw new PermanentError(`mention ${mention.id} has no Trustpilot review to reply to`);
  const json = { authorBusinessUserId: env.o.reply.businessUserId, message: text };
  const url = `${env.o.baseUrl}/v1/private/reviews/${encodeURIComponent(reviewId)}/reply`;
  await call(env, { method: 'POST', url, json, write: true, signal: options.signal }, env.tokens);
  // 201 with an empty body: the reply has no id of its own and shows on the review's page.
  return { replyId: `${reviewId}:reply`, url: mention.url };
}

async function call(env: Env, req: HttpRequest, tokens: TokenManager | null): Promise<HttpResponse> {
  const attempt = async (token: string | null): Promise<HttpResponse> => {
    await env.limiter.acquire(env.key, { limit: env.o.requestsPerMinute, windowMs: 60_000 }, { signal: req.signal });
    const res = await env.http.send({
      ...req,
      // The key goes in the query for public endpoints and as a header for private ones.
      query: token ? req.query : { ...req.query, apikey: env.o.apiKey },
      headers: token ? { authorization: `Bearer ${token}`, apikey: env.o.apiKey } : {},
      timeoutMs: env.o.timeoutMs,
    });
    if (res.status >= 200 && res.status < 300) return res;
    throw await failure(env, res, token !== null);
  };
  if (!tokens) return attempt(null);
  return tokens.withToken(
    (token) => attempt(token),
    (err) => err instanceof AuthError && err.status === 401,
  );
}

async function failure(env: Env, res: HttpResponse, private_: boolean): Promise<Error> {
  const detail = `HTTP ${res.status}: ${res.text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)'}`;
  if (res.status === 401 || (res.status === 403 && !private_)) {
    const renew = private_
      ? `the business-user login (reply.*) of source "${env.sourceId}"`
      : `the API key in options.apiKey of source "${env.sourceId}"`;
    return new AuthError(`${res.url}: credentials rejected (${detail}); renew ${renew}`, res.status);
  }
  if (res.status === 429) {
    const at = retryAfter(res, 60_000);
    await env.limiter.block(env.key, at);
    return new RateLimitedError(`${res.url}: rate limited (${detail}); retry after ${at.toISOString()}`, at);
  }
  try {
    failForStatus(res, detail);
  } catch (err) {
    return err as Error;
  }
}
