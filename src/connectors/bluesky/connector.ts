import { z } from 'zod';
import { toMention, type Mention } from '../../mention.js';
import { streamJetstream } from './jetstream.js';
import { Options, renewHint, sessionSource, xrpc, type Account, type Env } from './xrpc.js';
import {
  expect,
  MENTION_REASONS,
  notificationEntries,
  searchEntries,
  type Entry,
  type Position,
  postInput,
  tidFromKey,
  WireCreated,
  WireProfiles,
  WireRecord,
} from './wire.js';
import { AuthError, PermanentError, RateLimitedError } from '../../http/errors.js';
import { readJsonCursor } from '../shared/cursor.js';
import { credentialKey } from '../shared/limiter.js';
import { TokenManager } from '../shared/tokens.js';
import { keep, reject } from '../shared/items.js';
import { connectorEnv, defineConnector, type FetchResult, type RejectedItem, type ReplyOptions, type ReplyResult } from '../types.js';

const POST = 'app.bsky.feed.post';
// searchPosts filters `since` on sortAt (which may be the client's createdAt): look back a little further.
const SINCE_MARGIN_MS = 15 * 60_000;

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

const Cursor = z.object({
  v: z.literal(1),
  service: z.string(),
  feeds: z.record(z.string(), z.object({ uri: z.string(), at: z.string() })),
});

export const blueskyConnector = defineConnector({
  kind: 'bluesky',
  optionsSchema: Options,
  capabilities: { poll: true, stream: true, reply: true, idempotentReply: true, followers: true, rateLimit: 'headers' },
  create(ctx) {
    const base = ctx.options.service.replace(/\/+$/, '');
    const partial = { ...connectorEnv(ctx), base, options: ctx.options, kv: ctx.kv };
    // Sessions are made from everything but the token manager itself, so env is never half-built.
    const account = { ...partial, budgetKey: credentialKey('bluesky', base, ctx.options.identifier) };
    const env: Env = { ...account, tokens: new TokenManager(ctx.kv, sessionSource(account), 'session') };
    const queries = ctx.options.search ?? [
      ...ctx.brand.keywords.map((k) => (/\s/.test(k) ? `"${k}"` : k)),
      ...ctx.brand.hashtags.map((t) => `#${t.replace(/^#/, '')}`),
    ];
    const feeds = feedsFor(ctx.options, queries);
    const target = { sourceId: env.sourceId, brandId: env.brandId };
    return {
      fetch: (cursor, signal) => fetchFeeds(env, feeds, cursor, signal),
      reply: (mention, text, options) => postReply(env, mention, text, options),
      stream: (cursor, sink, signal) =>
        streamJetstream(
          { url: ctx.options.jetstreamUrl, brand: ctx.brand, terms: queries, target, log: ctx.log, http: ctx.http },
          cursor,
          sink,
          signal,
        ),
    };
  },
});

function feedsFor(o: Options, queries: string[]): Feed[] {
  const feeds: Feed[] = [];
  if (o.mentions) {
    feeds.push({
      key: 'notifications',
      nsid: 'app.bsky.notification.listNotifications',
      query: { reasons: MENTION_REASONS },
      entries: notificationEntries,
    });
  }
  for (const q of new Set(queries))
    feeds.push({ key: `search:${q}`, nsid: 'app.bsky.feed.searchPosts', query: { q, sort: 'latest' }, entries: searchEntries });
  return feeds;
}

async function fetchFeeds(env: Env, feeds: Feed[], cursorText: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const start = readCursor(env, cursorText);
  const positions: Record<string, Position> = {};
  for (const feed of feeds) {
    const position = start[feed.key];
    if (position) positions[feed.key] = position;
  }
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
  return {
    mentions: run.mentions,
    rejected: run.rejected,
    cursor: JSON.stringify({ v: 1, service: env.base, feeds: positions }),
    pauseUntil: run.pauseUntil,
  };
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
  if (start)
    env.log.warn({ source: env.sourceId, feed: feed.key }, 'more new posts than maxPagesPerPoll pages; older ones in the gap were skipped');
  return top ?? start ?? { uri: '', at: '' };
}

function take(env: Env, run: Run, entry: Entry): void {
  if (entry.reason) return reject(run, entry.reason, entry.raw);
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
      for (const p of expect(WireProfiles, body, res.url).profiles)
        if (p.followersCount !== undefined && p.followersCount >= 0) followers.set(p.did, p.followersCount);
    } catch (err) {
      if (err instanceof AuthError) throw err;
      // Follower counts are an extra: without them the mentions still go through.
      if (err instanceof RateLimitedError) run.pauseUntil = err.retryAt;
      env.log.warn({ source: env.sourceId, err: (err as Error).message }, 'could not read follower counts; leaving them unknown');
    }
  }
  for (const { input, raw } of run.pending) {
    keep(
      run,
      `post ${input.nativeId}`,
      toMention({ ...input, author: { ...input.author, followers: followers.get(input.author.id) ?? null } }),
      raw,
    );
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

/**
 * createRecord with an rkey derived from the idempotency key: a replay collides with the record
 * the first attempt made, and reading that record back (getRecord) turns the collision into the
 * original result instead of a second post.
 */
async function postReply(env: Env, mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult> {
  const { uri, cid, rootUri, rootCid } = mention.replyRef;
  if (mention.platform !== 'bluesky' || !uri || !cid)
    throw new PermanentError(`mention ${mention.id} has no Bluesky post (uri and cid) to reply to`);
  const graphemes = [...new Intl.Segmenter().segment(text)].length;
  if (graphemes > 300) throw new PermanentError(`a Bluesky post holds at most 300 characters; this reply has ${graphemes}`);
  await env.tokens.get();
  const account = await env.kv.get<Account>('account');
  if (!account) throw new AuthError(`no Bluesky session for ${env.options.identifier}: ${renewHint(env)}`);
  const rkey = tidFromKey(options.idempotencyKey, Date.parse(mention.createdAt) || 0);
  const record = {
    $type: POST,
    text,
    createdAt: new Date().toISOString(),
    reply: { root: { uri: rootUri ?? uri, cid: rootCid ?? cid }, parent: { uri, cid } },
  };
  const run = { signal: options.signal };
  const url = `https://bsky.app/profile/${account.handle}/post/${rkey}`;
  try {
    const { body, res } = await xrpc(env, run, {
      nsid: 'com.atproto.repo.createRecord',
      method: 'POST',
      json: { repo: account.did, collection: POST, rkey, record },
      write: true,
    });
    return { replyId: expect(WireCreated, body, res.url).uri, url };
  } catch (err) {
    if (!(err instanceof PermanentError) || err.status === undefined || err.status >= 500) throw err;
    const existing = await readOwnRecord(env, run, account.did, rkey);
    if (existing?.value.reply?.parent.uri === uri) return { replyId: existing.uri, url };
    throw err;
  }
}

async function readOwnRecord(
  env: Env,
  run: { signal?: AbortSignal },
  did: string,
  rkey: string,
): Promise<z.infer<typeof WireRecord> | null> {
  try {
    const { body, res } = await xrpc(env, run, { nsid: 'com.atproto.repo.getRecord', query: { repo: did, collection: POST, rkey } });
    return expect(WireRecord, body, res.url);
  } catch (err) {
    if (err instanceof PermanentError) return null;
    throw err;
  }
}
