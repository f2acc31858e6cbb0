import { describe, expect, it } from 'vitest';
import { AuthError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import { trustpilotConnector } from '../../src/connectors/trustpilot.js';
import type { FetchResult } from '../../src/connectors/types.js';
import { makeClient } from '../helpers/connector.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { FakeTrustpilot, type TpReview } from '../fakes/trustpilot.js';
import { present, replyOf } from '../helpers/present.js';

const UNIT = '46d6a890000064000500e0c3';
const http = useHttpClient();

const start = useFake(() => FakeTrustpilot.start());

const options = (fake: FakeTrustpilot, extra: Record<string, unknown> = {}) => ({
  businessUnitId: UNIT,
  apiKey: fake.apiKey,
  baseUrl: fake.url,
  ...extra,
});
const replyCreds = (fake: FakeTrustpilot) => ({
  apiSecret: fake.apiSecret,
  username: fake.user.username,
  password: fake.user.password,
  businessUserId: fake.user.businessUserId,
});
const client = (o: Record<string, unknown>, extra: Parameters<typeof makeClient>[2] = {}) =>
  makeClient(trustpilotConnector, o, { http, ...extra });
const ids = (r: FetchResult) => r.mentions.map((m) => m.nativeId).sort();
const idsOf = (reviews: TpReview[]) => reviews.map((r) => r.id).sort();
const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

function reviews(fake: FakeTrustpilot, count: number, from: number): TpReview[] {
  return Array.from({ length: count }, (_, i) =>
    fake.addReview(UNIT, { text: `review ${from + i}`, at: secondsAgo(100_000 - from * 10 - i * 10) }),
  );
}

describe('trustpilot connector: polling', () => {
  it('pages with page/perPage via the next-page link, newest first, and reads only new reviews after a restart', async () => {
    const fake = await start();
    const old = reviews(fake, 5, 0);
    const opts = options(fake, { perPage: 2, backfillPages: 5 });
    const first = await client(opts).client.fetch(null);
    expect(ids(first)).toEqual(idsOf(old));
    expect(fake.requests.map((r) => [r.query.get('page'), r.query.get('perPage'), r.query.get('orderBy'), r.query.get('apikey')])).toEqual([
      ['1', '2', 'createdat.desc', fake.apiKey],
      ['2', '2', 'createdat.desc', fake.apiKey],
      ['3', '2', 'createdat.desc', fake.apiKey],
    ]);
    const fresh = reviews(fake, 3, 100);
    const second = await client(opts).client.fetch(first.cursor);
    expect(ids(second)).toEqual(idsOf(fresh));
    expect((await client(opts).client.fetch(second.cursor)).mentions).toEqual([]);
  });

  it('reports a review once when arrivals shift it onto the next page mid-walk', async () => {
    const fake = await start();
    const opts = options(fake, { perPage: 2, maxPagesPerPoll: 10 });
    const first = await client(opts).client.fetch(null);
    const fresh = reviews(fake, 4, 0);
    let late: TpReview[] = [];
    fake.onRequest = (_path, q) => {
      if (q.get('page') === '2' && late.length === 0) late = [fake.addReview(UNIT, { at: secondsAgo(1) })];
    };
    const second = await client(opts).client.fetch(first.cursor);
    expect(second.mentions).toHaveLength(4);
    expect(ids(second)).toEqual(idsOf(fresh));
    fake.onRequest = undefined;
    expect(ids(await client(opts).client.fetch(second.cursor))).toEqual(idsOf(late));
  });

  it('normalises title and text, stars, language, permalink; rejects a malformed review while the page flows', async () => {
    const fake = await start();
    const good = fake.addReview(UNIT, {
      stars: 1,
      title: 'Never arrived',
      text: 'Still waiting.',
      name: 'Ivan',
      language: 'da',
      at: secondsAgo(20),
    });
    const noId = fake.addReview(UNIT, { at: secondsAgo(10) });
    delete (noId as Partial<TpReview>).id;
    const result = await client(options(fake)).client.fetch(null);
    expect(result.mentions).toHaveLength(1);
    expect(result.mentions[0]).toMatchObject({
      platform: 'trustpilot',
      nativeId: good.id,
      url: `https://www.trustpilot.com/reviews/${good.id}`,
      text: 'Never arrived\n\nStill waiting.',
      lang: 'da',
      rating: 1,
      author: { id: good.consumer.id, handle: 'Ivan', followers: null },
      replyRef: { reviewId: good.id },
    });
    expect(result.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/^review without id: id:/)]);
  });
});

describe('trustpilot connector: limits, retries and credentials', () => {
  it('waits out a 429 (Retry-After) and sends nothing before then', async () => {
    const fake = await start();
    reviews(fake, 2, 0);
    fake.failNext(429, { message: 'Too many requests' }, { headers: { 'retry-after': '120' } });
    const { client: tp, limiter } = client(options(fake));
    const error = await tp.fetch(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt.getTime()).toBeGreaterThan(Date.now() + 110_000);
    await expect(client(options(fake), { limiter }).client.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests).toHaveLength(1);
  });

  it('maps a rejected API key to AuthError naming it, and 5xx to TransientError', async () => {
    const fake = await start();
    const error = await client(options(fake, { apiKey: 'wrong' }))
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('options.apiKey of source "src"');
    fake.failNext(502, '<html>Bad gateway</html>');
    await expect(client(options(fake)).client.fetch(null)).rejects.toBeInstanceOf(TransientError);
  });
});

describe('trustpilot connector: replies', () => {
  it('logs in as the business user and posts the reply (201, empty body); a replay posts a second reply', async () => {
    const fake = await start();
    const r = fake.addReview(UNIT, {});
    const { client: tp } = client(options(fake, { reply: replyCreds(fake) }));
    const [mention] = (await tp.fetch(null)).mentions;
    const result = await replyOf(tp)(present(mention), 'So sorry, we have re-sent it.', { idempotencyKey: 'd1' });
    expect(result).toEqual({ replyId: `${r.id}:reply`, url: `https://www.trustpilot.com/reviews/${r.id}` });
    expect(fake.replies).toEqual([
      { reviewId: r.id, message: 'So sorry, we have re-sent it.', authorBusinessUserId: fake.user.businessUserId },
    ]);
    const post = present(fake.requests.find((x) => x.path.endsWith('/reply')));
    expect(post.headers['authorization']).toMatch(/^Bearer tp-at-/);
    expect(post.query.get('apikey')).toBeNull();
    expect(fake.grants).toEqual(['password']);
    expect(trustpilotConnector.capabilities.idempotentReply).toBe(false);
    await replyOf(tp)(present(mention), 'So sorry, we have re-sent it.', { idempotencyKey: 'd1' });
    expect(fake.replies).toHaveLength(2);
    expect(fake.grants).toEqual(['password']);
  });

  it('uses the refresh token when the access token expires; a failed login is an AuthError naming reply.*', async () => {
    const fake = await start();
    fake.addReview(UNIT, {});
    const { client: tp } = client(options(fake, { reply: replyCreds(fake) }));
    const [mention] = (await tp.fetch(null)).mentions;
    await replyOf(tp)(present(mention), 'one', { idempotencyKey: 'a' });
    fake.expireAccessTokens();
    await replyOf(tp)(present(mention), 'two', { idempotencyKey: 'b' });
    expect(fake.grants).toEqual(['password', 'refresh_token']);
    expect(fake.replies.map((x) => x.message)).toEqual(['one', 'two']);

    fake.expireAccessTokens();
    fake.revokeRefreshTokens();
    fake.user.password = 'changed';
    const error = await replyOf(tp)(present(mention), 'three', { idempotencyKey: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('reply.username/reply.password');
    expect(fake.replies).toHaveLength(2);
  });

  it('needs the business-user login to reply, and a missing review is a PermanentError', async () => {
    const fake = await start();
    fake.addReview(UNIT, {});
    const readOnly = client(options(fake)).client;
    const [mention] = (await readOnly.fetch(null)).mentions;
    await expect(replyOf(readOnly)(present(mention), 'hi', { idempotencyKey: 'k' })).rejects.toThrow(/needs a business-user login/);
    const withLogin = client(options(fake, { reply: replyCreds(fake) })).client;
    await expect(
      replyOf(withLogin)({ ...present(mention), replyRef: { reviewId: 'gone' } }, 'hi', { idempotencyKey: 'k' }),
    ).rejects.toBeInstanceOf(PermanentError);
  });
});
