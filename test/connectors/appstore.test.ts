import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appstoreConnector, parseRateLimit } from '../../src/connectors/appstore/connector.js';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import type { FetchResult } from '../../src/connectors/types.js';
import { makeClient } from '../helpers/connector.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { FakeAppStore, type ApsReview } from '../fakes/appstore.js';
import { nth, present, replyOf } from '../helpers/present.js';

const APP = '1234567890';
const http = useHttpClient();

const startFake = useFake(() => FakeAppStore.start());

async function start(): Promise<{ fake: FakeAppStore; key: ReturnType<FakeAppStore['apiKey']> }> {
  const fake = await startFake();
  return { fake, key: fake.apiKey() };
}

const options = (fake: FakeAppStore, key: object, extra: Record<string, unknown> = {}) => ({
  appId: APP,
  ...key,
  baseUrl: fake.url,
  ...extra,
});
const client = (o: Record<string, unknown>, extra: Parameters<typeof makeClient>[2] = {}) =>
  makeClient(appstoreConnector, o, { http, ...extra });
const ids = (r: FetchResult) => r.mentions.map((m) => m.nativeId).sort();
const idsOf = (reviews: ApsReview[]) => reviews.map((r) => r.id).sort();
const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

function reviews(fake: FakeAppStore, count: number, from: number): ApsReview[] {
  return Array.from({ length: count }, (_, i) =>
    fake.addReview(APP, { body: `review ${from + i}`, at: secondsAgo(100_000 - from * 10 - i * 10) }),
  );
}

describe('appstore connector: polling', () => {
  it('follows links.next newest-first, then reads only what is new, across restarts', async () => {
    const { fake, key } = await start();
    const old = reviews(fake, 5, 0);
    const opts = options(fake, key, { limit: 2, backfillPages: 5 });
    const first = await client(opts).client.fetch(null);
    expect(ids(first)).toEqual(idsOf(old));
    const pages = fake.requests.filter((r) => r.path.endsWith('/customerReviews'));
    expect(nth(pages, 0).query.get('sort')).toBe('-createdDate');
    expect(nth(pages, 0).query.get('limit')).toBe('2');
    expect(pages.map((p) => p.query.get('cursor') === null)).toEqual([true, false, false]);

    const fresh = reviews(fake, 3, 100);
    const second = await client(opts).client.fetch(first.cursor);
    expect(ids(second)).toEqual(idsOf(fresh));
    expect((await client(opts).client.fetch(second.cursor)).mentions).toEqual([]);
  });

  it('tells reviews created in the same second apart by id', async () => {
    const { fake, key } = await start();
    const at = secondsAgo(30);
    const a = fake.addReview(APP, { at });
    const first = await client(options(fake, key)).client.fetch(null);
    const b = fake.addReview(APP, { at });
    expect(a.attributes.createdDate).toBe(b.attributes.createdDate);
    const second = await client(options(fake, key)).client.fetch(first.cursor);
    expect(ids(second)).toEqual([b.id]);
  });

  it('normalises title and body, rating, nickname; rejects a malformed review while the page flows', async () => {
    const { fake, key } = await start();
    const good = fake.addReview(APP, { rating: 2, title: 'Logs me out', body: 'Every day.', nickname: 'gina77', at: secondsAgo(20) });
    const bad = fake.addReview(APP, { at: secondsAgo(10) });
    (bad.attributes as Record<string, unknown>)['rating'] = 'one';
    const result = await client(options(fake, key)).client.fetch(null);
    expect(result.mentions).toHaveLength(1);
    expect(result.mentions[0]).toMatchObject({
      platform: 'appstore',
      nativeId: good.id,
      text: 'Logs me out\n\nEvery day.',
      rating: 2,
      createdAt: good.attributes.createdDate,
      author: { handle: 'gina77' },
      replyRef: { reviewId: good.id, territory: 'USA' },
    });
    expect(result.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(new RegExp(`^review ${bad.id}: attributes\\.rating`))]);
  });

  it('refuses a links.next that leaves the API host (the token must not travel)', async () => {
    const { fake, key } = await start();
    reviews(fake, 3, 0);
    fake.failNext(200, { data: [], links: { self: 'x', next: 'https://evil.example/v1/apps/1/customerReviews?cursor=AQ' } });
    await expect(client(options(fake, key, { backfillPages: 2 })).client.fetch(null)).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('appstore connector: rate limits, retries and the JWT', () => {
  it('parses X-Rate-Limit', () => {
    expect(parseRateLimit('user-hour-lim:3600;user-hour-rem:3599;')).toEqual({ limit: 3600, remaining: 3599 });
    expect(parseRateLimit('user-hour-lim:3500;')).toBeNull();
    expect(parseRateLimit(undefined)).toBeNull();
  });

  it('stops paging when X-Rate-Limit says nothing remains, keeps the page read, and resumes later', async () => {
    const { fake, key } = await start();
    const opts = options(fake, key, { limit: 2, maxPagesPerPoll: 5 });
    const first = await client(opts).client.fetch(null);
    const fresh = reviews(fake, 5, 0);
    fake.remaining = 1;
    const { client: aps, limiter } = client(opts);
    const partial = await aps.fetch(first.cursor);
    expect(ids(partial)).toEqual(idsOf(fresh.slice(3)));
    expect(present(partial.pauseUntil).getTime()).toBeGreaterThan(Date.now() + 60_000);
    const sent = fake.requests.length;
    const blocked = await client(opts, { limiter }).client.fetch(partial.cursor);
    expect(blocked).toMatchObject({ mentions: [], cursor: partial.cursor, pauseUntil: expect.any(Date) });
    expect(fake.requests).toHaveLength(sent);

    fake.remaining = 100;
    const rest = await client(opts).client.fetch(partial.cursor);
    expect(ids(rest)).toEqual(idsOf(fresh.slice(0, 3)));
  });

  it('maps 429 RATE_LIMIT_EXCEEDED to RateLimitedError, 5xx to TransientError', async () => {
    const { fake, key } = await start();
    fake.remaining = 0;
    const error = await client(options(fake, key))
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as Error).message).toContain('RATE_LIMIT_EXCEEDED');
    fake.remaining = 10;
    fake.failNext(503, { errors: [{ status: '503', code: 'SERVICE_UNAVAILABLE', title: 'Unavailable', detail: 'try later' }] });
    await expect(client(options(fake, key)).client.fetch(null)).rejects.toBeInstanceOf(TransientError);
  });

  it('signs one ES256 JWT and reuses it; a revoked key is retried with a fresh JWT once, then an AuthError naming the key', async () => {
    const { fake, key } = await start();
    reviews(fake, 1, 0);
    const { client: aps } = client(options(fake, key));
    await aps.fetch(null);
    await aps.fetch(null);
    const auth = fake.requests.map((r) => r.headers['authorization']);
    expect(new Set(auth).size).toBe(1);
    const header = JSON.parse(Buffer.from(nth(nth(present(auth[0]).split(' '), 1).split('.'), 0), 'base64url').toString());
    expect(header).toEqual({ kid: key.keyId, alg: 'ES256', typ: 'JWT' });

    fake.revokeKey(key.keyId);
    const before = fake.requests.length;
    const error = await aps.fetch(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain(`API key ${key.keyId} (issuer ${key.issuerId})`);
    expect((error as Error).message).toContain('NOT_AUTHORIZED');
    expect(fake.requests.length - before).toBe(2);
    expect(present(fake.requests.at(-1)).headers['authorization']).not.toBe(auth[0]);
  });

  it('reads the key from privateKeyFile, and a key for the wrong curve is an AuthError', async () => {
    const { fake, key } = await start();
    reviews(fake, 1, 0);
    const dir = await mkdtemp(join(tmpdir(), 'earshot-aps-'));
    await writeFile(join(dir, 'AuthKey.p8'), key.privateKey);
    const { privateKey: _omit, ...rest } = key;
    expect((await client(options(fake, rest, { privateKeyFile: join(dir, 'AuthKey.p8') })).client.fetch(null)).mentions).toHaveLength(1);
    const error = await client(options(fake, { ...key, privateKey: 'garbage' }))
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
  });
});

describe('appstore connector: replies', () => {
  it('posts a customerReviewResponses document; a replay replaces the same response', async () => {
    const { fake, key } = await start();
    const r = fake.addReview(APP, {});
    const { client: aps } = client(options(fake, key));
    const [mention] = (await aps.fetch(null)).mentions;
    const first = await replyOf(aps)(present(mention), 'Sorry! Please update to 3.1.', { idempotencyKey: 'd1' });
    const replay = await replyOf(aps)(present(mention), 'Sorry! Please update to 3.1.', { idempotencyKey: 'd1' });
    expect(replay).toEqual(first);
    expect(fake.responses.size).toBe(1);
    expect(fake.responses.get(r.id)).toMatchObject({
      id: first.replyId,
      responseBody: 'Sorry! Please update to 3.1.',
      state: 'PENDING_PUBLISH',
    });
    const post = present(fake.requests.find((x) => x.method === 'POST'));
    expect(post.body).toEqual({
      data: {
        type: 'customerReviewResponses',
        attributes: { responseBody: 'Sorry! Please update to 3.1.' },
        relationships: { review: { data: { type: 'customerReviews', id: r.id } } },
      },
    });
    expect(appstoreConnector.capabilities.idempotentReply).toBe(true);

    const gone = { ...present(mention), replyRef: { reviewId: 'nope' } };
    const error = await replyOf(aps)(gone, 'x', { idempotencyKey: 'd2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('ENTITY_ERROR.ATTRIBUTE.INVALID');
  });
});

describe('appstore connector: options', () => {
  it('needs exactly one of privateKey and privateKeyFile, and a numeric app id', () => {
    const parse = (o: Record<string, unknown>) =>
      appstoreConnector.optionsSchema.safeParse({ appId: '1', issuerId: 'i', keyId: 'k', ...o });
    expect(JSON.stringify(parse({}).error?.issues)).toContain('exactly one of privateKey');
    expect(JSON.stringify(parse({ privateKey: 'a', privateKeyFile: 'b' }).error?.issues)).toContain('exactly one of privateKey');
    expect(JSON.stringify(parse({ appId: 'com.acme', privateKey: 'a' }).error?.issues)).toContain('numeric Apple ID');
    expect(parse({ privateKey: 'a' }).success).toBe(true);
  });
});
