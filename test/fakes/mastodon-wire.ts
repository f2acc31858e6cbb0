// The fake Mastodon's data shapes and the wire details it shares with nothing else: paging by
// snowflake id, Link headers, microsecond timestamps, form or JSON bodies.
import { nth, present } from '../helpers/present.js';

export interface FakeAccount {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  url: string;
  bot: boolean;
  followers_count: number;
}

export interface FakeStatus {
  id: string;
  created_at: string;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  visibility: string;
  language: string | null;
  sensitive: boolean;
  spoiler_text: string;
  uri: string;
  url: string | null;
  content: string;
  account: FakeAccount;
  mentions: unknown[];
  tags: unknown[];
  reblog: FakeStatus | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  edited_at: string | null;
}

export interface StatusInput {
  /** Plain text, HTML-escaped into `<p>…</p>`; ignored when `content` is given. */
  text?: string;
  /** Raw HTML body, as Mastodon sends it. */
  content?: string;
  /** `user@domain` for a remote author (the default), a bare username for a local one. */
  acct?: string;
  displayName?: string;
  followers?: number;
  spoilerText?: string;
  language?: string | null;
  inReplyToId?: string | null;
  uri?: string;
  url?: string | null;
  createdAt?: string;
  reblog?: FakeStatus | null;
  replies?: number;
  reblogs?: number;
  favourites?: number;
}

export interface RecordedReply {
  id: string;
  status: string;
  inReplyToId: string | null;
  visibility: string;
  idempotencyKey: string | null;
  /** The status as the API returned it. */
  posted: FakeStatus;
}

export interface FakeMastodonOptions {
  /** Bearer token the fake accepts; null accepts any or none. Default 'fake-token'. */
  token?: string | null;
  /** Tag timelines answer without a token (instance default). Default true. */
  publicTagTimelines?: boolean;
  /** Requests per window before 429. Default 300 per 5 minutes. */
  rateLimit?: { limit?: number; windowMs?: number };
  /** `configuration.statuses.max_characters`. Default 500. */
  maxCharacters?: number;
  /** Interval of the `:thump` heartbeat comment on streams. Default 15 s, as the streaming server. */
  heartbeatMs?: number;
}

export interface Stored {
  order: bigint;
  payload: unknown;
}

export function paginate(items: Stored[], limit: number, maxId: bigint | null, sinceId: bigint | null, minId: bigint | null): Stored[] {
  const inRange = items.filter(
    (s) => (maxId === null || s.order < maxId) && (sinceId === null || s.order > sinceId) && (minId === null || s.order > minId),
  );
  if (minId !== null)
    return inRange
      .sort((a, b) => cmp(a.order, b.order))
      .slice(0, limit)
      .reverse();
  return inRange.sort((a, b) => cmp(b.order, a.order)).slice(0, limit);
}

/** Rails `iso8601(6)`: microsecond precision, as stock Mastodon sends the reset time. */
export function isoMicros(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function cmp(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? 1 : -1;
}

export function idParam(q: URLSearchParams, name: string): bigint | null {
  const value = q.get(name);
  return value && /^\d+$/.test(value) ? BigInt(value) : null;
}

export function linkHeader(url: URL, limit: number, oldest: bigint, newest: bigint): string {
  const link = (param: string, id: bigint) => {
    const next = new URL(url.toString());
    for (const p of ['max_id', 'since_id', 'min_id']) next.searchParams.delete(p);
    next.searchParams.set('limit', String(limit));
    next.searchParams.set(param, String(id));
    return `<${next.toString()}>`;
  };
  return `${link('max_id', oldest)}; rel="next", ${link('min_id', newest)}; rel="prev"`;
}

export function accountFor(acct: string, home: string, input: StatusInput): FakeAccount {
  const username = nth(acct.split('@'), 0);
  return {
    id: String(1000 + [...acct].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7)),
    username,
    acct,
    display_name: input.displayName ?? present(username[0]).toUpperCase() + username.slice(1),
    url: `${home}/@${username}`,
    bot: false,
    followers_count: input.followers ?? 120,
  };
}

export function merge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value === undefined) delete target[key];
    else if (isPlainObject(value) && isPlainObject(current)) merge(current, value);
    else target[key] = value;
  }
  return target;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\n/g, '<br>');
}

export function parseParams(contentType: string, body: string): Record<string, unknown> {
  if (contentType.includes('application/json')) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}
