import { createHash } from 'node:crypto';
import { RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';

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

export class FakeFeed extends RecordingServer {
  /** Items newest first, as feeds list them. */
  private entries: FeedEntry[] = [];
  private changedAt = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
  /** How many of the newest items the document shows. */
  size = 20;
  /** Sends ETag / Last-Modified (and honours them). */
  validators = { etag: true, lastModified: true };

  static start(): Promise<FakeFeed> {
    return new FakeFeed().start();
  }

  get url(): string {
    return this.base;
  }

  /** Publishes an item at the top of the feed (a second later than the last change). */
  publish(entry: FeedEntry): void {
    this.entries.unshift(entry);
    this.changedAt = new Date(this.changedAt.getTime() + 1000);
  }

  failNext(status: number, body = '', headers: Record<string, string> = {}, times = 1): void {
    this.next({ status, headers: { 'content-type': 'text/html', ...headers }, body }, { times });
  }

  protected respond(request: RecordedRequest): CannedResponse {
    if (request.path === '/old.xml') return { status: 301, headers: { location: '/rss.xml' } };
    const kind = request.path === '/rss.xml' ? 'rss' : request.path === '/atom.xml' ? 'atom' : null;
    if (!kind) return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>Not Found</h1>' };
    const body = kind === 'rss' ? this.rss() : this.atom();
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    const headers: Record<string, string> = {
      'content-type': kind === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8',
    };
    if (this.validators.etag) headers['etag'] = etag;
    if (this.validators.lastModified) headers['last-modified'] = this.changedAt.toUTCString();
    return this.notModified(request, etag) ? { status: 304, headers } : { status: 200, headers, body };
  }

  /** RFC 9110: If-None-Match wins; If-Modified-Since only counts without it. */
  private notModified(request: RecordedRequest, etag: string): boolean {
    const inm = request.headers['if-none-match'];
    const ims = request.headers['if-modified-since'];
    if (this.validators.etag && inm) return inm === etag;
    if (this.validators.lastModified && ims) return Date.parse(ims) >= Math.floor(this.changedAt.getTime() / 1000) * 1000;
    return false;
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
