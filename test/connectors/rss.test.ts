import { describe, expect, it } from 'vitest';
import { AuthError, MalformedResponseError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import { rssConnector } from '../../src/connectors/rss/connector.js';
import type { FetchResult, SourceClient } from '../../src/connectors/types.js';
import { FakeFeed } from '../fakes/rss.js';
import { makeClient } from '../helpers/connector.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { nth, present } from '../helpers/present.js';

const http = useHttpClient();

const startFake = useFake(() => FakeFeed.start());

function client(url: string, options: Record<string, unknown> = {}): SourceClient {
  return makeClient(rssConnector, { url, ...options }, { http }).client;
}

const native = (r: FetchResult) => r.mentions.map((m) => m.nativeId);
const at = (s: number) => new Date(Date.UTC(2025, 0, 2, 3, 4, s));

describe('rss connector', () => {
  it('reads RSS 2.0 (CDATA, content:encoded, dc:creator, guid → link → hash keys), then polls with ETag/Last-Modified and gets 304', async () => {
    const fake = await startFake();
    fake.publish({ title: 'No id at all', html: '<p>only a title and a date</p>', date: at(1) });
    fake.publish({ title: 'Linked', link: 'https://blog.example/linked', html: 'Acme &amp; friends' });
    fake.publish({
      title: 'Acme &lt;3',
      guid: 'https://blog.example/p/1',
      html: '<p>short</p>',
      encoded: '<p>Full <b>story</b> about Acme</p>',
      creator: 'Jo',
      date: at(3),
    });
    const feedUrl = `${fake.url}/rss.xml`;
    const source = client(feedUrl);

    const first = await source.fetch(null);
    expect(first.rejected).toEqual([]);
    const [full, linked, bare] = first.mentions;
    expect(native(first)).toEqual([
      'https://blog.example/p/1',
      'https://blog.example/linked',
      expect.stringMatching(new RegExp(`^${feedUrl}#[A-Za-z0-9_-]{22}$`)),
    ]);
    expect(present(full).text).toBe('Acme <3\n\nFull story about Acme');
    expect(present(full).url).toBe('https://blog.example/p/1');
    expect(present(full).author.name).toBe('Jo');
    expect(present(full).createdAt).toBe(at(3).toISOString());
    expect(present(full).lang).toBe('en');
    expect(present(full).platform).toBe('rss');
    expect(present(linked).text).toBe('Linked\n\nAcme & friends');
    expect(present(linked).author.name).toBe('Acme Watch');
    expect(present(bare).url).toBeNull();

    const again = await source.fetch(first.cursor);
    const conditional = nth(fake.requests, fake.requests.length - 1).headers;
    expect(conditional['if-none-match']).toMatch(/^"[0-9a-f]+"$/);
    expect(conditional['if-modified-since']).toBe(new Date(Date.UTC(2025, 0, 2, 3, 4, 8)).toUTCString());
    expect(again).toEqual({ mentions: [], rejected: [], cursor: first.cursor });

    fake.publish({ title: 'New one', guid: 'https://blog.example/p/2', html: 'Acme again' });
    const third = await client(feedUrl).fetch(again.cursor);
    expect(native(third)).toEqual(['https://blog.example/p/2']);
  });

  it('reads Atom: alternate link, escaped html and xhtml content, entry and feed authors, xml:lang', async () => {
    const fake = await startFake();
    fake.publish({
      guid: 'tag:blog.example,2025:1',
      title: 'Atom & Acme',
      link: 'https://blog.example/a1',
      html: '<p>Hello <em>Acme</em></p>',
      creator: 'Al',
    });
    fake.publish({
      xml: `<entry><id>tag:blog.example,2025:2</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; title</title><updated>2025-01-03T00:00:00Z</updated>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Inline <b>xhtml</b> &amp; more</p></div></content></entry>`,
    });
    const result = await client(`${fake.url}/atom.xml`).fetch(null);
    expect(result.rejected).toEqual([]);
    const [xhtml, html] = result.mentions;
    expect(present(xhtml).nativeId).toBe('tag:blog.example,2025:2');
    expect(present(xhtml).text).toBe('Bold title\n\nInline xhtml & more');
    expect(present(xhtml).author.name).toBe('Feed Owner');
    expect(present(xhtml).createdAt).toBe('2025-01-03T00:00:00.000Z');
    expect(present(html).text).toBe('Atom & Acme\n\nHello Acme');
    expect(present(html).url).toBe('https://blog.example/a1');
    expect(present(html).author).toMatchObject({ name: 'Al', url: 'https://people.example/Al' });
    expect(present(html).lang).toBe('de');
  });

  it('never hands an item on twice without validators, across restarts, duplicates and items leaving the feed', async () => {
    const fake = await startFake();
    fake.validators = { etag: false, lastModified: false };
    fake.size = 5;
    const feedUrl = `${fake.url}/rss.xml`;
    const publish = (n: number) => fake.publish({ title: `Post ${n}`, guid: `https://blog.example/${n}`, html: `Acme ${n}` });
    for (let n = 1; n <= 3; n++) publish(n);
    fake.publish({ title: 'Post 3 again', guid: 'https://blog.example/3', html: 'same guid' });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (const batch of [[4], [5, 6, 7, 8], [], [9]]) {
      batch.forEach(publish);
      const r = await client(feedUrl).fetch(cursor);
      seen.push(...native(r));
      cursor = r.cursor;
    }
    expect(fake.requests.every((r) => !r.headers['if-none-match'] && !r.headers['if-modified-since'])).toBe(true);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `https://blog.example/${n}`).sort());
  });

  it('starts quietly with backfill: false', async () => {
    const fake = await startFake();
    fake.publish({ title: 'Old', guid: 'https://blog.example/old' });
    const first = await client(`${fake.url}/rss.xml`, { backfill: false }).fetch(null);
    expect(first.mentions).toEqual([]);
    fake.publish({ title: 'New', guid: 'https://blog.example/new' });
    expect(native(await client(`${fake.url}/rss.xml`, { backfill: false }).fetch(first.cursor))).toEqual(['https://blog.example/new']);
  });

  it('rejects malformed items once with a reason while the rest flows, and refuses documents that are not feeds', async () => {
    const fake = await startFake();
    fake.publish({ title: 'Fine', guid: 'https://blog.example/fine' });
    fake.publish({
      title: 'Bad date',
      guid: 'https://blog.example/bad',
      date: null,
      xml: '<item><title>Bad date</title><guid>https://blog.example/bad</guid><pubDate>someday soon</pubDate></item>',
    });
    fake.publish({ xml: '<item><description></description></item>' });
    const feedUrl = `${fake.url}/rss.xml`;
    const first = await client(feedUrl).fetch(null);
    expect(native(first)).toEqual(['https://blog.example/fine']);
    expect(first.rejected.map((r) => r.reason)).toEqual([
      'item has no guid/id, link, title or text',
      expect.stringMatching(/bad: date "someday soon" is not a date/),
    ]);
    fake.publish({ title: 'Later', guid: 'https://blog.example/later' });
    const second = await client(feedUrl).fetch(first.cursor);
    expect(native(second)).toEqual(['https://blog.example/later']);
    expect(second.rejected).toEqual([]);

    fake.failNext(200, '<!doctype html><html><body>Welcome</body></html>', { 'content-type': 'text/html' });
    await expect(client(feedUrl).fetch(null)).rejects.toThrow(/not well-formed XML|neither RSS nor Atom/);
    fake.failNext(200, '<?xml version="1.0"?><rss version="2.0"><channel><item><title>cut', { 'content-type': 'application/rss+xml' });
    await expect(client(feedUrl).fetch(null)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('honours Retry-After on 429 and 503, follows a moved feed, and classifies other failures', async () => {
    const fake = await startFake();
    fake.publish({ title: 'One', guid: 'https://blog.example/1' });
    const feedUrl = `${fake.url}/rss.xml`;
    fake.failNext(429, 'slow down', { 'retry-after': '120' });
    const limited = await client(feedUrl)
      .fetch(null)
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAt.getTime()).toBeGreaterThan(Date.now() + 110_000);

    const later = new Date(Date.now() + 3_600_000);
    fake.failNext(503, 'maintenance', { 'retry-after': later.toUTCString() });
    const maintenance = await client(feedUrl)
      .fetch(null)
      .catch((e: unknown) => e);
    expect(maintenance).toBeInstanceOf(RateLimitedError);
    expect(Math.abs((maintenance as RateLimitedError).retryAt.getTime() - later.getTime())).toBeLessThan(1_000);

    fake.failNext(503, 'down');
    await expect(client(feedUrl).fetch(null)).rejects.toBeInstanceOf(TransientError);
    fake.failNext(500, 'oops');
    await expect(client(feedUrl).fetch(null)).rejects.toBeInstanceOf(TransientError);
    fake.failNext(401, 'login first');
    await expect(client(feedUrl).fetch(null)).rejects.toBeInstanceOf(AuthError);
    await expect(client(`${fake.url}/missing.xml`).fetch(null)).rejects.toBeInstanceOf(PermanentError);

    const moved = await client(`${fake.url}/old.xml`).fetch(null);
    expect(native(moved)).toEqual(['https://blog.example/1']);
  });

  it('declares itself read-only without rate-limit headers', () => {
    expect(rssConnector.capabilities).toEqual({
      poll: true,
      stream: false,
      reply: false,
      idempotentReply: false,
      followers: false,
      rateLimit: 'none',
    });
    expect(rssConnector.optionsSchema.safeParse({ url: 'ftp://x' }).success).toBe(false);
  });
});
