import { describe, expect, it } from 'vitest';
import { MalformedResponseError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import { hackernewsConnector } from '../../src/connectors/hackernews/connector.js';
import type { FetchResult, SourceClient } from '../../src/connectors/types.js';
import { FakeHackerNews, type FakeHit } from '../fakes/hackernews.js';
import { makeClient } from '../helpers/connector.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { nth, present } from '../helpers/present.js';

const http = useHttpClient();

const startFake = useFake(() => FakeHackerNews.start());

function client(fake: FakeHackerNews, options: Record<string, unknown> = {}): SourceClient {
  return makeClient(hackernewsConnector, { baseUrl: fake.url, query: 'acme', ...options }, { http }).client;
}

const ids = (r: FetchResult) => r.mentions.map((m) => m.nativeId).sort();
const idsOf = (hits: FakeHit[]) => hits.map((h) => h.objectID).sort();
const many = (fake: FakeHackerNews, n: number, at?: number) => Array.from({ length: n }, () => fake.add(at === undefined ? {} : { at }));

/** Polls until an idle poll, collecting everything; fails on a duplicate. */
async function drain(source: SourceClient, cursor: string | null, limit = 20): Promise<{ seen: string[]; cursor: string | null }> {
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    const r = await source.fetch(cursor);
    seen.push(...r.mentions.map((m) => m.nativeId));
    cursor = r.cursor;
    if (r.mentions.length === 0) break;
  }
  expect(new Set(seen).size).toBe(seen.length);
  return { seen, cursor };
}

describe('hackernews connector', () => {
  it('backfills the newest page, normalises stories and comments, then reads forward with created_at_i', async () => {
    const fake = await startFake();
    const old = many(fake, 30);
    const comment = fake.add({ html: '<p>Acme&#x27;s API is down</p><p>again &amp; again</p>', author: 'jkl', parentId: 42 });
    const story = fake.add({ kind: 'story', title: 'Show HN: Acme rockets', html: 'Ask: <i>anyone</i> tried it?', points: 7 });

    const first = await client(fake, { hitsPerPage: 20 }).fetch(null);
    expect(fake.requests).toHaveLength(1);
    const q = nth(fake.requests, 0).query;
    expect([q.get('query'), q.get('tags'), q.get('hitsPerPage'), q.get('page'), q.get('numericFilters')]).toEqual([
      'acme',
      '(story,comment)',
      '20',
      '0',
      null,
    ]);
    expect(ids(first)).toEqual(idsOf([...old.slice(12), comment, story]));

    const c = present(first.mentions.find((m) => m.nativeId === comment.objectID));
    expect(c.text).toBe("Acme's API is down\n\nagain & again");
    expect(c.url).toBe(`https://news.ycombinator.com/item?id=${comment.objectID}`);
    expect(c.author).toEqual({ id: 'jkl', handle: 'jkl', name: 'jkl', followers: null, url: 'https://news.ycombinator.com/user?id=jkl' });
    expect(c.inReplyToId).toBe('42');
    expect(c.createdAt).toBe(new Date(comment.created_at_i * 1000).toISOString());
    const s = present(first.mentions.find((m) => m.nativeId === story.objectID));
    expect(s.text).toBe(`Show HN: Acme rockets\n\nAsk: anyone tried it?\n\n${story.url}`);
    expect(s.engagement.likes).toBe(7);

    // Same second as the newest seen (indexed late) and newer: both read, nothing twice.
    const sameSecond = fake.add({ at: story.created_at_i });
    const newer = many(fake, 3);
    fake.requests.length = 0;
    const second = await client(fake, { hitsPerPage: 20 }).fetch(first.cursor);
    expect(ids(second)).toEqual(idsOf([sameSecond, ...newer]));
    expect(nth(fake.requests, 0).query.get('numericFilters')).toBe(`created_at_i>=${story.created_at_i}`);

    fake.requests.length = 0;
    const idle = await client(fake).fetch(second.cursor);
    expect(idle.mentions).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('uses the brand name as the default query and starts an empty history at 0', async () => {
    const fake = await startFake();
    const source = makeClient(hackernewsConnector, { baseUrl: fake.url }, { http }).client;
    const empty = await source.fetch(null);
    expect(nth(fake.requests, 0).query.get('query')).toBe('Acme Air');
    const hit = fake.add({ html: 'Flew Acme Air today' });
    const next = await source.fetch(empty.cursor);
    expect(nth(fake.requests, 1).query.get('numericFilters')).toBe('created_at_i>=0');
    expect(ids(next)).toEqual([hit.objectID]);
  });

  it('pages without duplicates or gaps while new hits arrive mid-poll', async () => {
    const fake = await startFake();
    const start = await client(fake).fetch(null);
    const backlog = many(fake, 95);
    const arrivals: FakeHit[] = [];
    fake.beforeSearch = (r) => {
      if (r.query.get('page') !== '0' && arrivals.length < 40) arrivals.push(...many(fake, 7));
    };
    const { seen } = await drain(client(fake, { hitsPerPage: 10, maxPagesPerPoll: 30 }), start.cursor);
    fake.beforeSearch = undefined;
    expect(seen.sort()).toEqual(idsOf([...backlog, ...arrivals]));
  });

  it('narrows the time window to get past the 1,000-hit paging cap', async () => {
    const fake = await startFake();
    const start = await client(fake).fetch(null);
    // Several hits share each second, so the narrowing has to keep the ids read at its edge.
    const burst = Array.from({ length: 1_500 }, (_, i) => fake.add({ at: 1_800_000_000 + Math.floor(i / 3) }));
    const result = await client(fake, { hitsPerPage: 100, maxPagesPerPoll: 30 }).fetch(start.cursor);
    expect(ids(result)).toEqual(idsOf(burst));
    expect(fake.requests.some((r) => /created_at_i<=\d+/.test(r.query.get('numericFilters') ?? ''))).toBe(true);
    expect(fake.requests.every((r) => Number(r.query.get('page')) < 10)).toBe(true);
  });

  it('fills the gap on the next poll when a poll runs out of pages, across a restart', async () => {
    const fake = await startFake();
    const start = await client(fake).fetch(null);
    const backlog = many(fake, 35);
    const opts = { hitsPerPage: 10, maxPagesPerPoll: 2 };
    const first = await client(fake, opts).fetch(start.cursor);
    expect(ids(first)).toEqual(idsOf(backlog.slice(15)));
    const later = many(fake, 4);
    const { seen } = await drain(client(fake, opts), first.cursor);
    expect([...ids(first), ...seen].sort()).toEqual(idsOf([...backlog, ...later]));
  });

  it('rejects malformed hits with a reason while the page flows', async () => {
    const fake = await startFake();
    const start = await client(fake).fetch(null);
    const good = fake.add();
    fake.addRaw({ objectID: '9001', created_at_i: 1_900_000_002, comment_text: 'acme', _tags: ['comment'] }, 1_900_000_002);
    fake.addRaw(
      { objectID: '9002', created_at_i: 1_900_000_001, author: 'x', comment_text: 'acme', points: 'lots', _tags: ['comment'] },
      1_900_000_001,
    );
    fake.addRaw(
      { objectID: '9003', created_at_i: 1_900_000_003, author: 'x', comment_text: '<!-- acme --><p> </p>', _tags: ['comment'] },
      1_900_000_003,
    );
    const result = await client(fake).fetch(start.cursor);
    expect(ids(result)).toEqual([good.objectID]);
    expect(result.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/hit 9003: no text/),
      expect.stringMatching(/hit 9001: author/),
      expect.stringMatching(/hit 9002: points/),
    ]);
  });

  it('maps 429 + Retry-After to RateLimitedError, keeps a partial poll, and classifies 5xx, 400 and bad JSON', async () => {
    const fake = await startFake();
    const source = client(fake, { hitsPerPage: 10 });
    fake.failNext(429, { message: 'Too many requests', status: 429 }, { headers: { 'retry-after': '120' } });
    const limited = await source.fetch(null).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAt.getTime()).toBeGreaterThan(Date.now() + 110_000);

    const fresh = () => client(fake, { hitsPerPage: 10 });
    const start = await fresh().fetch(null);
    const backlog = many(fake, 25);
    fake.beforeSearch = (r) => {
      if (r.query.get('page') === '1')
        fake.failNext(429, { message: 'Too many requests', status: 429 }, { headers: { 'retry-after': '30' } });
    };
    const partial = await fresh().fetch(start.cursor);
    fake.beforeSearch = undefined;
    expect(ids(partial)).toEqual(idsOf(backlog.slice(15)));
    expect(partial.pauseUntil).toBeInstanceOf(Date);
    const { seen } = await drain(fresh(), partial.cursor);
    expect([...ids(partial), ...seen].sort()).toEqual(idsOf(backlog));

    fake.failNext(503, '<html>Service Unavailable</html>');
    await expect(fresh().fetch(null)).rejects.toBeInstanceOf(TransientError);
    fake.failNext(400, { message: 'invalid tags', status: 400 });
    await expect(fresh().fetch(null)).rejects.toThrow(PermanentError);
    fake.failNext(200, '{"hits": [');
    await expect(fresh().fetch(null)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('declares itself read-only, without followers or rate-limit headers', () => {
    expect(hackernewsConnector.capabilities).toEqual({
      poll: true,
      stream: false,
      reply: false,
      idempotentReply: false,
      followers: false,
      rateLimit: 'none',
    });
    expect(hackernewsConnector.optionsSchema.safeParse({ tags: ['nonsense'] }).success).toBe(false);
  });
});
