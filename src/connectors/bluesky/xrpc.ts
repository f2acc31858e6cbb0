import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PlatformUrl } from '../../config/fields.js';
import { failForStatus, parseJson, type HttpResponse } from '../../http/client.js';
import { expect, jwtExpiry, resetAt, WireSession, xrpcError } from './wire.js';
import { AuthError, RateLimitedError } from '../../http/errors.js';
import type { SourceKv } from '../../store/kv.js';
import type { Budget } from '../shared/limiter.js';
import type { IssuedToken, TokenManager } from '../shared/tokens.js';
import type { ConnectorEnv } from '../types.js';

/** The Bluesky connector's options and its connection to the PDS: sessions, budgets, XRPC calls. */

export const DEFAULT_JETSTREAM = 'wss://jetstream2.us-east.bsky.network/subscribe';
// The PDS allows 3,000 requests per 5 minutes per IP; createSession 30 per 5 minutes per account;
// writes 5,000 points an hour at 3 points per post. Each budget stays a little under.
const READ_BUDGET: Budget = { limit: 2_700, windowMs: 5 * 60_000 };
const SESSION_BUDGET: Budget = { limit: 25, windowMs: 5 * 60_000 };
const WRITE_BUDGET: Budget = { limit: 1_500, windowMs: 60 * 60_000 };
const SESSION_ERRORS = new Set(['ExpiredToken', 'InvalidToken', 'AuthMissing', 'AuthenticationRequired']);

export const Options = strict({
  service: PlatformUrl.default('https://bsky.social'),
  identifier: z.string().trim().min(1, 'set options.identifier to the brand account handle (e.g. acme.bsky.social) or its DID'),
  appPassword: z
    .string()
    .trim()
    .min(1, 'set options.appPassword to an app password (Bluesky: Settings → Privacy and security → App passwords)'),
  mentions: z.boolean().default(true),
  /** searchPosts queries; without it the brand's keywords (quoted) and hashtags are searched. */
  search: z.array(z.string().trim().min(1)).optional(),
  followers: z.boolean().default(true),
  pageLimit: z.number().int().min(1).max(100).default(50),
  maxPagesPerPoll: z.number().int().min(1).max(50).default(10),
  backfillPages: z.number().int().min(1).max(50).default(1),
  jetstreamUrl: PlatformUrl.default(DEFAULT_JETSTREAM),
  timeoutMs: z.number().int().positive().default(15_000),
}).superRefine((o, ctx) => {
  if (!o.mentions && o.search?.length === 0)
    ctx.addIssue({
      code: 'custom',
      message: 'nothing to listen to: set mentions: true, or list search queries (or leave search out to use the brand keywords)',
    });
});
export type Options = z.infer<typeof Options>;

export interface Account {
  did: string;
  handle: string;
}

/** One account at one PDS: what making a session needs. */
export interface AccountEnv extends ConnectorEnv {
  base: string;
  options: Options;
  kv: SourceKv;
  budgetKey: string;
}

export interface Env extends AccountEnv {
  tokens: TokenManager;
}

/** The platform said the session is no good; the TokenManager renews it once before this becomes final. */
export class SessionRejected extends AuthError {}

interface Call {
  nsid: string;
  method?: 'GET' | 'POST';
  query?: Record<string, string | string[]>;
  json?: unknown;
  write?: boolean;
}

/** One XRPC call with the session token, inside the shared budget; an expired session is renewed once. */
export async function xrpc(
  env: Env,
  run: { signal?: AbortSignal; pauseUntil?: Date },
  call: Call,
): Promise<{ body: unknown; res: HttpResponse }> {
  return env.tokens.withToken(
    async (token) => {
      await env.limiter.acquire(env.budgetKey, READ_BUDGET, { signal: run.signal });
      if (call.write) await env.limiter.acquire(`${env.budgetKey}:write`, WRITE_BUDGET, { signal: run.signal });
      const res = await env.http.send({
        method: call.method ?? 'GET',
        url: `${env.base}/xrpc/${call.nsid}`,
        query: call.query,
        json: call.json,
        headers: { authorization: `Bearer ${token}` },
        write: call.write,
        timeoutMs: env.options.timeoutMs,
        signal: run.signal,
      });
      const remaining = res.headers['ratelimit-remaining'];
      if (remaining !== undefined && Number(remaining) <= 0 && res.status !== 429) {
        run.pauseUntil = resetAt(res);
        await env.limiter.block(env.budgetKey, run.pauseUntil);
      }
      if (res.status < 200 || res.status >= 300) await fail(env, res, env.budgetKey);
      return { body: parseJson(res), res };
    },
    (err) => err instanceof SessionRejected,
  );
}

async function fail(env: AccountEnv, res: HttpResponse, budgetKey: string): Promise<never> {
  const { name, detail } = xrpcError(res);
  if (res.status === 429 || name === 'RateLimitExceeded') {
    const at = resetAt(res);
    await env.limiter.block(budgetKey, at);
    throw new RateLimitedError(`${env.base} rate limit reached (${detail}); retry after ${at.toISOString()}`, at);
  }
  if (res.status === 401 || SESSION_ERRORS.has(name)) {
    throw new SessionRejected(
      `${env.base} rejected the session of ${env.options.identifier} (HTTP ${res.status} ${detail}): ${renewHint(env)}`,
      res.status,
    );
  }
  failForStatus(res, detail);
}

export function renewHint(env: AccountEnv): string {
  return `create a new app password for ${env.options.identifier} (Settings → Privacy and security → App passwords) and set it in options.appPassword of source "${env.sourceId}"`;
}

/** createSession once, then refreshSession with the refresh JWT; both kept in the source KV for every worker. */
export function sessionSource(env: AccountEnv): { issue(): Promise<IssuedToken>; refresh(token: string): Promise<IssuedToken> } {
  const call = async (nsid: string, init: { json?: unknown; bearer?: string }): Promise<IssuedToken> => {
    const key = `${env.budgetKey}:session`;
    await env.limiter.acquire(key, SESSION_BUDGET);
    const res = await env.http.send({
      method: 'POST',
      url: `${env.base}/xrpc/${nsid}`,
      json: init.json,
      headers: init.bearer ? { authorization: `Bearer ${init.bearer}` } : {},
      timeoutMs: env.options.timeoutMs,
    });
    if (res.status === 401 || res.status === 400) {
      throw new AuthError(
        `${env.base} refused ${nsid.endsWith('createSession') ? 'the app password' : 'the refresh token'} of ${env.options.identifier} (HTTP ${res.status} ${xrpcError(res).detail}): ${renewHint(env)}`,
        res.status,
      );
    }
    if (res.status < 200 || res.status >= 300) await fail(env, res, key);
    const session = expect(WireSession, parseJson(res), res.url);
    await env.kv.set('account', { did: session.did, handle: session.handle } satisfies Account);
    return {
      accessToken: session.accessJwt,
      refreshToken: session.refreshJwt,
      expiresAt: jwtExpiry(session.accessJwt) ?? Date.now() + 2 * 3_600_000,
    };
  };
  return {
    issue: () =>
      call('com.atproto.server.createSession', { json: { identifier: env.options.identifier, password: env.options.appPassword } }),
    refresh: (refreshJwt) => call('com.atproto.server.refreshSession', { bearer: refreshJwt }),
  };
}
