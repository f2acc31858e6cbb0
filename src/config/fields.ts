import { z } from 'zod';
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

export const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected a short id of lowercase letters, digits, "-" or "_"');

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * A URL Earshot sends credentials or posts to (platform APIs, chat webhooks): https, except on
 * loopback for local fakes and dev servers. Plain http to anywhere else would leak tokens, and
 * an arbitrary scheme or host in config must not turn Earshot into a request forwarder (SSRF).
 */
export const PlatformUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected an https URL, got ${JSON.stringify(value)}` });
    return;
  }
  const loopback = LOOPBACK.test(url.hostname);
  if (url.protocol === 'https:' || url.protocol === 'wss:') return;
  if ((url.protocol === 'http:' || url.protocol === 'ws:') && loopback) return;
  ctx.addIssue({ code: 'custom', message: `must be an https (or wss) URL; plain http only to localhost, got ${JSON.stringify(value)}` });
});
