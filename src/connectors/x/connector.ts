import { z } from 'zod';
import { Options } from './options.js';
import { failForStatus, parseJson, type HttpResponse } from '../../http/client.js';
import { describeIssues, toMention, type Mention } from '../../mention.js';
import { rawId, readItem } from '../shared/items.js';
import { decodeEntities } from '../../text/html.js';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError } from '../../http/errors.js';
import { credentialKey, type Budget } from '../shared/limiter.js';
import { TokenManager } from '../shared/tokens.js';
import { userHint, userTokenSource } from './user-token.js';
import {
  connectorEnv,
  defineConnector,
  type FetchResult,
  type RejectedItem,
  type ReplyOptions,
  type ReplyResult,
  type ConnectorEnv,
} from '../types.js';
import { maxId, problemMessage, resetAt, WirePosted, WireSearch, WireTweet, WireUser, type WireTweet as Tweet } from './wire.js';

// Recent search: 450 per 15 minutes with an app token, 180 with a user token; posting ~100 per
// 15 minutes per user. Each budget stays a little under (numbers may differ on pay-per-use).
const APP_READ: Budget = { limit: 430, windowMs: 15 * 60_000 };
const USER_READ: Budget = { limit: 170, windowMs: 15 * 60_000 };
const WRITE: Budget = { limit: 90, windowMs: 15 * 60_000 };
const FIELDS = {
  expansions: 'author_id',
  'tweet.fields': 'created_at,lang,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,reply_settings,note_tweet',
  'user.fields': 'username,name,public_metrics',
};

interface Env extends ConnectorEnv {
  options: Options;
  api: string;
  query: string;
  user: TokenManager | null;
  readKey: string;
  writeKey: string;
}

interface Run {
  mentions: Mention[];
  rejected: RejectedItem[];
  seen: Set<string>;
  pauseUntil?: Date;
  signal?: AbortSignal;
}

/** `sinceId`: everything up to it is read. `backlog`: a poll stopped early; read down to `untilId` first, then jump to `newestId`. */
const Cursor = z.object({
  v: z.literal(1),
  sinceId: z.string().nullable(),
  backlog: z.object({ untilId: z.string(), newestId: z.string() }).nullable(),
});
type Cursor = z.infer<typeof Cursor>;

class UserTokenRejected extends AuthError {}

export const xConnector = defineConnector({
  kind: 'x',
  optionsSchema: Options,
  capabilities: { poll: true, stream: false, reply: true, idempotentReply: false, followers: true, rateLimit: 'headers' },
  create(ctx) {
    const o = ctx.options;
    const terms = [
      ...ctx.brand.keywords.map((k) => (/\s/.test(k) ? `"${k}"` : k)),
      ...ctx.brand.handles.map((h) => `@${h.replace(/^@/, '')}`),
      ...ctx.brand.hashtags.map((t) => `#${t.replace(/^#/, '')}`),
    ];
    const env: Env = {
      ...connectorEnv(ctx),
      options: o,
      api: o.apiBase.replace(/\/+$/, ''),
      query: o.query ?? `(${terms.join(' OR ')}) -is:retweet`,
      user: null,
      readKey: o.bearerToken ? credentialKey('x', 'app', o.bearerToken) : credentialKey('x', 'user', o.clientId ?? ''),
      writeKey: credentialKey('x', 'user-write', o.clientId ?? ''),
    };
    if (o.clientId && o.refreshToken) env.user = new TokenManager(ctx.kv, userTokenSource(env, o.clientId, o.refreshToken), 'user-token');
    return {
      fetch: (cursor, signal) => fetchTweets(env, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
    };
  },
});

/**
 * Newest first with `next_token`; the first page's `meta.newest_id` becomes the next `since_id`
 * once every page down to the old `since_id` is read. A poll that stops early (page cap, rate
 * limit) records how far down it got, and the next poll reads the rest with `until_id` first,
 * so nothing in between is skipped.
 */
async function fetchTweets(env: Env, cursorText: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const state = readCursor(env, cursorText);
  const first = cursorText === null || state === null;
  const cur: Cursor = state ?? { v: 1, sinceId: null, backlog: null };
  const run: Run = { mentions: [], rejected: [], seen: new Set(), signal };
  let newest = cur.backlog?.newestId ?? null;
  let oldest: string | null = null;
  let nextToken: string | undefined;
  let exhausted = false;
  try {
    for (let page = 0; page < (first ? 1 : env.options.maxPagesPerPoll); page++) {
      const query = {
        ...FIELDS,
        query: env.query,
        max_results: String(env.options.maxResults),
        since_id: cur.sinceId ?? undefined,
        until_id: cur.backlog?.untilId,
        next_token: nextToken,
      };
      const res = await call(env, run, { path: '/2/tweets/search/recent', query }, 'read');
      const body = WireSearch.safeParse(parseJson(res));
      if (!body.success) throw new MalformedResponseError(`${res.url}: unexpected response shape (${describeIssues(body.error)})`);
      if (!cur.backlog) newest = maxId(newest, body.data.meta.newest_id);
      collect(env, run, body.data);
      oldest = body.data.meta.oldest_id ?? oldest;
      nextToken = body.data.meta.next_token;
      if (!nextToken) exhausted = true;
      if (!nextToken || run.pauseUntil) break;
    }
  } catch (err) {
    if (!(err instanceof RateLimitedError) || run.mentions.length + run.rejected.length === 0) throw err;
    run.pauseUntil = err.retryAt;
  }
  const next: Cursor =
    exhausted || first
      ? { v: 1, sinceId: newest ?? cur.sinceId, backlog: null }
      : oldest && newest
        ? { v: 1, sinceId: cur.sinceId, backlog: { untilId: oldest, newestId: newest } }
        : cur;
  return { mentions: run.mentions, rejected: run.rejected, cursor: JSON.stringify(next), pauseUntil: run.pauseUntil };
}

function collect(env: Env, run: Run, body: z.infer<typeof WireSearch>): void {
  const users = new Map<string, WireUser>();
  for (const raw of body.includes?.users ?? []) {
    const u = WireUser.safeParse(raw);
    if (u.success) users.set(u.data.id, u.data);
  }
  for (const raw of body.data ?? []) {
    const known = rawId(raw, 'id');
    if (known !== null && run.seen.has(known)) continue;
    const item = readItem(raw, WireTweet, `tweet ${known ?? 'without id'}`, (t) => normalise(env, t, users.get(t.author_id)));
    if (item.wire) run.seen.add(item.wire.id);
    if (item.ok) run.mentions.push(item.mention);
    else run.rejected.push({ reason: item.reason, raw });
  }
}

function normalise(env: Env, t: Tweet, user: WireUser | undefined): ReturnType<typeof toMention> {
  const m = t.public_metrics ?? {};
  const n = (v: number | undefined) => Math.max(0, v ?? 0);
  return toMention({
    platform: 'x',
    sourceId: env.sourceId,
    brandId: env.brandId,
    nativeId: t.id,
    url: user ? `https://x.com/${user.username}/status/${t.id}` : `https://x.com/i/web/status/${t.id}`,
    // X escapes &, < and > in post text.
    text: decodeEntities(t.note_tweet?.text ?? t.text),
    lang: t.lang && t.lang !== 'und' ? t.lang : null,
    createdAt: t.created_at,
    author: {
      id: t.author_id,
      handle: user?.username ?? t.author_id,
      name: user?.name ?? '',
      followers: user?.public_metrics?.followers_count ?? null,
      url: user ? `https://x.com/${user.username}` : null,
    },
    inReplyToId: t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null,
    engagement: { replies: n(m.reply_count), reposts: n(m.retweet_count) + n(m.quote_count), likes: n(m.like_count) },
    rating: null,
    replyRef: { tweetId: t.id, replySettings: t.reply_settings ?? 'everyone' },
  });
}

function readCursor(env: Env, text: string | null): Cursor | null {
  if (!text) return null;
  try {
    const parsed = Cursor.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  env.log.warn({ source: env.sourceId }, 'unreadable cursor; starting again from the newest posts');
  return null;
}

interface Req {
  path: string;
  method?: 'GET' | 'POST';
  query?: Record<string, string | undefined>;
  json?: unknown;
}

/** Reads use the app bearer token when there is one, the user token otherwise; writes always the user token (renewed once on 401). */
async function call(env: Env, run: { signal?: AbortSignal; pauseUntil?: Date }, req: Req, use: 'read' | 'write'): Promise<HttpResponse> {
  const key = use === 'write' ? env.writeKey : env.readKey;
  const budget = use === 'write' ? WRITE : env.options.bearerToken ? APP_READ : USER_READ;
  const appToken = use === 'read' ? env.options.bearerToken : undefined;
  const send = async (token: string, isUser: boolean): Promise<HttpResponse> => {
    await env.limiter.acquire(key, budget, { signal: run.signal });
    const res = await env.http.send({
      method: req.method ?? 'GET',
      url: env.api + req.path,
      query: req.query,
      json: req.json,
      headers: { authorization: `Bearer ${token}` },
      write: use === 'write',
      timeoutMs: env.options.timeoutMs,
      signal: run.signal,
    });
    if (res.headers['x-rate-limit-remaining'] === '0' && res.status !== 429) {
      run.pauseUntil = resetAt(res);
      await env.limiter.block(key, run.pauseUntil);
    }
    if (res.status >= 200 && res.status < 300) return res;
    const detail = problemMessage(res);
    if (res.status === 401 && isUser)
      throw new UserTokenRejected(`X rejected the user access token (HTTP 401 ${detail}): ${userHint(env.sourceId)}`, 401);
    if (res.status === 401)
      throw new AuthError(
        `X rejected the app bearer token (HTTP 401 ${detail}): generate a new bearer token in the X developer portal and set options.bearerToken of source "${env.sourceId}"`,
        401,
      );
    if (res.status === 429) {
      const at = resetAt(res);
      await env.limiter.block(key, at);
      throw new RateLimitedError(`X rate limit reached (${detail}); retry after ${at.toISOString()}`, at);
    }
    if (res.status === 403 && use === 'read')
      throw new AuthError(
        `X refused recent search (HTTP 403 ${detail}): the app's access level or project must include recent search (source "${env.sourceId}")`,
        403,
      );
    return failForStatus(res, detail);
  };
  if (appToken) return send(appToken, false);
  if (!env.user)
    throw new AuthError(`X ${use === 'write' ? 'replies need' : 'reading needs'} a user-context token: ${userHint(env.sourceId)}`);
  return env.user.withToken(
    (token) => send(token, true),
    (err) => err instanceof UserTokenRejected,
  );
}

/** POST /2/tweets as a reply. X has no idempotency key, so a replay after an unknown outcome would post twice. */
async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  const tweetId = mention.replyRef['tweetId'];
  if (mention.platform !== 'x' || !tweetId) throw new PermanentError(`mention ${mention.id} has no X post to reply to`);
  const run = { signal: options.signal };
  try {
    const res = await call(
      env,
      run,
      { path: '/2/tweets', method: 'POST', json: { text, reply: { in_reply_to_tweet_id: tweetId } } },
      'write',
    );
    const posted = WirePosted.safeParse(parseJson(res));
    if (!posted.success)
      throw new MalformedResponseError(
        `${res.url}: the reply was accepted but could not be read (${describeIssues(posted.error)})`,
        res.status,
      );
    return { replyId: posted.data.data.id, url: `https://x.com/i/web/status/${posted.data.data.id}` };
  } catch (err) {
    if (!(err instanceof PermanentError) || err.status !== 403) throw err;
    const settings = mention.replyRef['replySettings'];
    const why = settings && settings !== 'everyone' ? `; the author limits replies (reply_settings: ${settings})` : '';
    throw new PermanentError(`X refused the reply to post ${tweetId}: ${err.message.replace(/^.*HTTP 403 /, '')}${why}`, 403);
  }
}
