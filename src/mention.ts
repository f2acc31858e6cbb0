import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The one shape every connector normalises to. Text is plain (HTML/Markdown already stripped). */
export const MentionSchema = z.object({
  id: z.string().regex(/^m_[A-Za-z0-9_-]{22}$/),
  platform: z.string().min(1),
  sourceId: z.string().min(1),
  brandId: z.string().min(1),
  nativeId: z.string().min(1),
  url: z.string().nullable(),
  text: z.string().max(40_000),
  lang: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  author: z.object({
    id: z.string().min(1),
    handle: z.string().min(1),
    name: z.string(),
    followers: z.number().int().nonnegative().nullable(),
    url: z.string().nullable(),
  }),
  inReplyToId: z.string().nullable(),
  engagement: z.object({
    replies: z.number().int().nonnegative().default(0),
    reposts: z.number().int().nonnegative().default(0),
    likes: z.number().int().nonnegative().default(0),
  }),
  /** Star rating for reviews (1–5); null for social posts. */
  rating: z.number().min(1).max(5).nullable(),
  /** Whatever the platform needs later to reply (local status id, cid, …). */
  replyRef: z.record(z.string(), z.string()),
});
export type Mention = z.infer<typeof MentionSchema>;
export type MentionInput = Omit<Mention, 'id'>;

/**
 * Stable, URL-safe id from platform + native id. Hashing keeps ids one shape whatever the
 * platform uses (URIs, 18-digit numbers) and makes them safe as BullMQ job ids and URL parts.
 */
export function mentionId(platform: string, nativeId: string): string {
  const digest = createHash('sha256').update(`${platform}\u0000${nativeId}`).digest('base64url');
  return `m_${digest.slice(0, 22)}`;
}

/** Validates a connector's normalised item; returns the reason instead of throwing so one bad item never sinks a page. */
export function toMention(input: MentionInput): { ok: true; mention: Mention } | { ok: false; reason: string } {
  const candidate = { ...input, id: mentionId(String(input.platform), String(input.nativeId)) };
  const parsed = MentionSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, mention: parsed.data };
  return { ok: false, reason: describeIssues(parsed.error) };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
