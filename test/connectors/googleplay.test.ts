import { describe, expect, it } from 'vitest';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import { googleplayConnector } from '../../src/connectors/googleplay.js';
import type { FetchResult } from '../../src/connectors/types.js';
import { makeClient } from '../helpers/connector.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { FakeGoogle, type PlayReview } from '../fakes/google.js';
import { nth, present, replyOf } from '../helpers/present.js';

const PKG = 'com.acme.app';
const http = useHttpClient();

const startFake = useFake(() => FakeGoogle.start());

async function start(): Promise<{ fake: FakeGoogle; sa: ReturnType<FakeGoogle['serviceAccount']> }> {
  const fake = await startFake();
  return { fake, sa: fake.serviceAccount() };
}

const options = (fake: FakeGoogle, sa: object, extra: Record<string, unknown> = {}) => ({
  packageName: PKG,
  serviceAccount: sa,
  baseUrl: fake.url,
  ...extra,
});
const client = (o: Record<string, unknown>, extra: Parameters<typeof makeClient>[2] = {}) =>
  makeClient(googleplayConnector, o, { http, ...extra });
const ids = (r: FetchResult) => r.mentions.map((m) => m.nativeId).sort();
const idsOf = (reviews: PlayReview[]) => reviews.map((r) => r.reviewId).sort();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

function reviews(fake: FakeGoogle, count: number, from: number): PlayReview[] {
  return Array.from({ length: count }, (_, i) => fake.addPlayReview(PKG, { text: `review ${from + i}`, at: minutesAgo(5_000 - from - i) }));
}

describe('googleplay connector: polling', () => {
  it('pages with token, sees only the last week (as the API does), and picks up new reviews after a restart', async () => {
    const { fake, sa } = await start();
    fake.addPlayReview(PKG, { at: new Date(Date.now() - 8 * 86_400_000) });
    const week = reviews(fake, 7, 0);
    const opts = options(fake, sa, { maxResults: 3 });
    const first = await client(opts).client.fetch(null);
    expect(ids(first)).toEqual(idsOf(week));
    expect(fake.requests.filter((r) => r.path.endsWith('/reviews')).map((r) => r.query.get('token'))).toEqual([
      null,
      expect.any(String),
      expect.any(String),
    ]);

    const fresh = reviews(fake, 4, 100);
    const second = await client(opts).client.fetch(first.cursor);
    expect(ids(second)).toEqual(idsOf(fresh));
    expect((await client(opts).client.fetch(second.cursor)).mentions).toEqual([]);
  });

  it('normalises a review: trimmed text, star rating, language, time from lastModified seconds', async () => {
    const { fake, sa } = await start();
    const r = fake.addPlayReview(PKG, { text: 'Crashes on login', stars: 2, author: '', lang: 'de', at: new Date(Date.now() - 60_000) });
    // One fixed second for setup and assertion: reading the clock twice can straddle a second boundary.
    const seconds = Math.floor(Date.now() / 1000) - 60;
    (nth(r.comments, 0)['userComment'] as { lastModified: { seconds: string } }).lastModified.seconds = String(seconds);
    const [m] = (await client(options(fake, sa)).client.fetch(null)).mentions;
    expect(m).toMatchObject({
      platform: 'googleplay',
      nativeId: r.reviewId,
      text: 'Crashes on login',
      rating: 2,
      lang: 'de',
      url: null,
      author: { handle: 'Google Play user', followers: null },
      replyRef: { reviewId: r.reviewId, packageName: PKG },
    });
    expect(Date.parse(present(m).createdAt)).toBe(seconds * 1000);
  });

  it('rejects malformed reviews with a reason while the page flows', async () => {
    const { fake, sa } = await start();
    const good = fake.addPlayReview(PKG, { at: minutesAgo(3) });
    const noStars = fake.addPlayReview(PKG, { at: minutesAgo(2) });
    delete (nth(noStars.comments, 0)['userComment'] as Record<string, unknown>)['starRating'];
    const now = String(Math.floor(Date.now() / 1000));
    fake.addRawPlayReview(PKG, {
      authorName: 'x',
      comments: [{ userComment: { text: 'no id', lastModified: { seconds: now }, starRating: 3 } }],
    });
    const result = await client(options(fake, sa)).client.fetch(null);
    expect(ids(result)).toEqual([good.reviewId]);
    expect(result.rejected.map((r) => r.reason).sort()).toEqual([
      expect.stringMatching(new RegExp(`^review ${noStars.reviewId}: userComment\\.starRating`)),
      expect.stringMatching(/^review without reviewId: reviewId/),
    ]);
  });
});

describe('googleplay connector: limits, retries and credentials', () => {
  it('waits out a 429 RESOURCE_EXHAUSTED (Retry-After) without sending anything before it', async () => {
    const { fake, sa } = await start();
    reviews(fake, 2, 0);
    const { client: play, limiter } = client(options(fake, sa));
    fake.failNext(
      429,
      { error: { code: 429, message: 'Quota exceeded for quota metric', status: 'RESOURCE_EXHAUSTED' } },
      { path: '/androidpublisher' },
    );
    const error = await play.fetch(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    const api = () => fake.requests.filter((r) => r.path.startsWith('/androidpublisher')).length;
    const before = api();
    await expect(client(options(fake, sa), { limiter }).client.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    expect(api()).toBe(before);
  });

  it('maps 5xx to TransientError and broken JSON to MalformedResponseError', async () => {
    const { fake, sa } = await start();
    fake.failNext(500, { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }, { path: '/androidpublisher' });
    await expect(client(options(fake, sa)).client.fetch(null)).rejects.toBeInstanceOf(TransientError);
    fake.failNext(200, '{"reviews":', { path: '/androidpublisher' });
    await expect(client(options(fake, sa)).client.fetch(null)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('signs a new JWT-bearer assertion when the token expires; a revoked key is an AuthError naming the service account', async () => {
    const { fake, sa } = await start();
    reviews(fake, 1, 0);
    const { client: play } = client(options(fake, sa));
    await play.fetch(null);
    fake.expireAccessTokens();
    expect((await play.fetch(null)).mentions).toHaveLength(1);
    expect(fake.tokenGrants).toEqual(['urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);

    fake.revokeAll();
    const error = await play.fetch(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain(`service account ${sa.client_email}`);
    expect((error as Error).message).toContain('invalid_grant');
  });

  it('says what is missing when the service account lacks the scope', async () => {
    const fake = (await start()).fake;
    const narrow = fake.serviceAccount(['https://www.googleapis.com/auth/youtube.force-ssl']);
    const error = await client(options(fake, narrow))
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
  });
});

describe('googleplay connector: replies', () => {
  it('replies with replyText; a replay overwrites the same single reply; too long is refused before sending', async () => {
    const { fake, sa } = await start();
    const r = fake.addPlayReview(PKG, {});
    const { client: play } = client(options(fake, sa));
    const [mention] = (await play.fetch(null)).mentions;
    const first = await replyOf(play)(present(mention), 'Fixed in 1.2.1', { idempotencyKey: 'd1' });
    const replay = await replyOf(play)(present(mention), 'Fixed in 1.2.1', { idempotencyKey: 'd1' });
    expect(replay).toEqual(first);
    expect(first).toEqual({ replyId: `${r.reviewId}:reply`, url: null });
    expect(fake.playReplyCalls).toHaveLength(2);
    expect(r.comments.filter((c) => 'developerComment' in c)).toEqual([
      { developerComment: { text: 'Fixed in 1.2.1', lastModified: expect.any(Object) } },
    ]);
    expect(googleplayConnector.capabilities.idempotentReply).toBe(true);
    const post = present(fake.requests.find((x) => x.method === 'POST' && x.path.endsWith(':reply')));
    expect(post.path).toBe(`/androidpublisher/v3/applications/${PKG}/reviews/${encodeURIComponent(r.reviewId)}:reply`);

    await expect(replyOf(play)(present(mention), 'x'.repeat(351), { idempotencyKey: 'd2' })).rejects.toBeInstanceOf(PermanentError);
    expect(fake.playReplyCalls).toHaveLength(2);
  });
});

describe('googleplay connector: options', () => {
  it('needs a package name and credentials', () => {
    const parse = (o: Record<string, unknown>) => googleplayConnector.optionsSchema.safeParse(o);
    expect(JSON.stringify(parse({ packageName: 'acme' }).error?.issues)).toContain('Android package name');
    expect(JSON.stringify(parse({ packageName: 'com.acme' }).error?.issues)).toContain('needs a service account');
    expect(parse({ packageName: 'com.acme', oauth: { clientId: 'a', clientSecret: 'b', refreshToken: 'c' } }).success).toBe(true);
  });
});
