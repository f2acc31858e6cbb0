import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PlatformUrl } from '../../config/fields.js';

export const SITE = 'https://www.reddit.com';

/** A Reddit source's options as the config file writes them, with the errors that say how to fix them. */
export const Options = strict({
  clientId: z.string().trim().min(1, 'set options.clientId to the OAuth app id (reddit.com/prefs/apps)'),
  clientSecret: z.string().trim().min(1, 'set options.clientSecret to the OAuth app secret'),
  /** A script app's account: with it the password grant (read + reply); without it client_credentials (read only). */
  username: z.string().trim().min(1).optional(),
  password: z.string().min(1).optional(),
  userAgent: z
    .string()
    .trim()
    .regex(/^\S+:\S+:\S+/, 'Reddit requires a unique User-Agent like "server:earshot-acme:1.0 (by /u/acme_care)"'),
  search: z.array(z.string().trim().min(1)).optional(),
  searchTypes: z
    .array(z.enum(['link', 'comment']))
    .min(1)
    .default(['link', 'comment']),
  subreddits: z
    .array(
      z
        .string()
        .trim()
        .transform((s) => s.replace(/^\/?r\//, ''))
        .pipe(z.string().regex(/^[A-Za-z0-9_+]{2,}$/, 'expected a subreddit name like "acme"')),
    )
    .default([]),
  subredditFeeds: z
    .array(z.enum(['new', 'comments']))
    .min(1)
    .default(['new', 'comments']),
  apiBase: PlatformUrl.default('https://oauth.reddit.com'),
  authBase: PlatformUrl.default(SITE),
  pageLimit: z.number().int().min(1).max(100).default(100),
  maxPagesPerPoll: z.number().int().min(1).max(50).default(5),
  backfillPages: z.number().int().min(1).max(50).default(1),
  timeoutMs: z.number().int().positive().default(15_000),
}).superRefine((o, ctx) => {
  if (Boolean(o.username) !== Boolean(o.password))
    ctx.addIssue({
      code: 'custom',
      path: ['password'],
      message: 'set both options.username and options.password (script app), or neither (read-only app token)',
    });
});
export type Options = z.infer<typeof Options>;
