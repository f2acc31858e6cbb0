import { describe, expect, it } from 'vitest';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import type { FetchResult } from '../../src/connectors/types.js';
import { xConnector } from '../../src/connectors/x/connector.js';
import { FakeX, type FakeTweet } from '../fakes/x.js';
import { makeClient } from '../helpers/connector.js';
import { useFake } from '../helpers/fake.js';
import { nth, present, replyOf } from '../helpers/present.js';

const startFake = useFake(() => FakeX.start());

function options(fake: FakeX, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiBase: fake.url,
    query: 'acme -is:retweet',
    bearerToken: fake.bearerToken,
    clientId: fake.clientId,
    refreshToken: 'refresh-0',
    maxResults: 10,
    ...extra,
  };
}
const ids = (r: FetchResult) => r.mentions.map((m) => m.nativeId);
const idsOf = (t: FakeTweet[]) => t.map((x) => x.id);
const searches = (fake: FakeX) => fake.requests.filter((r) => r.path === '/2/tweets/search/recent');

describe('x connector: polling', () => {
  it('stores page-1 newest_id as since_id, pages with next_token, and finishes a capped poll with until_id', async () => {
    const fake = await startFake();
    const old = Array.from({ length: 12 }, () => fake.tweet());
    const { client } = makeClient(xConnector, options(fake, { maxPagesPerPoll: 2 }));
    const first = await client.fetch(null);
    // First run: one page, no backfill beyond it.
    expect(ids(first)).toEqual(idsOf(old.slice(2)).reverse());
    expect(JSON.parse(present(first.cursor))).toEqual({ v: 1, sinceId: nth(old, 11).id, backlog: null });

    const fresh = Array.from({ length: 25 }, (_, i) => fake.tweet({ text: `acme ${i}` }));
    fake.requests.length = 0;
    const second = await client.fetch(first.cursor);
    expect(ids(second)).toEqual(idsOf(fresh.slice(5)).reverse());
    expect(searches(fake).map((r) => [r.query.get('since_id'), r.query.get('next_token') !== null])).toEqual([
      [nth(old, 11).id, false],
      [nth(old, 11).id, true],
    ]);
    expect(JSON.parse(present(second.cursor))).toEqual({
      v: 1,
      sinceId: nth(old, 11).id,
      backlog: { untilId: nth(fresh, 5).id, newestId: nth(fresh, 24).id },
    });

    const later = fake.tweet({ text: 'acme later' });
    fake.requests.length = 0;
    const third = await client.fetch(second.cursor);
    expect(ids(third)).toEqual(idsOf(fresh.slice(0, 5)).reverse());
    expect(nth(searches(fake), 0).query.get('until_id')).toBe(nth(fresh, 5).id);
    const fourth = await client.fetch(third.cursor);
    expect(ids(fourth)).toEqual([later.id]);
    expect((await client.fetch(fourth.cursor)).mentions).toEqual([]);
  });

  it('asks for author expansions and reads follower counts, names and long text', async () => {
    const fake = await startFake();
    const parent = fake.tweet();
    const t = fake.tweet({
      text: 'acme &amp; co lost my bag',
      username: 'maria',
      followers: 48_000,
      inReplyTo: parent.id,
      replySettings: 'mentionedUsers',
    });
    const [, mention] = (await makeClient(xConnector, options(fake)).client.fetch(null)).mentions.sort((a, b) =>
      a.nativeId.localeCompare(b.nativeId),
    );
    const q = nth(searches(fake), 0).query;
    expect(q.get('expansions')).toContain('author_id');
    expect(q.get('user.fields')).toContain('public_metrics');
    expect(q.get('query')).toBe('acme -is:retweet');
    expect(mention).toMatchObject({
      platform: 'x',
      nativeId: t.id,
      url: `https://x.com/maria/status/${t.id}`,
      text: 'acme & co lost my bag',
      author: { handle: 'maria', name: 'MARIA', followers: 48_000, url: 'https://x.com/maria' },
      inReplyToId: parent.id,
      engagement: { replies: 2, reposts: 1, likes: 3 },
      replyRef: { tweetId: t.id, replySettings: 'mentionedUsers' },
    });
  });

  it('rejects a malformed post with a reason and lets the rest through; an empty result has no data', async () => {
    const fake = await startFake();
    const { client } = makeClient(xConnector, options(fake));
    const empty = await client.fetch(null);
    expect(empty.mentions).toEqual([]);
    const good = fake.tweet();
    const bad = fake.tweet();
    fake.corrupt(bad.id, { created_at: 12 });
    const result = await client.fetch(empty.cursor);
    expect(ids(result)).toEqual([good.id]);
    expect(nth(result.rejected, 0).reason).toMatch(new RegExp(`^tweet ${bad.id}: created_at: .*expected string`));
  });
});

describe('x connector: failures', () => {
  it('throws RateLimitedError at the epoch reset on 429 and sends nothing before it', async () => {
    const fake = await startFake();
    const reset = new Date(Math.ceil((Date.now() + 900_000) / 1000) * 1000);
    fake.rateLimitNext(1, reset);
    const { client } = makeClient(xConnector, options(fake));
    const err = await client.fetch(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAt.getTime()).toBe(reset.getTime());
    const sent = fake.requests.length;
    await expect(client.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests.length).toBe(sent);
  });

  it('pauses when x-rate-limit-remaining reaches 0 and keeps the page', async () => {
    const fake = await startFake();
    Array.from({ length: 15 }, () => fake.tweet());
    const { client } = makeClient(xConnector, options(fake));
    const start = await client.fetch(null);
    Array.from({ length: 15 }, () => fake.tweet());
    const reset = new Date(Math.ceil((Date.now() + 600_000) / 1000) * 1000);
    fake.setRateLimit(1, reset);
    const result = await client.fetch(start.cursor);
    expect(result.mentions).toHaveLength(10);
    expect(result.pauseUntil?.getTime()).toBe(reset.getTime());
    expect(JSON.parse(present(result.cursor)).backlog).not.toBeNull();
  });

  it('maps 5xx to TransientError and a bad body to MalformedResponseError', async () => {
    const fake = await startFake();
    fake.failNext(503, { title: 'Service Unavailable', status: 503 });
    await expect(makeClient(xConnector, options(fake)).client.fetch(null)).rejects.toBeInstanceOf(TransientError);
    fake.failNext(200, '{"data":');
    await expect(makeClient(xConnector, options(fake)).client.fetch(null)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('refreshes the user token once on 401 (rotating the refresh token) and names the refresh token when that fails', async () => {
    const fake = await startFake();
    fake.tweet();
    const { client, kv } = makeClient(xConnector, options(fake, { bearerToken: undefined }));
    expect((await client.fetch(null)).mentions).toHaveLength(1);
    fake.expireAccessTokens();
    expect((await client.fetch(null)).mentions).toHaveLength(1);
    expect(fake.refreshes).toBe(2);
    expect(fake.refreshTokens.has('refresh-0')).toBe(false);
    expect(await kv.get('user-token')).toMatchObject({ refreshToken: 'refresh-2' });

    fake.expireAccessTokens();
    fake.refreshTokens.clear();
    const err = await client.fetch(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('options.refreshToken');
    expect((err as Error).message).toContain('tweet.write');
  });

  it('names the bearer token when the app token is rejected', async () => {
    const fake = await startFake();
    const err = await makeClient(xConnector, options(fake, { bearerToken: 'revoked' }))
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('options.bearerToken');
  });
});

describe('x connector: replies', () => {
  async function mentionOf(fake: FakeX, t: FakeTweet) {
    const { client } = makeClient(xConnector, options(fake));
    const mention = present((await client.fetch(null)).mentions.find((m) => m.nativeId === t.id));
    return { client, mention };
  }

  it('posts in_reply_to_tweet_id with the user token', async () => {
    const fake = await startFake();
    const t = fake.tweet();
    const { client, mention } = await mentionOf(fake, t);
    const result = await replyOf(client)(mention, 'Sorry! DM us.', { idempotencyKey: 'k1' });
    expect(fake.posted).toEqual([{ id: result.replyId, text: 'Sorry! DM us.', inReplyTo: t.id }]);
    const post = present(fake.requests.find((r) => r.method === 'POST' && r.path === '/2/tweets'));
    expect(post.headers['authorization']).toMatch(/^Bearer user-access-/);
    expect(post.body).toEqual({ text: 'Sorry! DM us.', reply: { in_reply_to_tweet_id: t.id } });
  });

  it('maps the 403 for restricted replies to PermanentError naming the reason', async () => {
    const fake = await startFake();
    const { client, mention } = await mentionOf(fake, fake.tweet({ replySettings: 'following' }));
    const err = await replyOf(client)(mention, 'hi', { idempotencyKey: 'k2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('not allowed because you have not been mentioned');
    expect((err as Error).message).toContain('reply_settings: following');
    expect(fake.posted).toHaveLength(0);
  });

  it('needs a user-context token to reply', async () => {
    const fake = await startFake();
    const t = fake.tweet();
    const { mention } = await mentionOf(fake, t);
    const appOnly = makeClient(xConnector, options(fake, { clientId: undefined, refreshToken: undefined })).client;
    const err = await replyOf(appOnly)(mention, 'hi', { idempotencyKey: 'k3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('options.refreshToken');
  });
});
