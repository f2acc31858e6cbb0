import { z } from 'zod';
import { PlatformUrl } from '../config/fields.js';
import { failForStatus, parseJson, type HttpResponse } from '../http/client.js';
import { toMention, type Mention } from '../mention.js';
import { streamJetstream } from './bluesky-jetstream.js';
import {
  expect,
  jwtExpiry,
  MENTION_REASONS,
  notificationEntries,
  searchEntries,
  type Entry,
  type Position,
  postInput,
  resetAt,
  tidFromKey,
  WireCreated,
  WireProfiles,
  WireRecord,
  WireSession,
  xrpcError,
} from './bluesky-wire.js';
import { AuthError, PermanentError, RateLimitedError } from './errors.js';
import type { SourceKv } from './shared/kv.js';
import { readJsonCursor } from './shared/cursor.js';
import { credentialKey, type Budget } from './shared/limiter.js';
import { TokenManager, type IssuedToken } from './shared/tokens.js';
import { defineConnector, type FetchResult, type RejectedItem, type ReplyOptions, type ReplyResult, type ConnectorEnv } from './types.js';

const POST = 'app.bsky.feed.post';
export const DEFAULT_JETSTREAM = 'wss://jetstream2.us-east.bsky.network/subscribe';
// The PDS allows 3,000 requests per 5 minutes per IP; createSession 30 per 5 minutes per account;
// writes 5,000 points an hour at 3 points per post. Each budget stays a little under.
const READ_BUDGET: Budget = { limit: 2_700, windowMs: 5 * 60_000 };
const SESSION_BUDGET: Budget = { limit: 25, windowMs: 5 * 60_000 };
const WRITE_BUDGET: Budget = { limit: 1_500, windowMs: 60 * 60_000 };
// searchPosts filters `since` on sortAt (which may be the client's createdAt): look back a little further.
const SINCE_MARGIN_MS = 15 * 60_000;
const SESSION_ERRORS = new Set(['ExpiredToken', 'InvalidToken', 'AuthMissing', 'AuthenticationRequired']);

const Options = z
  .object({
    service: PlatformUrl.default('https://bsky.social'),
    identifier: z.string().trim().min(1, 'set options.identifier to the brand account handle (e.g. acme.bsky.social) or its DID'),
    appPassword: z.string().trim().min(1, 'set options.appPassword to an app password (Bluesky: Settings → Privacy and security → App passwords)'),
    mentions: z.boolean().default(true),
    /** searchPosts queries; without it the brand's keywords (quoted) and hashtags are searched. */
    search: z.array(z.string().trim().min(1)).optional(),
    followers: z.boolean().default(true),
    pageLimit: z.number().int().min(1).max(100).default(50),
    maxPagesPerPoll: z.number().int().min(1).max(50).default(10),
    backfillPages: z.number().int().min(1).max(50).default(1),
    jetstreamUrl: PlatformUrl.default(DEFAULT_JETSTREAM),
    timeoutMs: z.number().int().positive().default(15_000),
  })
  .superRefine((o, ctx) => {
    if (!o.mentions && o.search?.length === 0) ctx.addIssue({ code: 'custom', message: 'nothing to listen to: set mentions: true, or list search queries (or leave search out to use the brand keywords)' });
  });
type Options = z.infer<typeof Options>;

export interface Account {
  did: string;
  handle: string;
}

interface Env extends ConnectorEnv {
  base: string;
  options: Options;
  kv: SourceKv;
  tokens: TokenManager;
  budgetKey: string;
}

interface Run {
  mentions: Mention[];
  rejected: RejectedItem[];
  pending: Array<{ input: ReturnType<typeof postInput>; raw: unknown }>;
  seen: Set<string>;
  pauseUntil?: Date;
  signal?: AbortSignal;
}

interface Feed {
  key: string;
  nsid: string;
  query: Record<string, string | string[]>;
  entries(body: unknown, url: string): { entries: Entry[]; next: string | undefined };
}

/** The platform said the session is no good; the TokenManager renews it once before this becomes final. */
class SessionRejected extends AuthError {}

const Cursor = z.object({ v: z.literal(1), service: z.string(), feeds: z.record(z.string(), z.object({ uri: z.string(), at: z.string() })) });

export const blueskyConnector = defineConnector({
  kind: 'bluesky',
  optionsSchema: Options,
  capabilities: { poll: true, stream: true, reply: true, idempotentReply: true, followers: true, rateLimit: 'headers' },
  create(ctx) {
    const base = ctx.options.service.replace(/\/+$/, '');
    const partial = { http: ctx.http, log: ctx.log, base, options: ctx.options, sourceId: ctx.source.id, brandId: ctx.brand.id, kv: ctx.kv, limiter: ctx.limiter };
    const env: Env = { ...partial, budgetKey: credentialKey('bluesky', base, ctx.options.identifier), tokens: null as unknown as TokenManager };
    env.tokens = new TokenManager(ctx.kv, sessionSource(env), 'session');
    const queries = ctx.options.search ?? [...ctx.brand.keywords.map((k) => (/\s/.test(k) ? `"${k}"` : k)), ...ctx.brand.hashtags.map((t) => `#${t.replace(/^#/, '')}`)];
    const feeds = feedsFor(ctx.options, queries);
    const target = { sourceId: env.sourceId, brandId: env.brandId };
    return {
      fetch: (cursor, signal) => fetchFeeds(env, feeds, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
      stream: (cursor, sink, signal) => streamJetstream({ url: ctx.options.jetstreamUrl, brand: ctx.brand, terms: queries, target, log: ctx.log }, cursor, sink, signal),
    };
  },
});

function feedsFor(o: Options, queries: string[]): Feed[] {
  const feeds: Feed[] = [];
  if (o.mentions) {
    feeds.push({ key: 'notifications', nsid: 'app.bsky.notification.listNotifications', query: { reasons: MENTION_REASONS }, entries: notificationEntries });
  }
  for (const q of new Set(queries)) feeds.push({ key: `search:${q}`, nsid: 'app.bsky.feed.searchPosts', query: { q, sort: 'latest' }, entries: searchEntries });
  return feeds;
}

async function fetchFeeds(env: Env, feeds: Feed[], cursorText: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const start = readCursor(env, cursorText);
  const positions: Record<string, Position> = {};
  for (const feed of feeds) if (start[feed.key]) positions[feed.key] = start[feed.key]!;
  const run: Run = { mentions: [], rejected: [], pending: [], seen: new Set(), signal };
  for (const feed of feeds) {
    try {
      positions[feed.key] = await readFeed(env, run, feed, start[feed.key] ?? null);
    } catch (err) {
      // Nothing gathered yet: the error says it best. Otherwise keep what this poll has; the feed's position stays.
      if (!(err instanceof RateLimitedError) || run.pending.length + run.rejected.length === 0) throw err;
      run.pauseUntil = err.retryAt;
    }
    if (run.pauseUntil) break;
  }
  await finish(env, run);
  return { mentions: run.mentions, rejected: run.rejected, cursor: JSON.stringify({ v: 1, service: env.base, feeds: positions }), pauseUntil: run.pauseUntil };
}

/**
 * Newest first with an opaque cursor: read from page 1 down until the post we saw newest last
 * time (or anything older than it, should that post be gone). The position moves to the newest
 * post only when that point was reached; a poll cut short keeps the old one and re-reads.
 */
async function readFeed(env: Env, run: Run, feed: Feed, start: Position | null): Promise<Position> {
  const pages = start ? env.options.maxPagesPerPoll : env.options.backfillPages;
  const floor = start?.at ? Date.parse(start.at) - SINCE_MARGIN_MS : null;
  const since: Record<string, string> = floor !== null && feed.nsid.endsWith('searchPosts') ? { since: new Date(floor).toISOString() } : {};
  let top: Position | null = null;
  let cursor: string | undefined;
  for (let page = 0; page < pages; page++) {
    const query: Record<string, string | string[]> = { ...feed.query, ...since, limit: String(env.options.pageLimit) };
    if (cursor) query['cursor'] = cursor;
    const { body, res } = await xrpc(env, run, { nsid: feed.nsid, query });
    const { entries, next } = feed.entries(body, res.url);
    for (const entry of entries) {
      const p = entry.position;
      if (start && p && (p.uri === start.uri || (floor !== null && Date.parse(p.at) < floor))) return top ?? start;
      top ??= p;
      take(env, run, entry);
    }
    if (!next || entries.length === 0) return top ?? start ?? { uri: '', at: '' };
    if (run.pauseUntil) return start ?? top ?? { uri: '', at: '' };
    cursor = next;
  }
  if (start) env.log.warn({ source: env.sourceId, feed: feed.key }, 'more new posts than maxPagesPerPoll pages; older ones in the gap were skipped');
  return top ?? start ?? { uri: '', at: '' };
}

function take(env: Env, run: Run, entry: Entry): void {
  if (entry.reason) {
    if (!run.seen.has(`rejected:${entry.reason}`)) run.rejected.push({ reason: entry.reason, raw: entry.raw });
    run.seen.add(`rejected:${entry.reason}`);
    return;
  }
  if (!entry.parts || run.seen.has(entry.parts.uri)) return;
  run.seen.add(entry.parts.uri);
  run.pending.push({ input: postInput(entry.parts, { sourceId: env.sourceId, brandId: env.brandId }), raw: entry.raw });
}

/** Adds follower counts (getProfiles, 25 actors per call), then validates each mention on its own. */
async function finish(env: Env, run: Run): Promise<void> {
  const followers = new Map<string, number>();
  const dids = [...new Set(run.pending.map((p) => p.input.author.id))];
  for (let i = 0; env.options.followers && i < dids.length && !run.pauseUntil; i += 25) {
    try {
      const { body, res } = await xrpc(env, run, { nsid: 'app.bsky.actor.getProfiles', query: { actors: dids.slice(i, i + 25) } });
      for (const p of expect(WireProfiles, body, res.url).profiles) if (p.followersCount !== undefined && p.followersCount >= 0) followers.set(p.did, p.followersCount);
    } catch (err) {
      if (err instanceof AuthError) throw err;
      // Follower counts are an extra: without them the mentions still go through.
      if (err instanceof RateLimitedError) run.pauseUntil = err.retryAt;
      env.log.warn({ source: env.sourceId, err: (err as Error).message }, 'could not read follower counts; leaving them unknown');
    }
  }
  for (const { input, raw } of run.pending) {
    const result = toMention({ ...input, author: { ...input.author, followers: followers.get(input.author.id) ?? null } });
    if (result.ok) run.mentions.push(result.mention);
    else run.rejected.push({ reason: `post ${input.nativeId}: ${result.reason}`, raw });
  }
}

function readCursor(env: Env, text: string | null): Record<string, Position> {
  const cursor = readJsonCursor(Cursor, text);
  if (!cursor || cursor.service !== env.base) {
    if (text) env.log.warn({ source: env.sourceId }, 'unreadable cursor or another service; starting again from the newest posts');
    return {};
  }
  return cursor.feeds;
}

interface Call {
  nsid: string;
  method?: 'GET' | 'POST';
  query?: Record<string, string | string[]>;
  json?: unknown;
  write?: boolean;
}

/** One XRPC call with the session token, inside the shared budget; an expired session is renewed once. */
async function xrpc(env: Env, run: { signal?: AbortSignal; pauseUntil?: Date }, call: Call): Promise<{ body: unknown; res: HttpResponse }> {
  return env.tokens.withToken(async (token) => {
    await env.limiter.acquire(env.budgetKey, READ_BUDGET, { signal: run.signal });
    if (call.write) await env.limiter.acquire(`${env.budgetKey}:write`, WRITE_BUDGET, { signal: run.signal });
    const res = await env.http.send({
      method: call.method ?? 'GET',
      url: `${env.base}/xrpc/${call.nsid}`,
      query: call.query,
      json: call.json,
      headers: { authorization: `Bearer ${token}` },
      write: call.write,
      timeoutMs: env.options.timeoutMs,
      signal: run.signal,
    });
    const remaining = res.headers['ratelimit-remaining'];
    if (remaining !== undefined && Number(remaining) <= 0 && res.status !== 429) {
      run.pauseUntil = resetAt(res);
      await env.limiter.block(env.budgetKey, run.pauseUntil);
    }
    if (res.status < 200 || res.status >= 300) await fail(env, res, env.budgetKey);
    return { body: parseJson(res), res };
  }, (err) => err instanceof SessionRejected);
}

async function fail(env: Env, res: HttpResponse, budgetKey: string): Promise<never> {
  const { name, detail } = xrpcError(res);
  if (res.status === 429 || name === 'RateLimitExceeded') {
    const at = resetAt(res);
    await env.limiter.block(budgetKey, at);
    throw new RateLimitedError(`${env.base} rate limit reached (${detail}); retry after ${at.toISOString()}`, at);
  }
  if (res.status === 401 || SESSION_ERRORS.has(name)) {
    throw new SessionRejected(`${env.base} rejected the session of ${env.options.identifier} (HTTP ${res.status} ${detail}): ${renewHint(env)}`, res.status);
  }
  failForStatus(res, detail);
}

function renewHint(env: Env): string {
  return `create a new app password for ${env.options.identifier} (Settings → Privacy and security → App passwords) and set it in options.appPassword of source "${env.sourceId}"`;
}

/** createSession once, then refreshSession with the refresh JWT; both kept in the source KV for every worker. */
function sessionSource(env: Env): { issue(): Promise<IssuedToken>; refresh(token: string): Promise<IssuedToken> } {
  const call = async (nsid: string, init: { json?: unknown; bearer?: string }): Promise<IssuedToken> => {
    const key = `${env.budgetKey}:session`;
    await env.limiter.acquire(key, SESSION_BUDGET);
    const res = await env.http.send({ method: 'POST', url: `${env.base}/xrpc/${nsid}`, json: init.json, headers: init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}, timeoutMs: env.options.timeoutMs });
    if (res.status === 401 || res.status === 400) {
      throw new AuthError(`${env.base} refused ${nsid.endsWith('createSession') ? 'the app password' : 'the refresh token'} of ${env.options.identifier} (HTTP ${res.status} ${xrpcError(res).detail}): ${renewHint(env)}`, res.status);
    }
    if (res.status < 200 || res.status >= 300) await fail(env, res, key);
    const session = expect(WireSession, parseJson(res), res.url);
    await env.kv.set('account', { did: session.did, handle: session.handle } satisfies Account);
    return { accessToken: session.accessJwt, refreshToken: session.refreshJwt, expiresAt: jwtExpiry(session.accessJwt) ?? Date.now() + 2 * 3_600_000 };
  };
  return {
    issue: () => call('com.atproto.server.createSession', { json: { identifier: env.options.identifier, password: env.options.appPassword } }),
    refresh: (refreshJwt) => call('com.atproto.server.refreshSession', { bearer: refreshJwt }),
  };
}

/**
 * createRecord with an rkey derived from the idempotency key: a replay collides with the record
 * the first attempt made, and reading that record back (getRecord) turns the collision into the
 * original result instead of a second post.
 */
async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  const { uri, cid, rootUri, rootCid } = mention.replyRef;
  if (mention.platform !== 'bluesky' || !uri || !cid) throw new PermanentError(`mention ${mention.id} has no Bluesky post (uri and cid) to reply to`);
  const graphemes = [...new Intl.Segmenter().segment(text)].length;
  if (graphemes > 300) throw new PermanentError(`a Bluesky post holds at most 300 characters; this reply has ${graphemes}`);
  await env.tokens.get();
  const account = await env.kv.get<Account>('account');
  if (!account) throw new AuthError(`no Bluesky session for ${env.options.identifier}: ${renewHint(env)}`);
  const rkey = tidFromKey(options.idempotencyKey, Date.parse(mention.createdAt) || 0);
  const record = { $type: POST, text, createdAt: new Date().toISOString(), reply: { root: { uri: rootUri ?? uri, cid: rootCid ?? cid }, parent: { uri, cid } } };
  const run = { signal: options.signal };
  const url = `https://bsky.app/profile/${account.handle}/post/${rkey}`;
  try {
    const { body, res } = await xrpc(env, run, { nsid: 'com.atproto.repo.createRecord', method: 'POST', json: { repo: account.did, collection: POST, rkey, record }, write: true });
    return { replyId: expect(WireCreated, body, res.url).uri, url };
  } catch (err) {
    if (!(err instanceof PermanentError) || err.status === undefined || err.status >= 500) throw err;
    const existing = await readOwnRecord(env, run, account.did, rkey);
    if (existing?.value.reply?.parent.uri === uri) return { replyId: existing.uri, url };
    throw err;
  }
}

async function readOwnRecord(env: Env, run: { signal?: AbortSignal }, did: string, rkey: string): Promise<z.infer<typeof WireRecord> | null> {
  try {
    const { body, res } = await xrpc(env, run, { nsid: 'com.atproto.repo.getRecord', query: { repo: did, collection: POST, rkey } });
    return expect(WireRecord, body, res.url);
  } catch (err) {
    if (err instanceof PermanentError) return null;
    throw err;
  }
}
