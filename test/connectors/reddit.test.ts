import { describe, expect, it } from 'vitest';
import { AuthError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import { markdownToText, waitFromMessage } from '../../src/connectors/reddit/wire.js';
import { redditConnector } from '../../src/connectors/reddit/connector.js';
import type { FetchResult } from '../../src/connectors/types.js';
import { FakeReddit, type Thing } from '../fakes/reddit.js';
import { makeClient } from '../helpers/connector.js';
import { useFake } from '../helpers/fake.js';
import { nth, present, replyOf } from '../helpers/present.js';

const startFake = useFake(() => FakeReddit.start());

const UA = 'server:earshot-acme:1.0 (by /u/acme_care)';
function options(fake: FakeReddit, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    username: fake.username,
    password: fake.password,
    userAgent: UA,
    apiBase: fake.url,
    authBase: fake.url,
    search: [],
    subreddits: ['acme'],
    subredditFeeds: ['comments'],
    ...extra,
  };
}
const names = (r: FetchResult) => r.mentions.map((m) => m.nativeId);
const namesOf = (things: Thing[]) => things.map((t) => String(t.data['name']));

describe('reddit connector: polling', () => {
  it('pages a listing with after=<fullname>, stops at the first seen item and round-trips the cursor', async () => {
    const fake = await startFake();
    const old = Array.from({ length: 3 }, () => fake.thing('t1'));
    old.forEach((t) => fake.add('/r/acme/comments', t));
    const { client } = makeClient(redditConnector, options(fake, { pageLimit: 2 }));
    const first = await client.fetch(null);
    expect(names(first)).toEqual(namesOf([nth(old, 2), nth(old, 1)]));

    const fresh = Array.from({ length: 5 }, (_, i) => fake.thing('t1', { body: `new ${i}` }));
    fresh.forEach((t) => fake.add('/r/acme/comments', t));
    fake.requests.length = 0;
    const second = await client.fetch(first.cursor);
    expect(names(second)).toEqual(namesOf(fresh).reverse());
    expect(fake.requests.map((r) => r.query.get('after'))).toEqual([null, namesOf(fresh)[3], namesOf(fresh)[1]]);
    expect(
      fake.requests.every(
        (r) => r.query.get('raw_json') === '1' && r.headers['user-agent'] === UA && r.headers['authorization'] === 'bearer tok-1',
      ),
    ).toBe(true);
    expect((await client.fetch(second.cursor)).mentions).toEqual([]);
  });

  it('searches posts and comments with sort=new, normalises Markdown, and returns an item in two feeds once', async () => {
    const fake = await startFake();
    const post = fake.thing('t3', {
      title: 'Acme outage?',
      selftext: 'Is **acme** down? [status](https://status.acme.example) &amp; more',
      author: 'carol',
    });
    const comment = fake.thing('t1', { body: '> quoted\n\nacme *support* is ~~fast~~ slow', parentId: 't3_p1' });
    fake.add('/search?type=link&q=acme', post);
    fake.add('/search?type=comment&q=acme', comment);
    fake.add('/r/acme/comments', comment);
    const result = await makeClient(redditConnector, options(fake, { search: ['acme'] })).client.fetch(null);
    expect(names(result)).toEqual(namesOf([post, comment]));
    expect(fake.requests.filter((r) => r.path === '/search').map((r) => [r.query.get('type'), r.query.get('sort')])).toEqual([
      ['link', 'new'],
      ['comment', 'new'],
    ]);
    expect(result.mentions[0]).toMatchObject({
      platform: 'reddit',
      text: 'Acme outage?\n\nIs acme down? status & more',
      url: `https://www.reddit.com${String(post.data['permalink'])}`,
      author: { id: 't2_carol', handle: 'carol', followers: null, url: 'https://www.reddit.com/user/carol' },
      inReplyToId: null,
      replyRef: { thingId: post.data['name'], subreddit: 'acme' },
    });
    expect(result.mentions[1]).toMatchObject({
      text: 'quoted\n\nacme support is fast slow',
      inReplyToId: 't3_p1',
      engagement: { likes: 3 },
    });
  });

  it('rejects a malformed item with a reason and lets the rest of the page through', async () => {
    const fake = await startFake();
    const good = fake.thing('t1');
    const bad = fake.thing('t1');
    bad.data['created_utc'] = 'yesterday';
    fake.add('/r/acme/comments', good);
    fake.add('/r/acme/comments', bad);
    const result = await makeClient(redditConnector, options(fake)).client.fetch(null);
    expect(names(result)).toEqual(namesOf([good]));
    expect(result.rejected).toEqual([{ reason: expect.stringMatching(/^t1_\w+: data\.created_utc: .*expected number/), raw: bad }]);
  });
});

describe('reddit connector: failures', () => {
  it('throws RateLimitedError on 429 after X-Ratelimit-Reset seconds and sends nothing before then', async () => {
    const fake = await startFake();
    fake.rateLimitNext(1, 120);
    const { client } = makeClient(redditConnector, options(fake));
    const before = Date.now();
    const err = await client.fetch(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAt.getTime()).toBeGreaterThanOrEqual(before + 120_000);
    const sent = fake.requests.length;
    await expect(client.fetch(null)).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests.length).toBe(sent);
  });

  it('pauses when X-Ratelimit-Remaining drops below 1', async () => {
    const fake = await startFake();
    fake.add('/r/acme/comments', fake.thing('t1'));
    fake.setRateLimit(1, 30);
    const result = await makeClient(redditConnector, options(fake, { subredditFeeds: ['comments', 'new'] })).client.fetch(null);
    expect(result.mentions).toHaveLength(1);
    expect(present(result.pauseUntil).getTime()).toBeGreaterThan(Date.now() + 25_000);
    expect(fake.requests.filter((r) => r.path.startsWith('/r/'))).toHaveLength(1);
  });

  it('maps 5xx to TransientError', async () => {
    const fake = await startFake();
    fake.failNext(503, '<html>upstream</html>', { path: '/r/acme/comments' });
    await expect(makeClient(redditConnector, options(fake)).client.fetch(null)).rejects.toBeInstanceOf(TransientError);
  });

  it('gets a new token once on 401 and goes on; AuthError naming the password when the login is refused', async () => {
    const fake = await startFake();
    fake.add('/r/acme/comments', fake.thing('t1'));
    const { client } = makeClient(redditConnector, options(fake));
    await client.fetch(null);
    fake.expireTokens();
    expect((await client.fetch(null)).mentions).toHaveLength(1);
    expect(fake.tokensIssued).toBe(2);

    fake.expireTokens();
    fake.password = 'changed';
    const err = await client.fetch(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('invalid_grant');
    expect((err as Error).message).toContain('options.password');
  });

  it('names the client id and secret when the app itself is refused', async () => {
    const fake = await startFake();
    const err = await makeClient(redditConnector, options(fake, { clientSecret: 'wrong' }))
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('options.clientId and options.clientSecret');
  });
});

describe('reddit connector: replies', () => {
  async function setup() {
    const fake = await startFake();
    fake.add('/r/acme/comments', fake.thing('t1'));
    const { client } = makeClient(redditConnector, options(fake));
    const [mention] = (await client.fetch(null)).mentions;
    return { fake, client, mention: present(mention) };
  }

  it('posts the comment as a form with api_type=json', async () => {
    const { fake, client, mention } = await setup();
    const result = await replyOf(client)(mention, 'Sorry, **DM us**.', { idempotencyKey: 'k1' });
    expect(fake.comments).toEqual([{ thingId: mention.nativeId, text: 'Sorry, **DM us**.', name: result.replyId }]);
    expect(result.url).toMatch(/^https:\/\/www\.reddit\.com\/r\/acme\/comments\//);
    const post = present(fake.requests.find((r) => r.path === '/api/comment'));
    expect(post.form.get('api_type')).toBe('json');
  });

  it('turns RATELIMIT inside a 200 into RateLimitedError with its time, and refuses the next reply locally', async () => {
    const { fake, client, mention } = await setup();
    fake.commentErrors.push([
      'RATELIMIT',
      "Looks like you've been doing that a lot. Take a break for 9 minutes before trying again.",
      'ratelimit',
    ]);
    const before = Date.now();
    const err = await replyOf(client)(mention, 'hi', { idempotencyKey: 'k2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAt.getTime()).toBeGreaterThanOrEqual(before + 9 * 60_000);
    const sent = fake.requests.length;
    await expect(replyOf(client)(mention, 'hi', { idempotencyKey: 'k2' })).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests.length).toBe(sent);
  });

  it('maps THREAD_LOCKED, DELETED_COMMENT and TOO_OLD to PermanentError', async () => {
    const { fake, client, mention } = await setup();
    for (const code of ['THREAD_LOCKED', 'DELETED_COMMENT', 'TOO_OLD']) {
      fake.commentErrors.push([code, 'that is not allowed', 'parent']);
      const err = await replyOf(client)(mention, 'hi', { idempotencyKey: code }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as Error).message).toContain(code);
    }
    expect(fake.comments).toHaveLength(0);
  });

  it('needs the script account to reply', async () => {
    const { fake, mention } = await setup();
    const readOnly = makeClient(redditConnector, options(fake, { username: undefined, password: undefined })).client;
    await expect(replyOf(readOnly)(mention, 'hi', { idempotencyKey: 'k3' })).rejects.toBeInstanceOf(AuthError);
  });
});

describe('reddit helpers', () => {
  it('reads the wait out of RATELIMIT messages and strips Markdown', () => {
    expect(waitFromMessage('try again in 9 minutes.')).toBe(540_000);
    expect(waitFromMessage('try again in 30 seconds.')).toBe(30_000);
    expect(waitFromMessage('later')).toBeNull();
    expect(markdownToText('# Title\n\n* item with `code` and snake_case_name\n\n\\*not italic\\*')).toBe(
      'Title\n\n* item with code and snake_case_name\n\n*not italic*',
    );
  });
});
