import { z } from 'zod';
import type { HttpResponse } from '../http/client.js';
import { describeIssues } from '../mention.js';
import { MalformedResponseError } from './errors.js';

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

/** Parses one raw status; the failure reason names the status id when there is one. */
export function parseStatus(raw: unknown): { ok: true; status: WireStatus } | { ok: false; reason: string } {
  const parsed = WireStatus.safeParse(raw);
  if (parsed.success) return { ok: true, status: parsed.data };
  const id = (raw as { id?: unknown } | null)?.id;
  const label = typeof id === 'string' || typeof id === 'number' ? `status ${id}` : 'status without id';
  return { ok: false, reason: `${label}: ${describeIssues(parsed.error)}` };
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

/** `X-RateLimit-Reset` is an ISO 8601 time on Mastodon; without a usable one, wait a minute. */
export function retryAt(res: HttpResponse): Date {
  const raw = res.headers['x-ratelimit-reset'] ?? '';
  const at = /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  return Number.isFinite(at) && at > Date.now() ? new Date(at) : new Date(Date.now() + DEFAULT_PAUSE_MS);
}
