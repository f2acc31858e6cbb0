import { z } from 'zod';
import type { HttpResponse } from '../../http/client.js';
import { decodeEntities } from '../../text/html.js';

export const WireToken = z.object({ access_token: z.string().min(1), expires_in: z.number().positive(), scope: z.string().optional() });
/** Reddit answers a bad username/password with HTTP 200 and this body. */
export const WireTokenError = z.object({ error: z.string() });

export const WireListing = z.object({
  kind: z.literal('Listing'),
  data: z.object({ after: z.string().nullable().optional(), children: z.array(z.unknown()) }),
});

export const WireThing = z.object({
  kind: z.enum(['t1', 't3']),
  data: z.object({
    name: z.string().regex(/^t[13]_[a-z0-9]+$/, 'expected a fullname like t1_abc or t3_abc'),
    author: z.string().min(1),
    author_fullname: z.string().optional(),
    created_utc: z.number().finite(),
    permalink: z.string().startsWith('/'),
    body: z.string().optional(),
    title: z.string().optional(),
    selftext: z.string().optional(),
    parent_id: z.string().optional(),
    subreddit: z.string().optional(),
    score: z.number().optional(),
    num_comments: z.number().int().optional(),
  }),
});
export type WireThing = z.infer<typeof WireThing>;

/** /api/comment with api_type=json: errors are [CODE, message, field] triples, even at HTTP 200. */
export const WireCommentResult = z.object({
  json: z.object({
    errors: z.array(z.array(z.unknown())),
    data: z
      .object({ things: z.array(z.object({ data: z.object({ name: z.string().min(1), permalink: z.string().optional() }).loose() })) })
      .optional(),
  }),
});

/** Reddit error bodies: `{"message": "Unauthorized", "error": 401}` or `{"error": "invalid_grant"}`. */
export function redditMessage(res: HttpResponse): string {
  try {
    const body = JSON.parse(res.text) as { message?: unknown; error?: unknown; reason?: unknown };
    const parts = [body.message, body.reason, body.error].filter((p) => typeof p === 'string' || typeof p === 'number');
    if (parts.length) return parts.join(' ');
  } catch {
    // not JSON
  }
  return res.text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)';
}

/** `X-Ratelimit-Reset` is seconds left in the window; without it, a minute. */
export function resetFrom(res: HttpResponse): Date {
  const secs = Number(res.headers['x-ratelimit-reset']);
  return new Date(Date.now() + (Number.isFinite(secs) && secs > 0 ? secs * 1000 : 60_000));
}

/** "you are doing that too much. try again in 9 minutes." → milliseconds (null if no time is given). */
export function waitFromMessage(message: string): number | null {
  const m = /(\d+)\s*(millisecond|second|minute|hour)s?/i.exec(message);
  if (!m) return null;
  const unit = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000 }[(m[2] ?? '').toLowerCase() as 'second'];
  return Number(m[1]) * unit;
}

/** Reddit Markdown to plain text: markup goes, link text stays, escapes are undone. Simple on purpose. */
export function markdownToText(md: string): string {
  // Escaped characters are set aside first so the markup rules below cannot take them.
  const kept: string[] = [];
  const text = decodeEntities(
    md
      .replace(/\\([\\`*_{}[\]()#+\-.!>~|^])/g, (_, c: string) => `\u0000${kept.push(c) - 1}\u0001`)
      .replace(/```\n?([\s\S]*?)```/g, '$1')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/^ {0,3}#{1,6}\s+/gm, '')
      .replace(/^ {0,3}>\s?/gm, '')
      .replace(/>!(.+?)!</g, '$1')
      .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
      .replace(/(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\w)/g, '$1')
      .replace(/(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)/g, '$1')
      .replace(/~~(.+?)~~/g, '$1')
      .replace(/`([^`]+)`/g, '$1')
      .replace(/\^\((.+?)\)|\^(\S+)/g, '$1$2')
      .replace(/^ {0,3}(?:-{3,}|\*{3,}|_{3,})\s*$/gm, ''),
  );
  return text
    .replace(/\u0000(\d+)\u0001/g, (_, i: string) => kept[Number(i)] ?? '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
