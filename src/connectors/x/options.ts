import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PlatformUrl } from '../../config/fields.js';

/** An X source's options as the config file writes them, with the errors that say how to fix them. */
export const Options = strict({
  /** Recent-search query (≤512 chars); without it one is built from the brand's keywords, handles and hashtags. */
  query: z.string().trim().min(1).max(512, 'X recent search queries hold at most 512 characters').optional(),
  /** App-only token for reading (OAuth 2.0 bearer). */
  bearerToken: z.string().trim().min(1).optional(),
  /** OAuth 2.0 user context (PKCE, with offline.access) for replies, and for reading when there is no bearer token. */
  clientId: z.string().trim().min(1).optional(),
  clientSecret: z.string().trim().min(1).optional(),
  refreshToken: z.string().trim().min(1).optional(),
  apiBase: PlatformUrl.default('https://api.x.com'),
  maxResults: z.number().int().min(10).max(100).default(100),
  maxPagesPerPoll: z.number().int().min(1).max(50).default(5),
  timeoutMs: z.number().int().positive().default(15_000),
}).superRefine((o, ctx) => {
  if (!o.bearerToken && !o.refreshToken)
    ctx.addIssue({
      code: 'custom',
      message: 'set options.bearerToken (app-only, read) and/or options.clientId with options.refreshToken (user context, needed to reply)',
    });
  if (o.refreshToken && !o.clientId)
    ctx.addIssue({
      code: 'custom',
      path: ['clientId'],
      message: 'options.refreshToken needs options.clientId (the OAuth 2.0 client id of the X app)',
    });
});
export type Options = z.infer<typeof Options>;
