import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { Duration, PlatformUrl } from '../../config/fields.js';

/** A Mastodon source's options as the config file writes them, with the errors that say how to fix them. */
export const Options = strict({
  instance: PlatformUrl,
  token: z
    .string()
    .optional()
    .transform((t) => t?.trim() || undefined),
  mentions: z.boolean().default(true),
  hashtags: z
    .array(
      z
        .string()
        .trim()
        .transform((t) => t.replace(/^#/, ''))
        .pipe(z.string().regex(/^[^\s#/?]+$/, 'expected a hashtag like "acme" (no spaces)')),
    )
    .default([]),
  search: z.array(z.string().trim().min(1)).default([]),
  pageLimit: z.number().int().min(1).max(80).default(40),
  maxPagesPerPoll: z.number().int().min(1).max(100).default(10),
  backfillPages: z.number().int().min(1).max(100).default(1),
  visibility: z.enum(['public', 'unlisted', 'private', 'direct']).default('public'),
  timeoutMs: z.number().int().positive().default(15_000),
  /** Streaming API base when it is not served by the instance itself (see /api/v2/instance `configuration.urls.streaming`). */
  streamingUrl: PlatformUrl.optional(),
  /**
   * Requests this token may make per window, across every process: set it when the instance's
   * admin configured a limit other than stock Mastodon's 300 per 5 minutes (keep a little under it).
   */
  requestBudget: strict({ limit: z.number().int().min(1), window: Duration }).optional(),
}).superRefine((o, ctx) => {
  if (!o.mentions && o.hashtags.length === 0 && o.search.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'nothing to listen to: set mentions: true (with a token), or list hashtags or search queries',
    });
  }
  if (o.mentions && !o.token) {
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message:
        'mentions needs an access token with scope read:notifications: set options.token, or set options.mentions: false to follow hashtags only',
    });
  }
  if (o.search.length > 0 && !o.token) {
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message: 'search needs an access token with scope read:search: set options.token, or remove options.search',
    });
  }
});
export type Options = z.infer<typeof Options>;
