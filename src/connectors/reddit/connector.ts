import { z } from 'zod';
import { Options, SITE } from './options.js';
import { failForStatus, parseJson, type HttpResponse } from '../../http/client.js';
import { describeIssues, toMention, type Mention } from '../../mention.js';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError } from '../../http/errors.js';
import {
  markdownToText,
  redditMessage,
  resetFrom,
  waitFromMessage,
  WireCommentResult,
  WireListing,
  WireThing,
  WireToken,
  WireTokenError,
} from './wire.js';
import { gather, type Normalised } from '../shared/items.js';
import { credentialKey, type Budget } from '../shared/limiter.js';
import { TokenManager, type IssuedToken } from '../shared/tokens.js';
import {
  connectorEnv,
  defineConnector,
  type FetchResult,
  type RejectedItem,
  type ReplyOptions,
  type ReplyResult,
  type ConnectorEnv,
} from '../types.js';

// Free tier: 100 queries per minute per OAuth client (averaged over 10 minutes). Stay under it.
const BUDGET: Budget = { limit: 90, windowMs: 60_000 };
const SCOPES = 'read submit';

interface Env extends ConnectorEnv {
  options: Options;
  api: string;
  tokens: TokenManager;
  budgetKey: string;
}

interface Run {
  mentions: Mention[];
  rejected: RejectedItem[];
  seen: Set<string>;
  pauseUntil?: Date;
  signal?: AbortSignal;
}

interface Position {
  name: string;
  at: number;
}

interface Feed {
  key: string;
  path: string;
  query: Record<string, string>;
}

class TokenRejected extends AuthError {}

const Cursor = z.object({ v: z.literal(1), feeds: z.record(z.string(), z.object({ name: z.string(), at: z.number() })) });

export const redditConnector = defineConnector({
  kind: 'reddit',
  optionsSchema: Options,
  capabilities: { poll: true, stream: false, reply: true, idempotentReply: false, followers: false, rateLimit: 'headers' },
  create(ctx) {
    const o = ctx.options;
    // Tokens are issued from everything but the token manager itself, so env is never half-built.
    const app: Omit<Env, 'tokens'> = {
      ...connectorEnv(ctx),
      options: o,
      api: o.apiBase.replace(/\/+$/, ''),
      budgetKey: credentialKey('reddit', o.clientId),
    };
    const env: Env = { ...app, tokens: new TokenManager(ctx.kv, { issue: () => issueToken(app) }, 'token') };
    const queries = o.search ?? ctx.brand.keywords.map((k) => (/\s/.test(k) ? `"${k}"` : k));
    const feeds: Feed[] = [];
    for (const q of new Set(queries))
      for (const type of o.searchTypes) feeds.push({ key: `search:${type}:${q}`, path: '/search', query: { q, sort: 'new', type } });
    for (const sub of new Set(o.subreddits))
      for (const f of o.subredditFeeds) feeds.push({ key: `r/${sub}/${f}`, path: `/r/${sub}/${f}`, query: {} });
    return {
      fetch: (cursor, signal) => fetchFeeds(env, feeds, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
    };
  },
});

async function fetchFeeds(env: Env, feeds: Feed[], cursorText: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const start = readCursor(env, cursorText);
  const positions: Record<string, Position> = {};
  for (const feed of feeds) {
    const position = start[feed.key];
    if (position) positions[feed.key] = position;
  }
  const run: Run = { mentions: [], rejected: [], seen: new Set(), signal };
  for (const feed of feeds) {
    try {
      positions[feed.key] = await readFeed(env, run, feed, start[feed.key] ?? null);
    } catch (err) {
      if (!(err instanceof RateLimitedError) || run.mentions.length + run.rejected.length === 0) throw err;
      run.pauseUntil = err.retryAt;
    }
    if (run.pauseUntil) break;
  }
  return { mentions: run.mentions, rejected: run.rejected, cursor: JSON.stringify({ v: 1, feeds: positions }), pauseUntil: run.pauseUntil };
}

/**
 * Listings are newest first. Going down with `after` until the fullname seen newest last time
 * (or anything older, should it be deleted) is gap-free; `before` is not used because it
 * answers an empty page once that item is removed. The position moves only when the read
 * reached it, so a poll cut short re-reads and the store drops what it has.
 */
async function readFeed(env: Env, run: Run, feed: Feed, start: Position | null): Promise<Position> {
  const pages = start ? env.options.maxPagesPerPoll : env.options.backfillPages;
  let top: Position | null = null;
  let after: string | null = null;
  for (let page = 0; page < pages; page++) {
    const query: Record<string, string> = { ...feed.query, limit: String(env.options.pageLimit), ...(after ? { after } : {}) };
    const res = await call(env, run, { path: feed.path, query });
    const listing = WireListing.safeParse(parseJson(res));
    if (!listing.success) throw new MalformedResponseError(`${res.url}: unexpected response shape (${describeIssues(listing.error)})`);
    const children = listing.data.data.children;
    for (const raw of children) {
      const pos = positionOf(raw);
      if (start && pos && (pos.name === start.name || pos.at < start.at)) return top ?? start;
      top ??= pos;
      take(env, run, raw);
    }
    after = listing.data.data.after ?? null;
    if (!after || children.length === 0) return top ?? start ?? { name: '', at: 0 };
    if (run.pauseUntil) return start ?? top ?? { name: '', at: 0 };
  }
  if (start)
    env.log.warn({ source: env.sourceId, feed: feed.key }, 'more new items than maxPagesPerPoll pages; older ones in the gap were skipped');
  return top ?? start ?? { name: '', at: 0 };
}

function positionOf(raw: unknown): Position | null {
  const d = (raw as { data?: { name?: unknown; created_utc?: unknown } } | null)?.data;
  return typeof d?.name === 'string' && typeof d.created_utc === 'number' ? { name: d.name, at: d.created_utc } : null;
}

function take(env: Env, run: Run, raw: unknown): void {
  gather(run, raw, {
    wire: WireThing,
    label: (r) => String(positionOf(r)?.name ?? (r as { data?: { name?: unknown } } | null)?.data?.name ?? 'item without name'),
    key: (t) => t.data.name,
    normalise: (t) => normalise(env, t),
  });
}

function normalise(env: Env, thing: WireThing): Normalised {
  const d = thing.data;
  const comment = thing.kind === 't1';
  return toMention({
    platform: 'reddit',
    sourceId: env.sourceId,
    brandId: env.brandId,
    nativeId: d.name,
    url: SITE + d.permalink,
    text: comment ? markdownToText(d.body ?? '') : [d.title ?? '', markdownToText(d.selftext ?? '')].filter(Boolean).join('\n\n'),
    lang: null,
    createdAt: new Date(d.created_utc * 1000).toISOString(),
    author: {
      id: d.author_fullname ?? d.author,
      handle: d.author,
      name: '',
      followers: null,
      url: d.author === '[deleted]' ? null : `${SITE}/user/${d.author}`,
    },
    inReplyToId: comment ? (d.parent_id ?? null) : null,
    engagement: { replies: Math.max(0, d.num_comments ?? 0), reposts: 0, likes: Math.max(0, Math.round(d.score ?? 0)) },
    rating: null,
    replyRef: { thingId: d.name, ...(d.subreddit ? { subreddit: d.subreddit } : {}) },
  });
}

function readCursor(env: Env, text: string | null): Record<string, Position> {
  if (!text) return {};
  try {
    const parsed = Cursor.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.feeds;
  } catch {
    // fall through
  }
  env.log.warn({ source: env.sourceId }, 'unreadable cursor; starting again from the newest items');
  return {};
}

/** One API call with the app token and the required User-Agent, inside the client's budget; a 401 renews the token once. */
async function call(
  env: Env,
  run: { signal?: AbortSignal; pauseUntil?: Date },
  req: { path: string; query?: Record<string, string>; form?: Record<string, string> },
): Promise<HttpResponse> {
  return env.tokens.withToken(
    async (token) => {
      await env.limiter.acquire(env.budgetKey, BUDGET, { signal: run.signal });
      const res = await env.http.send({
        method: req.form ? 'POST' : 'GET',
        url: env.api + req.path,
        // raw_json=1: text fields come as typed, not with &amp; &lt; &gt; escaped.
        query: { ...req.query, raw_json: '1' },
        form: req.form,
        headers: { authorization: `bearer ${token}`, 'user-agent': env.options.userAgent },
        write: Boolean(req.form),
        timeoutMs: env.options.timeoutMs,
        signal: run.signal,
      });
      const remaining = res.headers['x-ratelimit-remaining'];
      if (remaining !== undefined && Number(remaining) < 1) {
        run.pauseUntil = resetFrom(res);
        await env.limiter.block(env.budgetKey, run.pauseUntil);
      }
      if (res.status === 401)
        throw new TokenRejected(`Reddit rejected the access token (HTTP 401 ${redditMessage(res)}): ${renewHint(env)}`, 401);
      if (res.status === 429) {
        const at = resetFrom(res);
        await env.limiter.block(env.budgetKey, at);
        throw new RateLimitedError(`Reddit rate limit reached (${redditMessage(res)}); retry after ${at.toISOString()}`, at);
      }
      if (res.status < 200 || res.status >= 300) failForStatus(res, redditMessage(res));
      return res;
    },
    (err) => err instanceof TokenRejected,
  );
}

function renewHint(env: Env): string {
  const who = env.options.username ? ` and options.username/options.password (u/${env.options.username})` : '';
  return `check options.clientId/options.clientSecret${who} of source "${env.sourceId}"; the app needs scopes ${SCOPES}`;
}

/** Password grant for a script app (read + reply), client_credentials otherwise (read only); tokens last an hour. */
async function issueToken(env: Omit<Env, 'tokens'>): Promise<IssuedToken> {
  const o = env.options;
  const form: Record<string, string> =
    o.username && o.password
      ? { grant_type: 'password', username: o.username, password: o.password }
      : { grant_type: 'client_credentials' };
  await env.limiter.acquire(env.budgetKey, BUDGET);
  const res = await env.http.send({
    method: 'POST',
    url: `${o.authBase.replace(/\/+$/, '')}/api/v1/access_token`,
    form,
    headers: { authorization: `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')}`, 'user-agent': o.userAgent },
    timeoutMs: o.timeoutMs,
  });
  if (res.status === 401 || res.status === 403)
    throw new AuthError(
      `Reddit refused the app credentials (HTTP ${res.status} ${redditMessage(res)}): check options.clientId and options.clientSecret of source "${env.sourceId}"`,
      res.status,
    );
  if (res.status === 429) throw new RateLimitedError(`Reddit token endpoint rate limited (${redditMessage(res)})`, resetFrom(res));
  if (res.status < 200 || res.status >= 300) failForStatus(res, redditMessage(res));
  const body = parseJson(res);
  const refused = WireTokenError.safeParse(body);
  if (refused.success) {
    throw new AuthError(
      `Reddit refused the login of u/${o.username ?? '?'} (${refused.data.error}): set the account's current password in options.password of source "${env.sourceId}" (accounts with two-factor login cannot use a script app)`,
    );
  }
  const token = WireToken.safeParse(body);
  if (!token.success) throw new MalformedResponseError(`${res.url}: unexpected token response (${describeIssues(token.error)})`);
  return { accessToken: token.data.access_token, expiresAt: Date.now() + token.data.expires_in * 1000 };
}

/** POST /api/comment. Reddit has no idempotency key: a replay posts again, so the capability says so. */
async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  if (!env.options.username)
    throw new AuthError(
      `replying on Reddit needs a script app account: set options.username and options.password of source "${env.sourceId}" (scope submit)`,
    );
  const thingId = mention.replyRef['thingId'];
  if (mention.platform !== 'reddit' || !thingId)
    throw new PermanentError(`mention ${mention.id} has no Reddit post or comment to reply to`);
  const run = { signal: options.signal };
  // Replies have their own key so a RATELIMIT answer holds back replies only, not polling.
  await env.limiter.acquire(`${env.budgetKey}:submit`, { limit: 30, windowMs: 60_000 }, { signal: options.signal });
  const res = await call(env, run, { path: '/api/comment', form: { api_type: 'json', thing_id: thingId, text } });
  const parsed = WireCommentResult.safeParse(parseJson(res));
  if (!parsed.success)
    throw new MalformedResponseError(`${res.url}: the reply answer could not be read (${describeIssues(parsed.error)})`, res.status);
  const [code, message] = (parsed.data.json.errors[0] ?? []).map(String);
  if (code === 'RATELIMIT') {
    const at = new Date(Date.now() + (waitFromMessage(message ?? '') ?? 60_000));
    await env.limiter.block(`${env.budgetKey}:submit`, at);
    throw new RateLimitedError(`Reddit throttled replies from u/${env.options.username}: ${message}`, at, 200);
  }
  if (code) throw new PermanentError(`Reddit refused the reply to ${thingId}: ${code}: ${message ?? ''}`.trim(), 200);
  const thing = parsed.data.json.data?.things[0]?.data;
  if (!thing) throw new MalformedResponseError(`${res.url}: the reply was accepted but no comment came back`, res.status);
  return { replyId: thing.name, url: thing.permalink ? SITE + thing.permalink : null };
}
