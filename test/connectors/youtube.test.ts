import { describe, expect, it } from 'vitest';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import { nextMidnight } from '../../src/connectors/shared/google-auth.js';
import type { FetchResult } from '../../src/connectors/types.js';
import { youtubeConnector } from '../../src/connectors/youtube/connector.js';
import { makeClient } from '../helpers/connector.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { FakeGoogle, type YtThread } from '../fakes/google.js';
import { nth, present, replyOf } from '../helpers/present.js';

const http = useHttpClient();

const start = useFake(() => FakeGoogle.start());

const keyOptions = (fake: FakeGoogle, extra: Record<string, unknown> = {}) => ({
  channelId: 'UCbrand',
  apiKey: fake.apiKey,
  baseUrl: fake.url,
  ...extra,
});
const client = (options: Record<string, unknown>, extra: Parameters<typeof makeClient>[2] = {}) =>
  makeClient(youtubeConnector, options, { http, ...extra });
const ids = (r: FetchResult) => r.mentions.map((m) => m.nativeId).sort();
const idsOf = (threads: YtThread[]) => threads.map((t) => t.id).sort();
const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function comments(fake: FakeGoogle, count: number, from: number): YtThread[] {
  return Array.from({ length: count }, (_, i) =>
    fake.addComment({ text: `comment ${from + i}`, publishedAt: secondsAgo(10_000 - from - i) }),
  );
}

describe('youtube connector: polling', () => {
  it('pages with pageToken, resumes an unfinished walk on the next poll, and round-trips the cursor across restarts', async () => {
    const fake = await start();
    const old = comments(fake, 25, 0);
    const opts = keyOptions(fake, { maxResults: 10, backfillPages: 3, maxPagesPerPoll: 1 });
    const first = await client(opts).client.fetch(null);
    expect(ids(first)).toEqual(idsOf(old));
    expect(fake.requests.map((r) => r.query.get('pageToken'))).toEqual([null, expect.any(String), expect.any(String)]);
    expect(nth(fake.requests, 0).query.get('order')).toBe('time');
    expect(nth(fake.requests, 0).query.get('allThreadsRelatedToChannelId')).toBe('UCbrand');
    expect(nth(fake.requests, 0).query.get('key')).toBe(fake.apiKey);

    const fresh = comments(fake, 12, 100);
    const second = await client(opts).client.fetch(first.cursor);
    expect(ids(second)).toEqual(idsOf(fresh.slice(2)));
    const third = await client(opts).client.fetch(second.cursor);
    expect(ids(third)).toEqual(idsOf(fresh.slice(0, 2)));
    const quiet = await client(opts).client.fetch(third.cursor);
    expect(quiet.mentions).toEqual([]);
  });

  it('keeps comments sharing a publishedAt second apart by id, and drops duplicates when a page shifts mid-walk', async () => {
    const fake = await start();
    const at = secondsAgo(50);
    const [a, b] = [fake.addComment({ publishedAt: at }), fake.addComment({ publishedAt: at })];
    const opts = keyOptions(fake, { maxResults: 2, maxPagesPerPoll: 5 });
    const first = await client(opts).client.fetch(null);
    expect(ids(first)).toEqual(idsOf([a, b]));

    const c = fake.addComment({ publishedAt: at });
    const newer = comments(fake, 3, 9_960);
    // Two more arrive after the first page was served: the next page repeats items it already had.
    let arrivals: YtThread[] = [];
    fake.onRequest = () => {
      if (fake.requests.length === 3)
        arrivals = [fake.addComment({ publishedAt: secondsAgo(1) }), fake.addComment({ publishedAt: secondsAgo(1) })];
    };
    const second = await client(opts).client.fetch(first.cursor);
    expect(ids(second)).toEqual(idsOf([c, ...newer]));
    expect(arrivals).toHaveLength(2);
    expect(nth(fake.requests, 2).query.get('pageToken')).not.toBeNull();
    fake.onRequest = undefined;
    const third = await client(opts).client.fetch(second.cursor);
    expect(ids(third)).toEqual(idsOf(arrivals));
  });

  it('normalises a thread: author channel, likes, replies count, permalink, HTML text when asked for it', async () => {
    const fake = await start();
    const t = fake.addComment({ videoId: 'vid123', text: 'Love <acme> & co\nsecond line', author: 'erin', likes: 7 });
    const [plain] = (await client(keyOptions(fake)).client.fetch(null)).mentions;
    expect(plain).toMatchObject({
      platform: 'youtube',
      nativeId: t.id,
      url: `https://www.youtube.com/watch?v=vid123&lc=${t.id}`,
      text: 'Love <acme> & co\nsecond line',
      author: { id: 'UCerin', handle: '@erin', name: '@erin', followers: null, url: 'http://www.youtube.com/@erin' },
      engagement: { replies: 0, reposts: 0, likes: 7 },
      rating: null,
      replyRef: { parentId: t.id, videoId: 'vid123' },
    });
    const [html] = (await client(keyOptions(fake, { textFormat: 'html' })).client.fetch(null)).mentions;
    expect(present(fake.requests.at(-1)).query.get('textFormat')).toBe('html');
    expect(present(html).text).toBe('Love <acme> & co\nsecond line');
  });

  it('rejects a malformed thread with a reason once, and lets the page through', async () => {
    const fake = await start();
    const good = fake.addComment({ publishedAt: secondsAgo(30) });
    const bad = structuredClone(fake.addComment({ publishedAt: secondsAgo(20) }));
    fake.threads.pop();
    delete (bad.snippet.topLevelComment.snippet as Record<string, unknown>)['authorChannelId'];
    fake.addRawThread(bad as unknown as Record<string, unknown>);
    const opts = keyOptions(fake);
    const first = await client(opts).client.fetch(null);
    expect(ids(first)).toEqual([good.id]);
    expect(first.rejected).toHaveLength(1);
    expect(nth(first.rejected, 0).reason).toMatch(
      new RegExp(`^comment thread ${bad.id}: snippet\\.topLevelComment\\.snippet\\.authorChannelId`),
    );
    const again = await client(opts).client.fetch(first.cursor);
    expect(again.rejected).toEqual([]);
  });

  it('reads several videos, skips one with comments disabled, and reports a channel/video overlap once', async () => {
    const fake = await start();
    const t = fake.addComment({ videoId: 'v1' });
    const result = await client(keyOptions(fake, { videoIds: ['v1', 'disabled'] })).client.fetch(null);
    expect(ids(result)).toEqual([t.id]);
    expect(Object.keys(JSON.parse(present(result.cursor)).feeds).sort()).toEqual(['channel:UCbrand', 'video:disabled', 'video:v1']);
  });
});

describe('youtube connector: quota, retries and credentials', () => {
  it('pauses until midnight Pacific on 403 quotaExceeded and sends nothing before then', async () => {
    const fake = await start();
    comments(fake, 3, 0);
    fake.quota.used = fake.quota.limit;
    const { client: yt, limiter } = client(keyOptions(fake));
    const error = await yt.fetch(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    const reset = nextMidnight('America/Los_Angeles');
    expect(Math.abs((error as RateLimitedError).retryAt.getTime() - reset.getTime())).toBeLessThan(1000);
    expect(fake.requests).toHaveLength(1);

    fake.quota.used = 0;
    await expect(yt.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    const again = client(keyOptions(fake), { limiter });
    await expect(again.client.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps the pages already read when the quota runs out part-way, and resumes after', async () => {
    const fake = await start();
    const all = comments(fake, 6, 0);
    const opts = keyOptions(fake, { maxResults: 2, backfillPages: 1, maxPagesPerPoll: 5 });
    const first = await client(opts).client.fetch(null);
    const more = comments(fake, 6, 50);
    fake.quota.used = fake.quota.limit - 1;
    const partial = await client(opts).client.fetch(first.cursor);
    expect(ids(partial)).toEqual(idsOf(more.slice(4)));
    expect(partial.pauseUntil).toBeInstanceOf(Date);
    fake.quota.used = 0;
    const rest = await client(opts).client.fetch(partial.cursor);
    expect(ids(rest)).toEqual(idsOf(more.slice(0, 4)));
    expect(all).toHaveLength(6);
  });

  it('maps 5xx to TransientError, unreadable JSON to MalformedResponseError and a bad API key to AuthError naming it', async () => {
    const fake = await start();
    fake.failNext(503, { error: { code: 503, message: 'Backend Error', status: 'UNAVAILABLE' } });
    await expect(client(keyOptions(fake)).client.fetch(null)).rejects.toBeInstanceOf(TransientError);
    fake.failNext(200, '{"items": [');
    await expect(client(keyOptions(fake)).client.fetch(null)).rejects.toBeInstanceOf(MalformedResponseError);
    const error = await client(keyOptions(fake, { apiKey: 'wrong' }))
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('options.apiKey of source "src"');
  });

  it('renews an expired OAuth token once and carries on; a revoked refresh token is an AuthError naming the client', async () => {
    const fake = await start();
    comments(fake, 2, 0);
    const oauth = fake.oauthClient();
    const { client: yt } = client({ channelId: 'UCbrand', oauth, baseUrl: fake.url });
    expect((await yt.fetch(null)).mentions).toHaveLength(2);
    fake.expireAccessTokens();
    expect((await yt.fetch(null)).mentions).toHaveLength(2);
    expect(fake.tokenGrants).toEqual(['refresh_token', 'refresh_token']);
    expect(fake.requests.filter((r) => r.path.includes('commentThreads')).map((r) => r.headers['authorization']?.slice(0, 11))).toEqual([
      'Bearer ya29',
      'Bearer ya29',
      'Bearer ya29',
    ]);

    fake.revokeAll();
    const error = await yt.fetch(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain(`refresh token for client ${oauth.clientId}`);
    expect((error as Error).message).toContain('youtube.force-ssl');
  });
});

describe('youtube connector: replies', () => {
  it('replies with comments.insert (parentId) over OAuth; a replay posts again, as the platform has no idempotency', async () => {
    const fake = await start();
    const t = fake.addComment({ videoId: 'vid9' });
    const sa = fake.serviceAccount();
    const { client: yt } = client({ channelId: 'UCbrand', apiKey: fake.apiKey, serviceAccount: JSON.stringify(sa), baseUrl: fake.url });
    const [mention] = (await yt.fetch(null)).mentions;
    const reply = await replyOf(yt)(present(mention), 'Thanks Erin!', { idempotencyKey: 'd1' });
    expect(fake.ytReplies).toEqual([{ id: reply.replyId, parentId: t.id, text: 'Thanks Erin!' }]);
    expect(reply.url).toBe(`https://www.youtube.com/watch?v=vid9&lc=${reply.replyId}`);
    expect(fake.tokenGrants).toEqual(['urn:ietf:params:oauth:grant-type:jwt-bearer']);
    const post = present(fake.requests.find((r) => r.method === 'POST' && r.path === '/youtube/v3/comments'));
    expect(post.query.get('part')).toBe('snippet');
    expect(post.query.get('key')).toBeNull();
    expect(post.body).toEqual({ snippet: { parentId: t.id, textOriginal: 'Thanks Erin!' } });
    expect(youtubeConnector.capabilities.idempotentReply).toBe(false);
    await replyOf(yt)(present(mention), 'Thanks Erin!', { idempotencyKey: 'd1' });
    expect(fake.ytReplies).toHaveLength(2);
    expect(fake.quota.used).toBe(1 + 50 + 50);
  });

  it('needs OAuth to reply, and maps a vanished parent to PermanentError', async () => {
    const fake = await start();
    fake.addComment({});
    const keyOnly = client(keyOptions(fake)).client;
    const [mention] = (await keyOnly.fetch(null)).mentions;
    await expect(replyOf(keyOnly)(present(mention), 'hi', { idempotencyKey: 'k' })).rejects.toThrow(
      /needs OAuth credentials with scope https:\/\/www\.googleapis\.com\/auth\/youtube\.force-ssl/,
    );
    const withOauth = client({ ...keyOptions(fake), oauth: fake.oauthClient() }).client;
    fake.threads.length = 0;
    await expect(replyOf(withOauth)(present(mention), 'hi', { idempotencyKey: 'k' })).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('youtube connector: options', () => {
  const parse = (o: Record<string, unknown>) => youtubeConnector.optionsSchema.safeParse(o);
  it('needs something to read and a way to sign in', () => {
    expect(JSON.stringify(parse({ apiKey: 'k' }).error?.issues)).toContain('set channelId');
    expect(JSON.stringify(parse({ channelId: 'UC1' }).error?.issues)).toContain('needs options.apiKey or OAuth credentials');
    expect(JSON.stringify(parse({ channelId: 'UC1', serviceAccount: '{nope' }).error?.issues)).toContain('serviceAccount is not JSON');
    expect(JSON.stringify(parse({ channelId: 'UC1', serviceAccount: '{"client_email":"a"}' }).error?.issues)).toContain('private_key');
    expect(parse({ channelId: 'UC1', apiKey: 'k' }).success).toBe(true);
  });
});
