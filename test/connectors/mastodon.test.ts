import { describe, expect, it } from 'vitest';
import { AuthError, MalformedResponseError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import type { FetchResult, SourceClient } from '../../src/connectors/types.js';
import type { Mention } from '../../src/mention.js';
import { FakeMastodon, type FakeStatus } from '../fakes/mastodon.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { mastodonClient } from '../helpers/mastodon-client.js';
import { nth, present } from '../helpers/present.js';

const http = useHttpClient();

const startFake = useFake((options: Parameters<typeof FakeMastodon.start>[0] = {}) => FakeMastodon.start(options));

const client = (fake: FakeMastodon, options: Record<string, unknown> = {}): SourceClient => mastodonClient(fake, http, options);

const uris = (r: FetchResult) => r.mentions.map((m) => m.nativeId).sort();
const urisOf = (statuses: FakeStatus[]) => statuses.map((s) => s.uri).sort();

function tagPosts(fake: FakeMastodon, tag: string, count: number): FakeStatus[] {
  return Array.from({ length: count }, (_, i) => {
    const s = fake.status({ text: `post ${i} about #${tag}` });
    fake.addTagPost(tag, s);
    return s;
  });
}

describe('mastodon connector: polling', () => {
  it('backfills only the newest page, then pages forward with min_id with no gaps or duplicates, across a restart', async () => {
    const fake = await startFake();
    const history = tagPosts(fake, 'acme', 50);
    const opts = { mentions: false, hashtags: ['acme'], pageLimit: 20, maxPagesPerPoll: 3 };

    const first = await client(fake, opts).fetch(null);
    expect(uris(first)).toEqual(urisOf(history.slice(30)));
    expect(fake.requests).toHaveLength(1);
    expect(nth(fake.requests, 0).query.get('min_id')).toBeNull();

    const arrived = tagPosts(fake, 'acme', 70);
    fake.requests.length = 0;
    const second = await client(fake, opts).fetch(first.cursor);
    // Three pages of 20 is this poll's budget: the oldest 60 of the 70 new posts, in order.
    expect(uris(second)).toEqual(urisOf(arrived.slice(0, 60)));
    expect(fake.requests.map((r) => r.query.get('min_id'))).toEqual([nth(history, 49).id, nth(arrived, 19).id, nth(arrived, 39).id]);

    const more = tagPosts(fake, 'acme', 5);
    const restarted = client(fake, opts);
    const third = await restarted.fetch(second.cursor);
    expect(uris(third)).toEqual(urisOf([...arrived.slice(60), ...more]));

    const seen = [...first.mentions, ...second.mentions, ...third.mentions].map((m) => m.nativeId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(urisOf([...history.slice(30), ...arrived, ...more]));

    fake.requests.length = 0;
    const idle = await restarted.fetch(third.cursor);
    expect(idle.mentions).toEqual([]);
    expect(idle.cursor).toBe(third.cursor);
    expect(fake.requests).toHaveLength(1);
  });

  it('picks up mentions that arrive between polls, comparing notification ids as numbers', async () => {
    const fake = await startFake();
    const source = client(fake, { pageLimit: 5 });
    const empty = await source.fetch(null);
    expect(empty.mentions).toEqual([]);

    // Notification ids run 990..1001 here: a string comparison would think "999" is newer than "1001".
    const statuses = Array.from({ length: 12 }, (_, i) => fake.status({ text: `@acme help ${i}` }));
    const notificationIds = statuses.map((s) => fake.addMention(s));
    fake.addNotification({ type: 'favourite', status: fake.status() });
    fake.requests.length = 0;
    const second = await source.fetch(empty.cursor);
    expect(uris(second)).toEqual(urisOf(statuses));
    expect(fake.requests.every((r) => r.query.getAll('types[]').join() === 'mention')).toBe(true);
    expect(fake.requests.map((r) => r.query.get('min_id'))).toEqual(['0', notificationIds[4], notificationIds[9]]);

    const later = fake.status({ text: 'one more' });
    fake.addMention(later);
    fake.requests.length = 0;
    const third = await source.fetch(second.cursor);
    expect(uris(third)).toEqual([later.uri]);
    expect(nth(fake.requests, 0).query.get('min_id')).toBe(notificationIds[11]);
    expect(nth(fake.requests, 0).headers['authorization']).toBe('Bearer fake-token');
  });

  it('returns a status seen in two feeds, or through two instances, as one mention', async () => {
    const fake = await startFake();
    const shared = fake.status({ text: 'love #acme' });
    fake.addMention(shared);
    fake.addTagPost('acme', shared);
    fake.addSearchResult('acme air', shared);
    const result = await client(fake, { hashtags: ['acme'], search: ['acme air'] }).fetch(null);
    expect(result.mentions).toHaveLength(1);

    const other = await startFake();
    other.status();
    const sameOnOther = other.status({ text: 'love #acme', uri: shared.uri });
    other.addTagPost('acme', sameOnOther);
    const viaOther = await client(other, { mentions: false, hashtags: ['acme'] }).fetch(null);
    expect(sameOnOther.id).not.toBe(shared.id);
    expect(nth(viaOther.mentions, 0).id).toBe(nth(result.mentions, 0).id);
    expect(nth(viaOther.mentions, 0).replyRef).toEqual({ statusId: sameOnOther.id, acct: 'alice@remote.example' });
  });

  it('normalises a status: HTML to plain text, spoiler first, boosts unwrapped, url falling back to uri', async () => {
    const fake = await startFake();
    const original = fake.status({
      acct: 'bob@other.example',
      displayName: 'Bob B',
      followers: 987,
      language: 'de',
      inReplyToId: '110000000000000001',
      spoilerText: 'Complaint',
      url: null,
      replies: 2,
      reblogs: 3,
      favourites: 4,
      content:
        '<p>Hello &amp; welcome to <a href="https://x.example/tags/acme" class="mention hashtag">#<span>acme</span></a>!</p>' +
        '<p>Line two<br>line three &#39;quoted&#39; &#x1F600; &lt;b&gt; &quot;x&quot;&nbsp;y</p>',
    });
    fake.addTagPost('acme', fake.status({ acct: 'carol@third.example', reblog: original }));
    const [mention] = (await client(fake, { mentions: false, hashtags: ['acme'] }).fetch(null)).mentions;
    expect(mention).toMatchObject<Partial<Mention>>({
      platform: 'mastodon',
      sourceId: 'masto',
      brandId: 'acme',
      nativeId: original.uri,
      url: original.uri,
      text: 'Complaint\n\nHello & welcome to #acme!\n\nLine two\nline three \'quoted\' 😀 <b> "x" y',
      lang: 'de',
      createdAt: original.created_at,
      author: { id: original.account.id, handle: 'bob@other.example', name: 'Bob B', followers: 987, url: 'https://other.example/@bob' },
      inReplyToId: '110000000000000001',
      engagement: { replies: 2, reposts: 3, likes: 4 },
      rating: null,
      replyRef: { statusId: original.id, acct: 'bob@other.example' },
    });
  });

  it('rejects a malformed status with a reason and lets the rest of the page through', async () => {
    const fake = await startFake();
    const good = [fake.status({ text: 'fine 1' })];
    const badFollowers = fake.malformedStatus({ account: { followers_count: 'lots' } });
    const noId = fake.malformedStatus({ id: undefined });
    good.push(fake.status({ text: 'fine 2' }));
    for (const s of [nth(good, 0), badFollowers, noId, nth(good, 1)]) fake.addTagPost('acme', s);

    const result = await client(fake, { mentions: false, hashtags: ['acme'] }).fetch(null);
    expect(uris(result)).toEqual(urisOf(good));
    expect(result.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^status without id: id: .*expected string/),
      expect.stringMatching(new RegExp(`^status ${String(badFollowers['id'])}: account\\.followers_count: .*expected number`)),
    ]);
    expect(nth(result.rejected, 1).raw).toEqual(badFollowers);
  });

  it('skips an unknown hashtag (404) for this poll and reads the other feeds', async () => {
    const fake = await startFake();
    const post = fake.status();
    fake.addTagPost('acme', post);
    const result = await client(fake, { mentions: false, hashtags: ['nosuchtag', 'acme'] }).fetch(null);
    expect(uris(result)).toEqual([post.uri]);
    expect(JSON.parse(present(result.cursor)).feeds).not.toHaveProperty('tag:nosuchtag');
  });

  it('reads hashtags without a token and sends no Authorization header', async () => {
    const fake = await startFake();
    fake.addTagPost('acme', fake.status());
    const result = await client(fake, { token: undefined, mentions: false, hashtags: ['#Acme'] }).fetch(null);
    expect(result.mentions).toHaveLength(1);
    expect(nth(fake.requests, 0).path).toBe('/api/v1/timelines/tag/acme');
    expect(nth(fake.requests, 0).headers).not.toHaveProperty('authorization');
  });
});

describe('mastodon connector: failures while polling', () => {
  it('throws RateLimitedError at the ISO reset time on 429 and sends nothing more in that fetch', async () => {
    const fake = await startFake();
    fake.addMention(fake.status());
    const reset = new Date(Date.now() + 4 * 60_000 + 123);
    fake.rateLimitNext(1, { reset });
    const error = await client(fake, { hashtags: ['acme'], search: ['acme'] })
      .fetch(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt.getTime()).toBe(reset.getTime());
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps what earlier feeds produced when a later one is rate limited, and pauses', async () => {
    const fake = await startFake();
    const mentions = [fake.status(), fake.status()];
    mentions.forEach((s) => fake.addMention(s));
    const tagged = fake.status();
    fake.addTagPost('acme', tagged);
    fake.addSearchResult('acme air', fake.status());
    const reset = new Date(Date.now() + 90_000);
    fake.rateLimitNext(1, { reset, path: '/api/v1/timelines/tag' });
    const source = client(fake, { hashtags: ['acme'], search: ['acme air'] });

    const partial = await source.fetch(null);
    expect(uris(partial)).toEqual(urisOf(mentions));
    expect(partial.pauseUntil?.getTime()).toBe(reset.getTime());
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v1/notifications', '/api/v1/timelines/tag/acme']);

    // Until the reset every source on this token is held back by the shared limiter, without a request.
    fake.requests.length = 0;
    await expect(source.fetch(partial.cursor)).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests).toHaveLength(0);

    // After the pause (a fresh limiter stands in for the time passing) the rest is read.
    const next = await client(fake, { hashtags: ['acme'], search: ['acme air'] }).fetch(partial.cursor);
    expect(uris(next)).toHaveLength(2);
    expect(next.mentions.map((m) => m.nativeId)).toContain(tagged.uri);
    expect(next.mentions.map((m) => m.nativeId)).not.toContain(nth(mentions, 0).uri);
    expect(nth(fake.requests, 1).query.get('min_id')).toBeNull();
  });

  it('stops and sets pauseUntil when X-RateLimit-Remaining reaches 0', async () => {
    const fake = await startFake();
    const mention = fake.status();
    fake.addMention(mention);
    fake.addTagPost('acme', fake.status());
    const reset = new Date(Date.now() + 120_000);
    fake.setRateLimit({ remaining: 1, reset });
    const result = await client(fake, { hashtags: ['acme'] }).fetch(null);
    expect(uris(result)).toEqual([mention.uri]);
    expect(result.pauseUntil?.getTime()).toBe(reset.getTime());
    expect(fake.requests).toHaveLength(1);
  });

  it('throws AuthError naming the platform error and what to renew on 401', async () => {
    const fake = await startFake({ token: 'the-right-one' });
    const error = await client(fake)
      .fetch(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('The access token is invalid');
    expect((error as Error).message).toContain(`the access token for ${fake.url} was rejected`);
    expect((error as Error).message).toContain('read:notifications read:search read:statuses write:statuses');
    expect((error as Error).message).toContain('options.token');
  });

  it('maps 5xx to TransientError and unreadable JSON to MalformedResponseError', async () => {
    const fake = await startFake();
    fake.failNext(503, '<html>busy</html>');
    await expect(client(fake).fetch(null)).rejects.toBeInstanceOf(TransientError);
    fake.failNext(200, '[{"id":"1",');
    await expect(client(fake).fetch(null)).rejects.toBeInstanceOf(MalformedResponseError);
    fake.failNext(200, { not: 'a list' });
    await expect(client(fake).fetch(null)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('starts over from the newest page when the cursor is unreadable or from another instance', async () => {
    const fake = await startFake();
    const posts = tagPosts(fake, 'acme', 3);
    const opts = { mentions: false, hashtags: ['acme'] };
    expect(uris(await client(fake, opts).fetch('not json'))).toEqual(urisOf(posts));
    const foreign = JSON.stringify({ v: 1, instance: 'https://elsewhere.example', feeds: { 'tag:acme': nth(posts, 2).id } });
    expect(uris(await client(fake, opts).fetch(foreign))).toEqual(urisOf(posts));
  });
});
