import type { Logger } from 'pino';
import { z } from 'zod';
import { Options } from './options.js';
import { failForStatus, parseJson, type HttpClient, type HttpResponse } from '../../http/client.js';
import { describeIssues, type Mention } from '../../mention.js';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError } from '../../http/errors.js';
import { readJsonCursor } from '../shared/cursor.js';
import { listen, streamsFor, type StreamDeps } from './stream.js';
import { feedsFor, type Feed } from './feeds.js';
import { credentialKey, type Budget, type RateLimiter } from '../shared/limiter.js';
import { addressTo, collect, compareIds, platformMessage, retryAt, streamEntries, WirePostedStatus, type Gathered } from './wire.js';
export { addressTo } from './wire.js';
import { connectorEnv, defineConnector, type FetchResult, type ReplyOptions, type ReplyResult, type StreamSink } from '../types.js';

const PLATFORM = 'mastodon';
const SCOPES = 'read:notifications read:search read:statuses write:statuses';
// Stock Mastodon allows 300 requests per 5 minutes per token; stay a little under it.
const BUDGET: Budget = { limit: 280, windowMs: 300_000 };

interface Env {
  http: HttpClient;
  log: Logger;
  /** Instance URL without a trailing slash; also recorded in the cursor, since positions are local ids. */
  base: string;
  options: Options;
  sourceId: string;
  brandId: string;
  limiter: RateLimiter;
  /** Budget shared by every source using this token on this instance (or this instance without a token). */
  budgetKey: string;
  budget: Budget;
}

interface Run extends Gathered {
  pauseUntil?: Date;
  more?: boolean;
  signal?: AbortSignal;
}

const Cursor = z.object({ v: z.literal(1), instance: z.string(), feeds: z.record(z.string(), z.string().min(1)) });

export const mastodonConnector = defineConnector({
  kind: PLATFORM,
  optionsSchema: Options,
  capabilities: { poll: true, stream: true, reply: true, idempotentReply: true, followers: true, rateLimit: 'headers' },
  create(ctx) {
    const base = ctx.options.instance.replace(/\/+$/, '');
    const env: Env = {
      ...connectorEnv(ctx),
      base,
      options: ctx.options,
      budgetKey: credentialKey(PLATFORM, base, ctx.options.token ?? ''),
      budget: ctx.options.requestBudget ? { limit: ctx.options.requestBudget.limit, windowMs: ctx.options.requestBudget.window } : BUDGET,
    };
    const feeds = feedsFor(ctx.options);
    const streams = streamsFor(ctx.options);
    return {
      fetch: (cursor, signal) => fetchFeeds(env, feeds, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
      // Streams need a user token since Mastodon 4.2, and search has no stream: polling covers those.
      ...(ctx.options.token && streams.length > 0
        ? { stream: (_cursor: string | null, sink: StreamSink, signal: AbortSignal) => listen(streamDeps(env), streams, sink, signal) }
        : {}),
    };
  },
});

async function fetchFeeds(env: Env, feeds: Feed[], cursorText: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const start = readCursor(env, cursorText);
  const positions: Record<string, string> = {};
  for (const feed of feeds) {
    const position = start[feed.key];
    if (position) positions[feed.key] = position;
  }
  const run: Run = { mentions: [], rejected: [], seen: new Set(), signal };
  for (const feed of feeds) {
    try {
      await readFeed(env, run, feed, start[feed.key] ?? null, (position) => (positions[feed.key] = position));
    } catch (err) {
      // With nothing gathered yet a plain rate-limit error is clearer; otherwise keep what this poll already has.
      if (!(err instanceof RateLimitedError) || run.mentions.length + run.rejected.length === 0) throw err;
      env.log.warn(
        { source: env.sourceId, feed: feed.key, until: err.retryAt.toISOString() },
        'rate limited part-way; keeping the feeds read so far',
      );
      run.pauseUntil = err.retryAt;
    }
    if (run.pauseUntil) break;
  }
  const cursor = JSON.stringify({ v: 1, instance: env.base, feeds: positions });
  return { mentions: run.mentions, rejected: run.rejected, cursor, pauseUntil: run.pauseUntil, more: run.more === true && !run.pauseUntil };
}

/**
 * Forward from a saved position, `min_id` gives the page just above it, so following the
 * highest id page by page is gap-free. Each such page moves the position on its own; a later
 * failure cannot skip it. Without a position only the newest page(s) are read (going older
 * with `max_id`), and the position is set once that backfill is done. A feed that was empty
 * then starts at 0, so everything that arrives in it later is read.
 */
async function readFeed(env: Env, run: Run, feed: Feed, start: string | null, advance: (position: string) => void): Promise<void> {
  const pages = start ? env.options.maxPagesPerPoll : env.options.backfillPages;
  let after = start;
  let before: string | null = null;
  let newest: string | null = null;
  let empty = true;
  for (let page = 0; page < pages; page++) {
    const query = { ...feed.query, limit: String(feed.limit), ...(after ? { min_id: after } : before ? { max_id: before } : {}) };
    const res = await getPage(env, run, feed, query);
    if (!res) return;
    const entries = feed.entries(parseJson(res), res.url);
    collect(env, run, entries);
    empty &&= entries.length === 0;
    const ids = entries
      .map((e) => e.position)
      .filter((id): id is string => id !== null)
      .sort(compareIds);
    const top = ids[ids.length - 1];
    if (start) {
      if (top === undefined || after === null || compareIds(top, after) <= 0) break;
      after = top;
      advance(top);
    } else {
      if (top !== undefined && (newest === null || compareIds(top, newest) > 0)) newest = top;
      before = ids[0] ?? null;
    }
    if (entries.length < feed.limit || ids.length === 0 || run.pauseUntil) break;
    // A full last page going forward: the feed has more than this poll may read.
    if (start && page === pages - 1) run.more = true;
  }
  if (!start && (newest !== null || empty)) advance(newest ?? '0');
}

async function getPage(env: Env, run: Run, feed: Feed, query: Record<string, string | string[]>): Promise<HttpResponse | null> {
  await env.limiter.acquire(env.budgetKey, env.budget, { signal: run.signal });
  const res = await env.http.send({
    url: env.base + feed.path,
    query,
    headers: authHeaders(env),
    timeoutMs: env.options.timeoutMs,
    signal: run.signal,
  });
  const remaining = res.headers['x-ratelimit-remaining'];
  if (remaining !== undefined && Number(remaining) <= 0) run.pauseUntil = retryAt(res);
  if (res.status === 404 && feed.skipOn404) {
    env.log.warn(
      { source: env.sourceId, feed: feed.key, error: platformMessage(res) },
      'hashtag not known to the instance; skipping it this poll',
    );
    return null;
  }
  if (res.status < 200 || res.status >= 300) await fail(env, res);
  return res;
}

function readCursor(env: Env, text: string | null): Record<string, string> {
  if (!text) return {};
  const cursor = readJsonCursor(Cursor, text);
  if (!cursor) {
    env.log.warn({ source: env.sourceId }, 'unreadable cursor; starting again from the newest posts');
    return {};
  }
  if (cursor.instance !== env.base) {
    env.log.warn(
      { source: env.sourceId, was: cursor.instance },
      'cursor belongs to another instance; starting again from the newest posts',
    );
    return {};
  }
  return cursor.feeds;
}

async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  if (!env.options.token) {
    throw new AuthError(
      `replying on ${env.base} needs an access token with scope write:statuses: set options.token of source "${env.sourceId}"`,
    );
  }
  const statusId = mention.replyRef['statusId'];
  if (mention.platform !== PLATFORM || !statusId) throw new PermanentError(`mention ${mention.id} has no Mastodon status to reply to`);
  const acct = mention.replyRef['acct'] ?? mention.author.handle;
  // Taken before sending: a spent budget means nothing was posted, so the publish can simply wait.
  await env.limiter.acquire(env.budgetKey, env.budget, { signal: options.signal });
  const res = await env.http.send({
    method: 'POST',
    url: `${env.base}/api/v1/statuses`,
    json: { status: addressTo(acct, text), in_reply_to_id: statusId, visibility: env.options.visibility },
    headers: { ...authHeaders(env), 'idempotency-key': options.idempotencyKey },
    write: true,
    timeoutMs: env.options.timeoutMs,
    signal: options.signal,
  });
  if (res.status < 200 || res.status >= 300) await fail(env, res);
  const posted = WirePostedStatus.safeParse(parseJson(res));
  if (!posted.success) {
    throw new MalformedResponseError(
      `${res.url}: the reply was accepted but its status could not be read (${describeIssues(posted.error)})`,
      res.status,
    );
  }
  return { replyId: posted.data.id, url: posted.data.url ?? posted.data.uri };
}

function streamDeps(env: Env): StreamDeps {
  return {
    http: env.http,
    limiter: env.limiter,
    budgetKey: env.budgetKey,
    budget: env.budget,
    base: (env.options.streamingUrl ?? env.base).replace(/\/+$/, ''),
    headers: authHeaders(env),
    timeoutMs: env.options.timeoutMs,
    fail: (res) => fail(env, res),
    toBatch: (event, data, url) => {
      const run: Run = { mentions: [], rejected: [], seen: new Set() };
      collect(env, run, streamEntries(event, data, url));
      return run;
    },
  };
}

function authHeaders(env: Env): Record<string, string> {
  return env.options.token ? { authorization: `Bearer ${env.options.token}` } : {};
}

async function fail(env: Env, res: HttpResponse): Promise<never> {
  const detail = platformMessage(res);
  if (res.status === 401 || res.status === 403) {
    const what = env.options.token ? `the access token for ${env.base} was rejected` : `${env.base} requires an access token`;
    throw new AuthError(
      `${what} (HTTP ${res.status}: ${detail}): create a new token with scopes ${SCOPES} and set it in options.token of source "${env.sourceId}"`,
      res.status,
    );
  }
  if (res.status === 429) {
    const at = retryAt(res);
    // Every source on this token waits, not just the one that hit the limit.
    await env.limiter.block(env.budgetKey, at);
    throw new RateLimitedError(`${env.base} rate limit reached (${detail}); retry after ${at.toISOString()}`, at);
  }
  if (res.status === 422) throw new PermanentError(`${res.url}: refused by ${env.base}: ${detail}`, 422);
  failForStatus(res, detail);
}
