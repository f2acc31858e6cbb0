import { z } from 'zod';
import type { HttpResponse } from '../../http/client.js';

const Metrics = z
  .object({ reply_count: z.number().int(), retweet_count: z.number().int(), like_count: z.number().int(), quote_count: z.number().int() })
  .partial();

export const WireTweet = z.object({
  id: z.string().regex(/^\d+$/, 'expected a numeric id string'),
  text: z.string(),
  author_id: z.string().min(1),
  created_at: z.string().min(1),
  lang: z.string().optional(),
  conversation_id: z.string().optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
  reply_settings: z.string().optional(),
  public_metrics: Metrics.optional(),
  /** Posts over 280 characters: `text` is cut, the whole text is here. */
  note_tweet: z.object({ text: z.string() }).optional(),
});
export type WireTweet = z.infer<typeof WireTweet>;

export const WireUser = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  name: z.string().default(''),
  public_metrics: z.object({ followers_count: z.number().int().nonnegative() }).loose().optional(),
});
export type WireUser = z.infer<typeof WireUser>;

/** No results: `data` is absent and `meta.result_count` is 0. */
export const WireSearch = z.object({
  data: z.array(z.unknown()).optional(),
  includes: z
    .object({ users: z.array(z.unknown()).optional() })
    .loose()
    .optional(),
  meta: z.object({
    newest_id: z.string().optional(),
    oldest_id: z.string().optional(),
    result_count: z.number().int(),
    next_token: z.string().optional(),
  }),
});

export const WirePosted = z.object({ data: z.object({ id: z.string().min(1), text: z.string() }) });

export const WireOAuthToken = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** Problem JSON (`detail`/`title`), the legacy `errors[0].message`, or an OAuth `error_description`. */
export function problemMessage(res: HttpResponse): string {
  try {
    const b = JSON.parse(res.text) as {
      detail?: unknown;
      title?: unknown;
      errors?: Array<{ message?: unknown; detail?: unknown }>;
      error?: unknown;
      error_description?: unknown;
    };
    const text = b.detail ?? b.error_description ?? b.errors?.[0]?.message ?? b.errors?.[0]?.detail ?? b.title ?? b.error;
    if (typeof text === 'string') return text;
  } catch {
    // not JSON
  }
  return res.text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)';
}

/** `x-rate-limit-reset` is epoch seconds; without a usable one, wait a 15-minute window. */
export function resetAt(res: HttpResponse): Date {
  const secs = Number(res.headers['x-rate-limit-reset']);
  return Number.isFinite(secs) && secs * 1000 > Date.now() ? new Date(secs * 1000) : new Date(Date.now() + 15 * 60_000);
}

export function maxId(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}
