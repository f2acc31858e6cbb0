import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local feed host: RSS 2.0 (`/rss.xml`) and Atom (`/atom.xml`) documents of the newest `size`
 * items, newest first, with ETag and Last-Modified; 304 for a matching If-None-Match or an
 * If-Modified-Since not older than the last change; scripted 429/503 with Retry-After; a moved
 * feed (`/old.xml` → 301). Items can be given as raw XML to test odd and malformed entries.
 */

export interface FeedEntry {
  /** Raw XML of the whole <item> or <entry>, used as is when given. */
  xml?: string;
  title?: string;
  link?: string;
  guid?: string;
  /** RSS `guid isPermaLink="false"`. */
  guidIsPermaLink?: boolean;
  /** HTML body: RSS description in CDATA, Atom content type="html" escaped. */
  html?: string;
  /** RSS content:encoded (CDATA). */
  encoded?: string;
  creator?: string;
  date?: Date | null;
}

export interface LoggedRequest {
  path: string;
  headers: Record<string, string | undefined>;
}

export class FakeFeed {
  readonly requests: LoggedRequest[] = [];
  /** Items newest first, as feeds list them. */
  private entries: FeedEntry[] = [];
  private changedAt = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
  private readonly failures: Array<{ status: number; body: string; headers: Record<string, string>; left: number }> = [];
  /** How many of the newest items the document shows. */
  size = 20;
  /** Sends ETag / Last-Modified (and honours them). */
  validators = { etag: true, lastModified: true };

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FakeFeed> {
    let fake: FakeFeed | undefined;
    const server = createServer((req, res) => fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeFeed(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Publishes an item at the top of the feed (a second later than the last change). */
  publish(entry: FeedEntry): void {
    this.entries.unshift(entry);
    this.changedAt = new Date(this.changedAt.getTime() + 1000);
  }

  failNext(status: number, body = '', headers: Record<string, string> = {}, times = 1): void {
    this.failures.push({ status, body, headers, left: times });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.url).pathname;
    this.requests.push({ path, headers: { ...req.headers } as Record<string, string | undefined> });
    const failure = this.failures.find((f) => f.left > 0);
    if (failure) {
      failure.left--;
      res.writeHead(failure.status, { 'content-type': 'text/html', ...failure.headers });
      return void res.end(failure.body);
    }
    if (path === '/old.xml') {
      res.writeHead(301, { location: '/rss.xml' });
      return void res.end();
    }
    const kind = path === '/rss.xml' ? 'rss' : path === '/atom.xml' ? 'atom' : null;
    if (!kind) {
      res.writeHead(404, { 'content-type': 'text/html' });
      return void res.end('<h1>Not Found</h1>');
    }
    const body = kind === 'rss' ? this.rss() : this.atom();
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    const lastModified = this.changedAt.toUTCString();
    const headers: Record<string, string> = { 'content-type': kind === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8' };
    if (this.validators.etag) headers['etag'] = etag;
    if (this.validators.lastModified) headers['last-modified'] = lastModified;
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    // RFC 9110: If-None-Match wins; If-Modified-Since only counts without it.
    const notModified = this.validators.etag && inm ? inm === etag : this.validators.lastModified && ims ? Date.parse(ims) >= Math.floor(this.changedAt.getTime() / 1000) * 1000 : false;
    if (notModified) {
      res.writeHead(304, headers);
      return void res.end();
    }
    res.writeHead(200, headers);
    res.end(body);
  }

  private rss(): string {
    const items = this.entries.slice(0, this.size).map((e) => {
      if (e.xml) return e.xml;
      const parts = [
        e.title !== undefined ? `<title>${esc(e.title)}</title>` : '',
        e.link ? `<link>${esc(e.link)}</link>` : '',
        e.guid ? `<guid isPermaLink="${e.guidIsPermaLink === false ? 'false' : 'true'}">${esc(e.guid)}</guid>` : '',
        e.html !== undefined ? `<description><![CDATA[${e.html}]]></description>` : '',
        e.encoded ? `<content:encoded><![CDATA[${e.encoded}]]></content:encoded>` : '',
        e.creator ? `<dc:creator>${esc(e.creator)}</dc:creator>` : '',
        e.date ? `<pubDate>${e.date.toUTCString()}</pubDate>` : '',
      ];
      return `<item>${parts.join('')}</item>`;
    });
    return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Acme Watch</title><link>${this.url}/</link><description>Posts about Acme</description><language>en-us</language>
<atom:link href="${this.url}/rss.xml" rel="self" type="application/rss+xml"/>
${items.join('\n')}
</channel></rss>`;
  }

  private atom(): string {
    const entries = this.entries.slice(0, this.size).map((e) => {
      if (e.xml) return e.xml;
      const date = (e.date ?? this.changedAt).toISOString();
      const parts = [
        `<id>${esc(e.guid ?? e.link ?? '')}</id>`,
        `<title type="text">${esc(e.title ?? '')}</title>`,
        e.link ? `<link rel="alternate" type="text/html" href="${esc(e.link)}"/><link rel="edit" href="${esc(e.link)}/edit"/>` : '',
        `<updated>${date}</updated><published>${date}</published>`,
        e.creator ? `<author><name>${esc(e.creator)}</name><uri>https://people.example/${esc(e.creator)}</uri></author>` : '',
        e.html !== undefined ? `<content type="html">${esc(e.html)}</content>` : '',
      ];
      return `<entry>${parts.join('')}</entry>`;
    });
    return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de-DE"><title>Acme Atom</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
<updated>${this.changedAt.toISOString()}</updated><link href="${this.url}/"/><author><name>Feed Owner</name></author>
${entries.join('\n')}
</feed>`;
  }
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
