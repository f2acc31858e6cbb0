import { describe, expect, it } from 'vitest';
import { brandMatcher, jetstreamUrl, readEvent } from '../../src/connectors/bluesky/jetstream.js';
import { tidFromKey } from '../../src/connectors/bluesky/wire.js';
import { blueskyConnector } from '../../src/connectors/bluesky/connector.js';
import { AuthError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import type { FetchResult } from '../../src/connectors/types.js';
import { FakeBluesky, type FakePost } from '../fakes/bluesky.js';
import { makeClient, TEST_BRAND } from '../helpers/connector.js';
import { useFake } from '../helpers/fake.js';
import { nth, present, replyOf } from '../helpers/present.js';

const startFake = useFake(() => FakeBluesky.start());

function options(fake: FakeBluesky, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { service: fake.url, identifier: fake.identifier, appPassword: fake.password, search: ['acme'], ...extra };
}

const uris = (r: FetchResult) => r.mentions.map((m) => m.nativeId);
const urisOf = (posts: FakePost[]) => posts.map((p) => p.uri);
const calls = (fake: FakeBluesky, nsid: string) => fake.requests.filter((r) => r.path === `/xrpc/${nsid}`);

describe('bluesky connector: polling', () => {
  it('reads notifications and search newest first, pages with the opaque cursor and stops at the first seen post', async () => {
    const fake = await startFake();
    const older = Array.from({ length: 3 }, (_, i) => fake.post({ text: `acme ${i}` }));
    older.forEach((p) => fake.addSearchResult('acme', p));
    const { client } = makeClient(blueskyConnector, options(fake, { pageLimit: 2 }));
    const first = await client.fetch(null);
    // First run reads one page (backfillPages) and remembers its newest post.
    expect(uris(first)).toEqual([nth(older, 2).uri, nth(older, 1).uri]);

    const newer = Array.from({ length: 5 }, (_, i) => fake.post({ text: `acme new ${i}` }));
    newer.forEach((p) => fake.addSearchResult('acme', p));
    fake.addNotification(fake.post({ text: '@acme.bsky.social hello', handle: 'bob.bsky.social' }));
    fake.addNotification(fake.post({ text: 'liked' }), 'like');
    fake.requests.length = 0;
    const second = await client.fetch(first.cursor);
    expect(uris(second).slice(1)).toEqual(urisOf(newer).reverse());
    expect(nth(second.mentions, 0).author.handle).toBe('bob.bsky.social');
    const searches = calls(fake, 'app.bsky.feed.searchPosts');
    expect(searches).toHaveLength(3);
    expect(searches.map((r) => r.query.get('sort'))).toEqual(['latest', 'latest', 'latest']);
    expect(nth(searches, 0).query.get('since')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(nth(calls(fake, 'app.bsky.notification.listNotifications'), 0).query.getAll('reasons')).toEqual(['mention', 'reply', 'quote']);

    fake.requests.length = 0;
    const third = await client.fetch(second.cursor);
    expect(third.mentions).toEqual([]);
    expect(third.cursor).toBe(second.cursor);
  });

  it('returns a post repeated across pages (new posts shifted the cursor) and across feeds only once', async () => {
    const fake = await startFake();
    const seed = fake.post({ text: 'acme seed' });
    fake.addSearchResult('acme', seed);
    const { client } = makeClient(blueskyConnector, options(fake, { pageLimit: 2 }));
    const start = await client.fetch(null);
    const posts = Array.from({ length: 4 }, (_, i) => fake.post({ text: `acme ${i}` }));
    posts.forEach((p) => fake.addSearchResult('acme', p));
    fake.addNotification(nth(posts, 3));
    let searches = 0;
    fake.onRequest = (nsid) => {
      if (nsid !== 'app.bsky.feed.searchPosts' || ++searches !== 2) return;
      // Arrives while we page: the offset cursor now repeats the last post of page 1 on page 2.
      fake.addSearchResult('acme', fake.post({ text: 'acme late' }));
    };
    const result = await client.fetch(start.cursor);
    expect(new Set(uris(result)).size).toBe(uris(result).length);
    expect(uris(result)).toEqual(expect.arrayContaining(urisOf(posts)));
    const next = await client.fetch(result.cursor);
    expect(next.mentions.map((m) => m.text)).toEqual(['acme late']);
  });

  it('normalises a post and fills followers from getProfiles in batches of 25', async () => {
    const fake = await startFake();
    const parent = fake.post({ text: 'root' });
    const reply = fake.post({
      text: 'acme lost my bag',
      handle: 'maria.bsky.social',
      displayName: 'Maria',
      followers: 48_000,
      reply: { root: parent, parent },
    });
    fake.addSearchResult('acme', reply);
    for (let i = 0; i < 29; i++) fake.addSearchResult('acme', fake.post({ text: `acme ${i}`, handle: `user${i}.bsky.social` }));
    const { client } = makeClient(blueskyConnector, options(fake, { pageLimit: 100 }));
    const result = await client.fetch(null);
    expect(result.mentions).toHaveLength(30);
    const profileCalls = calls(fake, 'app.bsky.actor.getProfiles');
    expect(profileCalls.map((r) => r.query.getAll('actors').length)).toEqual([25, 5]);
    const m = present(result.mentions.find((x) => x.nativeId === reply.uri));
    const rkey = reply.uri.split('/').pop();
    expect(m).toMatchObject({
      platform: 'bluesky',
      url: `https://bsky.app/profile/maria.bsky.social/post/${rkey}`,
      text: 'acme lost my bag',
      lang: 'en',
      author: {
        id: 'did:plc:maria',
        handle: 'maria.bsky.social',
        name: 'Maria',
        followers: 48_000,
        url: 'https://bsky.app/profile/maria.bsky.social',
      },
      inReplyToId: parent.uri,
      engagement: { replies: 0, reposts: 1, likes: 2 },
      replyRef: { uri: reply.uri, cid: reply.cid, rootUri: parent.uri, rootCid: parent.cid },
    });
  });

  it('rejects a malformed post with a reason and lets the rest of the page through', async () => {
    const fake = await startFake();
    const good = fake.post({ text: 'acme ok' });
    const bad = { ...fake.post({ text: 'acme bad' }), record: { text: 42 } };
    const badDate = fake.post({ text: 'acme date', createdAt: 'yesterday' });
    [good, bad, badDate].forEach((p) => fake.addSearchResult('acme', p));
    const result = await makeClient(blueskyConnector, options(fake)).client.fetch(null);
    expect(uris(result)).toEqual([good.uri]);
    expect(result.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(new RegExp(`^post ${bad.uri}: record\\.text: .*expected string`)),
      expect.stringMatching(new RegExp(`^post ${badDate.uri}: createdAt: Invalid ISO datetime`)),
    ]);
  });
});

describe('bluesky connector: failures', () => {
  it('throws RateLimitedError at the epoch reset on 429 and sends nothing before the reset', async () => {
    const fake = await startFake();
    fake.addSearchResult('acme', fake.post({ text: 'acme' }));
    const reset = new Date(Math.ceil((Date.now() + 60_000) / 1000) * 1000);
    fake.rateLimitNext(1, reset);
    const { client } = makeClient(blueskyConnector, options(fake, { mentions: false }));
    const err = await client.fetch(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAt.getTime()).toBe(reset.getTime());
    const sent = fake.requests.length;
    await expect(client.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests.length).toBe(sent);
  });

  it('pauses when RateLimit-Remaining reaches 0', async () => {
    const fake = await startFake();
    fake.addSearchResult('acme', fake.post({ text: 'acme' }));
    const reset = new Date(Math.ceil((Date.now() + 120_000) / 1000) * 1000);
    fake.setRateLimit(2, reset);
    const result = await makeClient(blueskyConnector, options(fake, { mentions: false })).client.fetch(null);
    expect(result.mentions).toHaveLength(1);
    expect(result.pauseUntil?.getTime()).toBe(reset.getTime());
  });

  it('maps 5xx to TransientError', async () => {
    const fake = await startFake();
    fake.failNext(502, '<html>bad gateway</html>', { nsid: 'app.bsky.feed.searchPosts' });
    await expect(makeClient(blueskyConnector, options(fake, { mentions: false })).client.fetch(null)).rejects.toBeInstanceOf(
      TransientError,
    );
  });

  it('keeps one session in the KV across restarts and refreshes it once on ExpiredToken', async () => {
    const fake = await startFake();
    fake.addSearchResult('acme', fake.post({ text: 'acme' }));
    const first = makeClient(blueskyConnector, options(fake));
    await first.client.fetch(null);
    await makeClient(blueskyConnector, options(fake), { kv: first.kv }).client.fetch(null);
    expect(fake.sessionsCreated).toBe(1);
    fake.expireAccessTokens();
    const result = await first.client.fetch(null);
    expect(result.mentions).toHaveLength(1);
    expect(fake.refreshes).toBe(1);
    expect(fake.sessionsCreated).toBe(1);
  });

  it('throws AuthError naming the app password when the refresh and a new login both fail', async () => {
    const fake = await startFake();
    const { client } = makeClient(blueskyConnector, options(fake));
    await client.fetch(null);
    fake.expireAccessTokens();
    fake.expireRefreshTokens();
    fake.password = 'revoked';
    const err = await client.fetch(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('AuthenticationRequired');
    expect((err as Error).message).toContain('options.appPassword');
    expect((err as Error).message).toContain(fake.identifier);
  });
});

describe('bluesky connector: replies', () => {
  async function mentionOf(fake: FakeBluesky, post: FakePost) {
    fake.addNotification(post);
    const { client, kv } = makeClient(blueskyConnector, options(fake, { search: [] }));
    const [mention] = (await client.fetch(null)).mentions;
    return { client, kv, mention: present(mention) };
  }

  it('posts a reply record with root and parent, and a replay with the same key is the same post', async () => {
    const fake = await startFake();
    const root = fake.post({ text: 'thread start' });
    const post = fake.post({ text: '@acme.bsky.social where is my bag', reply: { root, parent: root } });
    const { client, mention } = await mentionOf(fake, post);
    const first = await replyOf(client)(mention, 'Sorry! DM us your booking.', { idempotencyKey: 'draft-1' });
    const replay = await replyOf(client)(mention, 'Sorry! DM us your booking.', { idempotencyKey: 'draft-1' });
    expect(replay).toEqual(first);
    expect(fake.records.size).toBe(1);
    const [stored] = [...fake.records.values()];
    expect(present(stored).uri).toBe(first.replyId);
    expect(present(stored).value).toMatchObject({
      $type: 'app.bsky.feed.post',
      text: 'Sorry! DM us your booking.',
      reply: { root: { uri: root.uri, cid: root.cid }, parent: { uri: post.uri, cid: post.cid } },
    });
    expect(first.url).toBe(`https://bsky.app/profile/${fake.identifier}/post/${first.replyId.split('/').pop()}`);
    expect(calls(fake, 'com.atproto.repo.getRecord')).toHaveLength(1);
  });

  it('recognises its own reply after an unanswered createRecord', async () => {
    const fake = await startFake();
    const { client, mention } = await mentionOf(fake, fake.post({ text: 'help' }));
    fake.failAfterWrite = 1;
    await expect(replyOf(client)(mention, 'On it.', { idempotencyKey: 'k9' })).rejects.toBeInstanceOf(TransientError);
    expect(fake.records.size).toBe(1);
    // The write reached the PDS but its answer was lost: the replay collides on the rkey and finds it.
    const replay = await replyOf(client)(mention, 'On it.', { idempotencyKey: 'k9' });
    const again = await replyOf(client)(mention, 'On it.', { idempotencyKey: 'k9' });
    expect(again).toEqual(replay);
    expect(fake.records.size).toBe(1);
  });

  it('makes TID-shaped rkeys that depend only on the key and the parent time', () => {
    const a = tidFromKey('draft-1', Date.parse('2025-01-02T03:04:05Z'));
    expect(a).toMatch(/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/);
    expect(tidFromKey('draft-1', Date.parse('2025-01-02T03:04:05Z'))).toBe(a);
    expect(tidFromKey('draft-2', Date.parse('2025-01-02T03:04:05Z'))).not.toBe(a);
  });
});

describe('bluesky Jetstream parsing', () => {
  const target = { sourceId: 'bsky', brandId: 'acme' };
  const event = (text: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      did: 'did:plc:x',
      time_us: 1725911162329308,
      kind: 'commit',
      commit: {
        rev: 'r',
        operation: 'create',
        collection: 'app.bsky.feed.post',
        rkey: '3l3qo2vuowo2b',
        cid: 'bafy',
        record: { $type: 'app.bsky.feed.post', text, createdAt: '2024-09-09T19:46:02.102Z' },
        ...extra,
      },
    });

  it('matches brand keywords, handles and hashtags as whole words', () => {
    const matches = brandMatcher(TEST_BRAND, ['"acme support"']);
    expect(matches('flying Acme Air today')).toBe(true);
    expect(matches('hey @acmeair.bsky.social')).toBe(true);
    expect(matches('love #AcmeAir')).toBe(true);
    expect(matches('acme support rocks')).toBe(true);
    expect(matches('#acmeairlines is another')).toBe(false);
    expect(matches('nothing here')).toBe(false);
  });

  it('turns a matching create into a mention keyed like the polled post, and skips the rest', () => {
    const matches = brandMatcher(TEST_BRAND, []);
    const hit = readEvent(event('acme air lost my bag'), matches, target);
    expect(hit.time).toBe(1725911162329308);
    expect(hit.mention).toMatchObject({
      nativeId: 'at://did:plc:x/app.bsky.feed.post/3l3qo2vuowo2b',
      author: { handle: 'did:plc:x', followers: null },
    });
    expect(readEvent(event('unrelated'), matches, target)).toEqual({ time: 1725911162329308 });
    expect(readEvent(JSON.stringify({ did: 'did:plc:x', time_us: 5, kind: 'identity', identity: {} }), matches, target)).toEqual({
      time: 5,
    });
    expect(readEvent('not json', matches, target)).toEqual({ time: null });
    expect(readEvent(event('acme air', { cid: undefined }), matches, target).rejected?.reason).toContain('cid: missing');
    expect(jetstreamUrl('wss://j.example/subscribe', '1725911162329308')).toBe(
      'wss://j.example/subscribe?wantedCollections=app.bsky.feed.post&cursor=1725911157329308',
    );
  });
});
