import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeEntities, htmlToText } from '../../text/html.js';

/** One feed item in the shape both formats share, before it becomes a Mention. */
export interface FeedItem {
  /** Dedupe key: guid/id, else link, else a hash of title + date. */
  key: string;
  /** True when `key` is the item's own guid/id/link rather than a hash (so it can name the item on its own). */
  keyIsId: boolean;
  url: string | null;
  text: string;
  author: { name: string; url: string | null } | null;
  /** ISO time, or null when the item carries no date at all. */
  date: string | null;
}

export interface ParsedFeed {
  title: string;
  lang: string | null;
  items: Array<{ ok: true; item: FeedItem; raw: unknown } | { ok: false; reason: string; raw: unknown }>;
}

type Node = Record<string, unknown>;

const ARRAYS = new Set([
  'rss.channel.item',
  'rdf:RDF.item',
  'feed.entry',
  'feed.entry.link',
  'feed.link',
  'feed.entry.author',
  'rss.channel.item.category',
]);

// Atom text constructs keep their raw markup: type="xhtml" is inline markup that a generic XML
// parser would otherwise shred into objects, and type="html" is escaped markup to decode once.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
  stopNodes: ['feed.entry.content', 'feed.entry.summary', 'feed.entry.title'],
});

/** Parses an RSS 2.0, RSS 1.0 (RDF) or Atom document; null with a reason when it is neither. */
export function parseFeed(xml: string): ParsedFeed | { error: string } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { error: `not well-formed XML (${valid.err.msg} at line ${valid.err.line})` };
  const doc = parser.parse(xml) as Node;
  const rss = (doc['rss'] as Node | undefined)?.['channel'] as Node | undefined;
  if (rss) return rssFeed(rss, (rss['item'] as unknown[] | undefined) ?? []);
  const rdf = doc['rdf:RDF'] as Node | undefined;
  if (rdf) return rssFeed((rdf['channel'] as Node | undefined) ?? {}, (rdf['item'] as unknown[] | undefined) ?? []);
  const feed = doc['feed'] as Node | undefined;
  if (feed) return atomFeed(feed);
  return { error: `neither RSS nor Atom (root element: ${Object.keys(doc).filter((k) => !k.startsWith('?'))[0] ?? 'none'})` };
}

function rssFeed(channel: Node, items: unknown[]): ParsedFeed {
  const title = plain(text(channel['title']));
  return {
    title,
    lang: language(text(channel['language']) || text(channel['dc:language'])),
    items: items.map((raw) => {
      const n = (raw ?? {}) as Node;
      const guid = text(n['guid']);
      const link = text(n['link']);
      const body = text(n['content:encoded']) || text(n['description']);
      const author = text(n['dc:creator']) || rssAuthor(text(n['author']));
      return build(raw, {
        id: guid,
        link: link || (permalinkGuid(n['guid']) ? guid : ''),
        title: plain(text(n['title'])),
        html: body,
        author: author ? { name: author, url: null } : null,
        date: text(n['pubDate']) || text(n['dc:date']),
      });
    }),
  };
}

function atomFeed(feed: Node): ParsedFeed {
  const feedAuthor = atomAuthor(feed['author']);
  return {
    title: plain(text(feed['title'])),
    lang: language(text(feed['@xml:lang'])),
    items: ((feed['entry'] as unknown[] | undefined) ?? []).map((raw) => {
      const n = (raw ?? {}) as Node;
      const links = ((n['link'] as Node[] | undefined) ?? []).filter((l) => typeof l === 'object');
      const alternate = links.find((l) => (l['@rel'] ?? 'alternate') === 'alternate')?.['@href'];
      const body = atomText(n['content']) || atomText(n['summary']);
      const date = text(n['published']) || text(n['updated']);
      return build(raw, {
        id: text(n['id']),
        link: typeof alternate === 'string' ? alternate : '',
        title: atomText(n['title'], true),
        html: body,
        author: atomAuthor(n['author']) ?? feedAuthor,
        date,
      });
    }),
  };
}

interface Fields {
  id: string;
  link: string;
  title: string;
  /** HTML (RSS description/content:encoded, Atom content after unwrapping). */
  html: string;
  author: FeedItem['author'];
  date: string;
}

function build(raw: unknown, f: Fields): ParsedFeed['items'][number] {
  const body = f.html ? htmlToText(f.html) : '';
  if (!f.id && !f.link && !f.title && !body) return { ok: false, reason: 'item has no guid/id, link, title or text', raw };
  let date: string | null = null;
  if (f.date) {
    const ms = Date.parse(f.date);
    if (!Number.isFinite(ms))
      return { ok: false, reason: `item ${f.id || f.link || f.title}: date ${JSON.stringify(f.date.slice(0, 60))} is not a date`, raw };
    date = new Date(ms).toISOString();
  }
  const key = f.id || f.link || createHash('sha256').update(`${f.title}\u0000${f.date}`).digest('base64url').slice(0, 22);
  const text = [f.title, body && body !== f.title ? body : ''].filter(Boolean).join('\n\n');
  const url = /^https?:\/\//i.test(f.link) ? f.link : null;
  return { ok: true, item: { key, keyIsId: Boolean(f.id || f.link), url, text, author: f.author, date }, raw };
}

/** Element text whether the parser gave a string or an object with attributes. */
function text(node: unknown): string {
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'number') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return String((node as Node)['#text']).trim();
  return '';
}

/** RSS titles are plain text, but feeds often escape HTML into them. */
function plain(value: string): string {
  return value ? htmlToText(value) : '';
}

/** guid is a permalink unless isPermaLink="false". */
function permalinkGuid(node: unknown): boolean {
  return Boolean(node) && (typeof node !== 'object' || (node as Node)['@isPermaLink'] !== 'false');
}

/** RSS `author` is an e-mail, often `jo@example.com (Jo Smith)`: show the name when there is one. */
function rssAuthor(value: string): string {
  const named = /\(([^)]+)\)\s*$/.exec(value);
  return named?.[1] ? named[1].trim() : value;
}

function atomAuthor(node: unknown): FeedItem['author'] {
  const first = (Array.isArray(node) ? node[0] : node) as Node | undefined;
  const name = text(first?.['name']);
  if (!name) return null;
  const uri = text(first?.['uri']);
  return { name, url: /^https?:\/\//i.test(uri) ? uri : null };
}

/** An Atom text construct (kept raw by the parser) as HTML, or as plain text for titles. */
function atomText(node: unknown, asPlain = false): string {
  const raw = text(node);
  if (!raw) return '';
  const type = node && typeof node === 'object' ? String((node as Node)['@type'] ?? 'text') : 'text';
  if (type === 'xhtml') return asPlain ? htmlToText(raw) : raw;
  // Escaped markup (and CDATA, kept verbatim) becomes the HTML or text it stands for.
  const unescaped = raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) => (i % 2 ? part.slice(9, -3) : decodeEntities(part)))
    .join('');
  if (type === 'html') return asPlain ? htmlToText(unescaped) : unescaped;
  return asPlain ? unescaped.trim() : escapeHtml(unescaped);
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
}

function language(value: string): string | null {
  const code = /^([a-zA-Z]{2,3})(?:[-_]|$)/.exec(value.trim());
  return code?.[1] ? code[1].toLowerCase() : null;
}
