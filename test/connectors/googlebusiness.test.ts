import { describe, expect, it } from 'vitest';
import { AuthError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import { googlebusinessConnector } from '../../src/connectors/googlebusiness.js';
import type { FetchResult } from '../../src/connectors/types.js';
import { makeClient } from '../helpers/connector.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { FakeGoogle, type BusinessReview } from '../fakes/google.js';
import { nth, present, replyOf } from '../helpers/present.js';

const [ACCOUNT, LOCATION] = ['111', '222'];
const http = useHttpClient();

const startFake = useFake(() => FakeGoogle.start());

async function start(): Promise<{ fake: FakeGoogle; oauth: ReturnType<FakeGoogle['oauthClient']> }> {
  const fake = await startFake();
  return { fake, oauth: fake.oauthClient() };
}

const options = (fake: FakeGoogle, oauth: object, extra: Record<string, unknown> = {}) => ({
  accountId: ACCOUNT,
  locationId: LOCATION,
  oauth,
  baseUrl: fake.url,
  ...extra,
});
const client = (o: Record<string, unknown>, extra: Parameters<typeof makeClient>[2] = {}) =>
  makeClient(googlebusinessConnector, o, { http, ...extra });
const names = (r: FetchResult) => r.mentions.map((m) => m.nativeId).sort();
const namesOf = (reviews: BusinessReview[]) => reviews.map((r) => r.name).sort();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

function reviews(fake: FakeGoogle, count: number, from: number): BusinessReview[] {
  return Array.from({ length: count }, (_, i) =>
    fake.addBusinessReview(ACCOUNT, LOCATION, { comment: `review ${from + i}`, at: minutesAgo(5_000 - from - i) }),
  );
}

describe('googlebusiness connector: polling', () => {
  it('pages with pageToken ordered by updateTime desc, and resumes across polls and restarts', async () => {
    const { fake, oauth } = await start();
    const old = reviews(fake, 5, 0);
    fake.addBusinessReview(ACCOUNT, '999', {});
    const opts = options(fake, oauth, { pageSize: 2, backfillPages: 5, maxPagesPerPoll: 2 });
    const first = await client(opts).client.fetch(null);
    expect(names(first)).toEqual(namesOf(old));
    const list = fake.requests.filter((r) => r.path.endsWith('/reviews'));
    expect(nth(list, 0).path).toBe(`/v4/accounts/${ACCOUNT}/locations/${LOCATION}/reviews`);
    expect(nth(list, 0).query.get('orderBy')).toBe('updateTime desc');
    expect(list.map((r) => r.query.get('pageToken') === null)).toEqual([true, false, false]);

    const fresh = reviews(fake, 5, 100);
    const second = await client(opts).client.fetch(first.cursor);
    expect(names(second)).toEqual(namesOf(fresh.slice(1)));
    const third = await client(opts).client.fetch(second.cursor);
    expect(names(third)).toEqual(namesOf(fresh.slice(0, 1)));
  });

  it('turns the starRating enum into a number, keeps star-only and anonymous reviews, and rejects a bad enum', async () => {
    const { fake, oauth } = await start();
    const five = fake.addBusinessReview(ACCOUNT, LOCATION, { stars: 'FIVE', comment: null, at: minutesAgo(3) });
    const anon = fake.addBusinessReview(ACCOUNT, LOCATION, { stars: 'ONE', anonymous: true, name: 'x', at: minutesAgo(2) });
    const bad = fake.addBusinessReview(ACCOUNT, LOCATION, { stars: 'SIX', at: minutesAgo(1) });
    const result = await client(options(fake, oauth)).client.fetch(null);
    const byName = new Map(result.mentions.map((m) => [m.nativeId, m]));
    expect(byName.get(five.name)).toMatchObject({
      rating: 5,
      text: '',
      author: { handle: 'Hana', name: 'Hana' },
      replyRef: { name: five.name },
    });
    expect(byName.get(anon.name)).toMatchObject({ rating: 1, text: 'Rude staff', author: { handle: 'Google user', name: '' } });
    expect(result.rejected).toHaveLength(1);
    expect(nth(result.rejected, 0).reason).toMatch(new RegExp(`^review ${bad.reviewId}: starRating`));
  });
});

describe('googlebusiness connector: limits, retries and credentials', () => {
  it('pauses on 429 RESOURCE_EXHAUSTED and on 403 rateLimitExceeded, sending nothing more until then', async () => {
    const { fake, oauth } = await start();
    reviews(fake, 1, 0);
    const { client: gbp, limiter } = client(options(fake, oauth));
    fake.failNext(429, { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }, { path: '/v4/' });
    await expect(gbp.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    const api = () => fake.requests.filter((r) => r.path.startsWith('/v4/')).length;
    const before = api();
    await expect(client(options(fake, oauth), { limiter }).client.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    expect(api()).toBe(before);

    const other = client(options(fake, fake.oauthClient()));
    fake.failNext(
      403,
      { error: { code: 403, message: 'Rate limit', status: 'PERMISSION_DENIED', errors: [{ reason: 'rateLimitExceeded' }] } },
      { path: '/v4/' },
    );
    await expect(other.client.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('maps 503 to TransientError and 403 PERMISSION_DENIED (no API access) to PermanentError', async () => {
    const { fake, oauth } = await start();
    fake.failNext(503, { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } }, { path: '/v4/' });
    await expect(client(options(fake, oauth)).client.fetch(null)).rejects.toBeInstanceOf(TransientError);
    fake.failNext(
      403,
      {
        error: {
          code: 403,
          message: 'My Business API has not been used in project 1 before or it is disabled.',
          status: 'PERMISSION_DENIED',
        },
      },
      { path: '/v4/' },
    );
    const error = await client(options(fake, oauth))
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('has not been used in project');
  });

  it('refreshes once on 401 and succeeds; when the refresh token is revoked, AuthError names the OAuth client', async () => {
    const { fake, oauth } = await start();
    reviews(fake, 1, 0);
    const { client: gbp } = client(options(fake, oauth));
    await gbp.fetch(null);
    fake.expireAccessTokens();
    expect((await gbp.fetch(null)).mentions).toHaveLength(1);
    expect(fake.tokenGrants).toEqual(['refresh_token', 'refresh_token']);
    fake.revokeAll();
    const error = await gbp.fetch(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain(`OAuth refresh token for client ${oauth.clientId}`);
    expect((error as Error).message).toContain('business.manage');
  });
});

describe('googlebusiness connector: replies', () => {
  it('PUTs the reply; a replay overwrites it, leaving one reply', async () => {
    const { fake, oauth } = await start();
    const r = fake.addBusinessReview(ACCOUNT, LOCATION, {});
    const { client: gbp } = client(options(fake, oauth));
    const [mention] = (await gbp.fetch(null)).mentions;
    const first = await replyOf(gbp)(present(mention), "We're sorry, please call us.", { idempotencyKey: 'd1' });
    const replay = await replyOf(gbp)(present(mention), "We're sorry, please call us.", { idempotencyKey: 'd1' });
    expect(replay).toEqual(first);
    expect(first.replyId).toBe(`${r.name}/reply`);
    expect(fake.businessReplyCalls).toHaveLength(2);
    expect(r.reviewReply?.comment).toBe("We're sorry, please call us.");
    const put = present(fake.requests.find((x) => x.method === 'PUT'));
    expect(put.path).toBe(`/v4/${r.name}/reply`);
    expect(put.body).toEqual({ comment: "We're sorry, please call us." });
    expect(googlebusinessConnector.capabilities.idempotentReply).toBe(true);

    const elsewhere = { ...present(mention), replyRef: { name: 'accounts/1/locations/9/reviews/x' } };
    await expect(replyOf(gbp)(elsewhere, 'hi', { idempotencyKey: 'd2' })).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('googlebusiness connector: options', () => {
  it('needs numeric ids and credentials', () => {
    const parse = (o: Record<string, unknown>) => googlebusinessConnector.optionsSchema.safeParse(o);
    expect(
      JSON.stringify(
        parse({ accountId: 'accounts/1', locationId: '2', oauth: { clientId: 'a', clientSecret: 'b', refreshToken: 'c' } }).error?.issues,
      ),
    ).toContain('numeric account id');
    expect(JSON.stringify(parse({ accountId: '1', locationId: '2' }).error?.issues)).toContain('business.manage');
    expect(parse({ accountId: 1, locationId: 2, oauth: { clientId: 'a', clientSecret: 'b', refreshToken: 'c' } }).success).toBe(true);
  });
});
