import { z } from 'zod';
import { retryAfterDate, type HttpResponse } from '../../http/client.js';
import { describeIssues, toMention } from '../../mention.js';
import { htmlToText } from '../../text/html.js';
import { MalformedResponseError } from '../../http/errors.js';
import { gather, reject, type Gathered } from '../shared/items.js';

const DEFAULT_PAUSE_MS = 60_000;

/** The fields of a Mastodon Account we read; anything else is ignored. */
export const WireAccount = z.object({
  id: z.string().min(1),
  acct: z.string().min(1),
  display_name: z.string().default(''),
  url: z.string().nullable().optional(),
  followers_count: z.number().int(),
});

const StatusFields = z.object({
  id: z.string().min(1),
  uri: z.string().min(1),
  url: z.string().nullable().optional(),
  created_at: z.string().min(1),
  content: z.string(),
  spoiler_text: z.string().nullable().optional(),
  language: z.string().nullable().optional(),
  in_reply_to_id: z.string().nullable().optional(),
  replies_count: z.number().int().optional(),
  reblogs_count: z.number().int().optional(),
  favourites_count: z.number().int().optional(),
  account: WireAccount,
});

export const WireStatus = StatusFields.extend({ reblog: StatusFields.nullable().optional() });
export type WireStatus = z.infer<typeof WireStatus>;
export type WireStatusFields = z.infer<typeof StatusFields>;

/** Only the envelope is checked here; the inner status is validated on its own so it can be rejected alone. */
export const WireNotification = z.object({
  id: z.string().min(1),
  type: z.string(),
  status: z.unknown().optional(),
});

export const WireSearch = z.object({ statuses: z.array(z.unknown()) });
export const WireList = z.array(z.unknown());

export const WirePostedStatus = z.object({ id: z.string().min(1), uri: z.string().min(1), url: z.string().nullable().optional() });

export const WireError = z.object({ error: z.string() });

/** How a rejection names a raw status: by its id when it has one. */
function statusLabel(raw: unknown): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? `status ${id}` : 'status without id';
}

/** One raw item of a page: `position` is the id the feed pages by, `status` what to normalise (null: nothing to keep). */
export interface Entry {
  position: string | null;
  status: unknown;
  raw: unknown;
  reason?: string;
}

export function notificationEntries(body: unknown, url: string): Entry[] {
  return expectShape(WireList, body, url).map((raw) => {
    const n = WireNotification.safeParse(raw);
    if (!n.success) return { position: null, status: null, raw, reason: `notification: ${describeIssues(n.error)}` };
    const keep = n.data.type === 'mention' && n.data.status != null;
    return { position: n.data.id, status: keep ? n.data.status : null, raw };
  });
}

export function statusEntries(list: unknown[]): Entry[] {
  return list.map((raw) => {
    const id = (raw as { id?: unknown } | null)?.id;
    return { position: typeof id === 'string' && id !== '' ? id : null, status: raw, raw };
  });
}

export function expectShape<T>(schema: z.ZodType<T>, body: unknown, url: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new MalformedResponseError(`${url}: unexpected response shape (${describeIssues(parsed.error)})`);
  return parsed.data;
}

/** Mastodon ids are numeric strings that outgrow doubles; other servers speaking the API use sortable strings. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) === BigInt(b) ? 0 : BigInt(a) > BigInt(b) ? 1 : -1;
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

export function platformMessage(res: HttpResponse): string {
  try {
    const parsed = WireError.safeParse(JSON.parse(res.text));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON (a proxy's HTML error page, say): show the start of it instead.
  }
  return res.text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)';
}

/**
 * `X-RateLimit-Reset` is an ISO 8601 time on Mastodon; a proxy or CDN in front of the instance may
 * answer 429 with `Retry-After` instead (or as well): the later of the two wins. Without either, wait a minute.
 */
export function retryAt(res: HttpResponse): Date {
  const raw = res.headers['x-ratelimit-reset'] ?? '';
  const reset = /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  const after = res.headers['retry-after'] ? retryAfterDate(res, 0).getTime() : NaN;
  const at = Math.max(Number.isFinite(reset) ? reset : 0, Number.isFinite(after) ? after : 0);
  return at > Date.now() ? new Date(at) : new Date(Date.now() + DEFAULT_PAUSE_MS);
}

export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Server-sent events from body lines: `event:` and `data:` fields, a blank line ends an event,
 * lines starting with ":" are comments (Mastodon's `:thump` heartbeat, the opening `:)`).
 */
export async function* sseEvents(lines: AsyncIterable<string>): AsyncGenerator<SseEvent> {
  let event = '';
  let data: string[] = [];
  for await (const line of lines) {
    if (line === '') {
      if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
}

/** One streamed payload as page entries, so it is validated and normalised exactly like a polled one. */
export function streamEntries(kind: 'notification' | 'update', data: string, url: string): Entry[] {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return [{ position: null, status: null, raw: data, reason: `${kind} event from ${url} is not valid JSON` }];
  }
  return kind === 'notification' ? notificationEntries([payload], url) : statusEntries([payload]);
}

export type { Gathered };

/** Validates and normalises entries into `into`; a bad one is rejected with its reason and the rest flow. */
export function collect(ids: { sourceId: string; brandId: string }, into: Gathered, entries: Entry[]): void {
  // A boost is the boosted post: it is recognised, named and normalised as that one.
  const spec = {
    wire: WireStatus,
    label: statusLabel,
    key: (s: WireStatus) => (s.reblog ?? s).uri,
    name: (s: WireStatus) => `status ${(s.reblog ?? s).id}`,
    normalise: (s: WireStatus) => normalise(ids, s.reblog ?? s),
  };
  for (const entry of entries) {
    if (entry.reason) reject(into, entry.reason, entry.raw);
    else if (entry.status !== null) gather(into, entry.status, spec, entry.raw);
  }
}

function normalise(ids: { sourceId: string; brandId: string }, s: WireStatusFields): ReturnType<typeof toMention> {
  const body = htmlToText(s.content);
  const spoiler = s.spoiler_text?.trim();
  const count = (n: number | undefined) => Math.max(0, n ?? 0);
  return toMention({
    platform: 'mastodon',
    sourceId: ids.sourceId,
    brandId: ids.brandId,
    nativeId: s.uri,
    url: s.url ?? s.uri,
    text: spoiler ? `${spoiler}\n\n${body}` : body,
    lang: s.language ?? null,
    createdAt: s.created_at,
    author: {
      id: s.account.id,
      handle: s.account.acct,
      name: s.account.display_name,
      // Remote accounts can report negative counts; unknown is more honest than zero.
      followers: s.account.followers_count >= 0 ? s.account.followers_count : null,
      url: s.account.url ?? null,
    },
    inReplyToId: s.in_reply_to_id ?? null,
    engagement: { replies: count(s.replies_count), reposts: count(s.reblogs_count), likes: count(s.favourites_count) },
    rating: null,
    replyRef: { statusId: s.id, acct: s.account.acct },
  });
}

/** Mastodon only notifies people named in the text, so a reply must name its author. */
export function addressTo(acct: string, text: string): string {
  // Without "@acct" anywhere the pattern cannot match: no RegExp to build (one per draft was 4% of a worker's time).
  if (!text.toLowerCase().includes(`@${acct.toLowerCase()}`)) return `@${acct} ${text}`;
  const escaped = acct.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named = new RegExp(`(^|[^\\w@/])@${escaped}(?![\\w@-]|\\.\\w)`, 'i').test(text);
  return named ? text : `@${acct} ${text}`;
}
