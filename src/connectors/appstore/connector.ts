import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { failForStatus, parseJson, type HttpRequest, type HttpResponse } from '../../http/client.js';
import { describeIssues, toMention, type Mention } from '../../mention.js';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError } from '../../http/errors.js';
import { retryAfter } from '../shared/google-auth.js';
import { es256BearerToken } from '../shared/jwt.js';
import { credentialKey } from '../shared/limiter.js';
import { walkFeeds, type Page } from '../shared/newest-first.js';
import { readIntoPage } from '../shared/items.js';
import { TokenManager } from '../shared/tokens.js';
import { Options } from './options.js';
import { WireErrors, WireList, WireResponse, WireReview } from './wire.js';
import { connectorEnv, defineConnector, type FetchResult, type ReplyOptions, type ReplyResult, type ConnectorEnv } from '../types.js';

const PLATFORM = 'appstore';
const HOUR_MS = 3_600_000;
// Apple refuses tokens that live longer than 20 minutes.
const MAX_TOKEN_SECONDS = 20 * 60;
// With no reset time in the header (the hour is rolling), wait this long once it says nothing is left.
const EXHAUSTED_PAUSE_MS = 5 * 60_000;

interface Env extends ConnectorEnv {
  o: Options;
  key: string;
  tokens: TokenManager;
  /** Apple's hourly limit as last reported, so our budget never exceeds it. */
  hourLimit: number | null;
}

export const appstoreConnector = defineConnector({
  kind: PLATFORM,
  optionsSchema: Options,
  // POST customerReviewResponses creates or replaces the single response a review can have.
  capabilities: { poll: true, stream: false, reply: true, idempotentReply: true, followers: false, rateLimit: 'headers' },
  create(ctx) {
    const o = ctx.options;
    const tokens = new TokenManager(
      ctx.kv,
      {
        issue: async () => {
          const key = o.privateKey ?? (await readKey(o.privateKeyFile, ctx.baseDir, ctx.source.id));
          try {
            const signed = es256BearerToken({
              keyId: o.keyId,
              issuer: o.issuerId,
              audience: 'appstoreconnect-v1',
              key,
              lifetimeSeconds: MAX_TOKEN_SECONDS,
              maxLifetimeSeconds: MAX_TOKEN_SECONDS,
            });
            return { accessToken: signed.token, expiresAt: signed.expiresAt };
          } catch (err) {
            throw new AuthError(
              `App Store Connect key ${o.keyId}: ${(err as Error).message}; set the .p8 key in privateKey of source "${ctx.source.id}"`,
            );
          }
        },
      },
      'appstore-jwt',
    );
    const env: Env = { ...connectorEnv(ctx), o, key: credentialKey(PLATFORM, o.issuerId, o.keyId), tokens, hourLimit: null };
    return {
      fetch: (cursor, signal) => fetchReviews(env, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
    };
  },
});

async function readKey(file: string | undefined, baseDir: string, sourceId: string): Promise<string> {
  // The options schema demands exactly one of privateKey and privateKeyFile.
  if (!file) throw new AuthError(`source "${sourceId}" has neither privateKey nor privateKeyFile`);
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new AuthError(`cannot read the App Store Connect key ${path} (${(err as Error).message}) of source "${sourceId}"`);
  }
}

async function fetchReviews(env: Env, cursor: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const first = {
    url: `${env.o.baseUrl}/v1/apps/${env.o.appId}/customerReviews`,
    query: {
      sort: '-createdDate',
      limit: env.o.limit,
      'filter[rating]': env.o.ratings.length ? env.o.ratings.join(',') : undefined,
      'filter[territory]': env.o.territory,
    },
  };
  const result = await walkFeeds<Mention>({
    cursor,
    scope: `${env.o.appId}|${env.o.ratings.join(',')}|${env.o.territory ?? ''}`,
    feeds: [
      {
        key: 'reviews',
        fetchPage: async (next) => readPage(env, await call(env, next ? { url: sameOrigin(env, next), signal } : { ...first, signal })),
      },
    ],
    maxPages: env.o.maxPagesPerPoll,
    backfillPages: env.o.backfillPages,
    onReset: () => env.log.warn({ source: env.sourceId }, 'unreadable or foreign cursor; starting again from the newest reviews'),
  });
  return { mentions: result.values, rejected: result.rejected, cursor: result.cursor, pauseUntil: result.pauseUntil };
}

/** `links.next` is a full URL; the bearer token must never be sent anywhere but the API. */
function sameOrigin(env: Env, next: string): string {
  if (new URL(next).origin !== new URL(env.o.baseUrl).origin)
    throw new MalformedResponseError(`links.next points away from ${env.o.baseUrl}: ${next}`);
  return next;
}

function readPage(env: Env, res: HttpResponse): Page<Mention> {
  const list = WireList.safeParse(parseJson(res));
  if (!list.success) throw new MalformedResponseError(`${res.url}: unexpected response shape (${describeIssues(list.error)})`);
  const page: Page<Mention> = { entries: [], rejected: [], next: list.data.links?.next || null };
  const spec = {
    wire: WireReview,
    noun: 'review',
    idField: 'id',
    id: (r: WireReview) => r.id,
    at: (r: WireReview) => Date.parse(r.attributes.createdDate),
    normalise: (r: WireReview) => normalise(env, r),
  };
  for (const raw of list.data.data) readIntoPage(page, raw, spec);
  return page;
}

function normalise(env: Env, r: WireReview): ReturnType<typeof toMention> {
  const a = r.attributes;
  const nick = a.reviewerNickname?.trim() ?? '';
  return toMention({
    platform: PLATFORM,
    sourceId: env.sourceId,
    brandId: env.brandId,
    nativeId: r.id,
    url: null,
    text: [a.title?.trim(), a.body?.trim()].filter(Boolean).join('\n\n'),
    lang: null,
    createdAt: a.createdDate,
    // Nicknames are the only reviewer identity Apple gives; they are not unique, so the id is the review's.
    author: { id: `review:${r.id}`, handle: nick || 'App Store user', name: nick, followers: null, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: a.rating,
    replyRef: { reviewId: r.id, ...(a.territory ? { territory: a.territory } : {}) },
  });
}

async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  const reviewId = mention.replyRef['reviewId'];
  if (mention.platform !== PLATFORM || !reviewId) throw new PermanentError(`mention ${mention.id} has no App Store review to reply to`);
  const json = {
    data: {
      type: 'customerReviewResponses',
      attributes: { responseBody: text },
      relationships: { review: { data: { type: 'customerReviews', id: reviewId } } },
    },
  };
  const res = await call(env, {
    method: 'POST',
    url: `${env.o.baseUrl}/v1/customerReviewResponses`,
    json,
    write: true,
    signal: options.signal,
  });
  const posted = WireResponse.safeParse(parseJson(res));
  if (!posted.success)
    throw new MalformedResponseError(
      `${res.url}: the response was accepted but could not be read (${describeIssues(posted.error)})`,
      res.status,
    );
  return { replyId: posted.data.data.id, url: null };
}

/** One request inside the hour's budget, with a fresh JWT once if Apple says ours is not valid. */
async function call(env: Env, req: HttpRequest): Promise<HttpResponse> {
  return env.tokens.withToken(
    async (token) => {
      const limit = Math.min(env.o.requestsPerHour, env.hourLimit ? Math.floor(env.hourLimit * 0.9) : Infinity);
      await env.limiter.acquire(env.key, { limit: Math.max(1, limit), windowMs: HOUR_MS }, { signal: req.signal });
      const res = await env.http.send({ ...req, headers: { authorization: `Bearer ${token}` }, timeoutMs: env.o.timeoutMs });
      await honourRateHeader(env, res);
      if (res.status >= 200 && res.status < 300) return res;
      throw await failure(env, res);
    },
    (err) => err instanceof AuthError && err.status === 401,
  );
}

/** `X-Rate-Limit: user-hour-lim:3500;user-hour-rem:500;` — when nothing is left, nobody using this key asks for a while. */
export function parseRateLimit(header: string | undefined): { limit: number; remaining: number } | null {
  if (!header) return null;
  const fields = Object.fromEntries(
    header
      .split(';')
      .map((p) => p.split(':').map((s) => s.trim()))
      .filter((p) => p.length === 2) as [string, string][],
  );
  const limit = Number(fields['user-hour-lim']);
  const remaining = Number(fields['user-hour-rem']);
  return Number.isFinite(limit) &&
    Number.isFinite(remaining) &&
    fields['user-hour-lim'] !== undefined &&
    fields['user-hour-rem'] !== undefined
    ? { limit, remaining }
    : null;
}

async function honourRateHeader(env: Env, res: HttpResponse): Promise<void> {
  const rate = parseRateLimit(res.headers['x-rate-limit']);
  if (!rate) return;
  env.hourLimit = rate.limit;
  if (rate.remaining <= 0) {
    // The next acquire then waits past its limit and raises RateLimitedError, so paging stops here.
    await env.limiter.block(env.key, new Date(Date.now() + EXHAUSTED_PAUSE_MS));
    env.log.warn({ source: env.sourceId, limit: rate.limit }, 'App Store Connect hourly request limit used up; pausing');
  }
}

async function failure(env: Env, res: HttpResponse): Promise<Error> {
  const parsed = WireErrors.safeParse(safeJson(res.text));
  const first = parsed.success ? (parsed.data.errors[0] ?? null) : null;
  const detail = first
    ? `${first.code ?? ''} ${first.title ?? ''}: ${first.detail ?? ''}`.trim()
    : res.text.slice(0, 200) || '(empty body)';
  const renew = `the App Store Connect API key ${env.o.keyId} (issuer ${env.o.issuerId}) in privateKey/keyId/issuerId of source "${env.sourceId}"`;
  if (res.status === 401) return new AuthError(`${res.url}: HTTP 401 ${detail}; check or renew ${renew} (and this machine's clock)`, 401);
  if (res.status === 403)
    return new AuthError(
      `${res.url}: HTTP 403 ${detail}; ${renew} needs a role that may read and answer customer reviews for app ${env.o.appId}`,
    );
  if (res.status === 429) {
    const at = retryAfter(res, EXHAUSTED_PAUSE_MS);
    await env.limiter.block(env.key, at);
    return new RateLimitedError(`${res.url}: rate limit exceeded (${detail}); retry after ${at.toISOString()}`, at);
  }
  if (res.status === 409 || res.status === 422) return new PermanentError(`${res.url}: refused: ${detail}`, res.status);
  return failForStatusError(res, detail);
}

function failForStatusError(res: HttpResponse, detail: string): Error {
  try {
    failForStatus(res, detail);
  } catch (err) {
    return err as Error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
