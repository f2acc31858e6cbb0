import { z } from 'zod';
import { urlRefusal } from '../http/policy.js';
import { parseDuration } from './duration.js';

/** A duration written as "30s" / "5m" / "1h" in YAML, read as milliseconds. */
export const Duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : parseDuration(value);
  if (ms === null || !Number.isFinite(ms) || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "30s", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

export const HttpUrl = z.string().superRefine((value, ctx) => {
  if (!/^https?:\/\/[^\s]+$/.test(value)) {
    ctx.addIssue({ code: 'custom', message: `expected an http(s) URL, got ${JSON.stringify(value)}` });
  }
});

export const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected a short id of lowercase letters, digits, "-" or "_"');

/**
 * A URL Earshot sends credentials or posts to (platform APIs, token endpoints, feeds, chat
 * webhooks): the outbound policy's rule (https; plain http only to loopback; never metadata or
 * reserved addresses). Private literals are judged in load.ts, which knows whether the source or
 * destination set `allowPrivateNetwork`.
 */
export const PlatformUrl = z.string().superRefine((value, ctx) => {
  const why = urlRefusal(value, { allowPrivateNetwork: true });
  if (why) ctx.addIssue({ code: 'custom', message: `must be an https URL the outbound policy allows: ${JSON.stringify(value)} ${why}` });
});

/** Opt-in for one source or destination to reach private networks (see src/http/policy.ts). */
export const PrivateNetwork = z.boolean().default(false);
