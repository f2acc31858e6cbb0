import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PlatformUrl } from '../../config/fields.js';
import { parseJson, type HttpClient, type HttpResponse } from '../../http/client.js';
import { describeIssues } from '../../mention.js';
import { AuthError, ConnectorError, PermanentError, RateLimitedError, TransientError } from '../../http/errors.js';
import { oauthAssertion } from './jwt.js';
import { TokenManager, type IssuedToken, type TokenSource } from './tokens.js';
import type { SourceKv } from '../../store/kv.js';

/**
 * Google OAuth2 for every Google API connector: a service account (JWT-bearer grant, RFC 7523)
 * or an installed-app refresh token, plugged into the shared TokenManager; plus the mapping of
 * Google's standard error body to the connector error kinds.
 */

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const ServiceAccountKey = z.object({
  client_email: z.string().min(1, 'client_email is empty'),
  private_key: z.string().includes('PRIVATE KEY', { message: 'private_key is not a PEM private key' }),
  token_uri: PlatformUrl.default(GOOGLE_TOKEN_URI),
});
export type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

/** The key file's JSON, as text (usually `${GOOGLE_SERVICE_ACCOUNT_JSON}`) or as a YAML mapping. */
const ServiceAccountField = z.union([z.string(), z.record(z.string(), z.unknown())]).transform((value, ctx) => {
  let raw: unknown = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'serviceAccount is not JSON: paste the whole service-account key file (or use serviceAccountFile)',
      });
      return z.NEVER;
    }
  }
  const parsed = ServiceAccountKey.safeParse(raw);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: `serviceAccount is not a service-account key file (${describeIssues(parsed.error)})` });
    return z.NEVER;
  }
  return parsed.data;
});

const RefreshCredentials = strict({
  clientId: z.string().trim().min(1, 'oauth.clientId is empty'),
  clientSecret: z.string().trim().min(1, 'oauth.clientSecret is empty'),
  refreshToken: z.string().trim().min(1, 'oauth.refreshToken is empty'),
  tokenUri: PlatformUrl.default(GOOGLE_TOKEN_URI),
});

/** Spread into a connector's options object. */
export const googleCredentialFields = {
  serviceAccount: ServiceAccountField.optional(),
  /** Path to the key file, relative to the config file's folder. */
  serviceAccountFile: z.string().trim().min(1).optional(),
  oauth: RefreshCredentials.optional(),
};

export interface GoogleCredentialOptions {
  serviceAccount?: ServiceAccountKey;
  serviceAccountFile?: string;
  oauth?: z.infer<typeof RefreshCredentials>;
}

/** For a connector's superRefine: at most one way to sign in, and one at all when `required`. */
export function checkGoogleCredentials(o: GoogleCredentialOptions, ctx: z.RefinementCtx, need: { required: boolean; why: string }): void {
  const given = [o.serviceAccount, o.serviceAccountFile, o.oauth].filter((v) => v !== undefined).length;
  if (given > 1) ctx.addIssue({ code: 'custom', message: 'set only one of serviceAccount, serviceAccountFile or oauth' });
  if (given === 0 && need.required) {
    ctx.addIssue({
      code: 'custom',
      message: `${need.why}: set serviceAccount (key JSON), serviceAccountFile, or oauth { clientId, clientSecret, refreshToken }`,
    });
  }
}

export const hasGoogleCredentials = (o: GoogleCredentialOptions) => Boolean(o.serviceAccount || o.serviceAccountFile || o.oauth);

/** Names the credential for messages and budget keys, never the secret. */
export function googleIdentity(o: GoogleCredentialOptions): string {
  if (o.serviceAccount) return `service account ${o.serviceAccount.client_email}`;
  if (o.serviceAccountFile) return `service account in ${o.serviceAccountFile}`;
  if (o.oauth) return `OAuth client ${o.oauth.clientId}`;
  return 'no credentials';
}

const TokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive().default(3600) });
const TokenError = z.object({ error: z.string(), error_description: z.string().optional() });

export interface GoogleTokenContext {
  http: HttpClient;
  kv: SourceKv;
  scope: string;
  /** Folder that serviceAccountFile is relative to. */
  baseDir: string;
  /** What the operator must renew, for the AuthError message ("… of source \"x\""). */
  sourceLabel: string;
  timeoutMs?: number;
}

/** A TokenManager holding a Google access token for `scope`, cached in the source's KV. */
export function googleTokens(o: GoogleCredentialOptions, ctx: GoogleTokenContext): TokenManager {
  return new TokenManager(ctx.kv, googleTokenSource(o, ctx), `google-token:${ctx.scope}`);
}

export function googleTokenSource(o: GoogleCredentialOptions, ctx: GoogleTokenContext): TokenSource {
  return {
    async issue() {
      if (o.oauth) {
        const { clientId, clientSecret, refreshToken, tokenUri } = o.oauth;
        const form = { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken };
        return requestToken(
          ctx,
          tokenUri,
          form,
          `the OAuth refresh token for client ${clientId} (re-run the consent flow with scope ${ctx.scope} and set oauth.refreshToken of ${ctx.sourceLabel})`,
        );
      }
      const key = o.serviceAccount ?? (await readKeyFile(o.serviceAccountFile, ctx));
      let assertion: string;
      try {
        assertion = oauthAssertion({ issuer: key.client_email, scope: ctx.scope, audience: key.token_uri, key: key.private_key });
      } catch (err) {
        throw new AuthError(`service account ${key.client_email}: ${(err as Error).message}; download a new key for ${ctx.sourceLabel}`);
      }
      return requestToken(
        ctx,
        key.token_uri,
        { grant_type: JWT_BEARER, assertion },
        `the key of service account ${key.client_email} (create a new key in Google Cloud IAM and set it in ${ctx.sourceLabel})`,
      );
    },
  };
}

async function readKeyFile(file: string | undefined, ctx: GoogleTokenContext): Promise<ServiceAccountKey> {
  if (!file) throw new AuthError(`no Google credentials configured for ${ctx.sourceLabel}`);
  const path = isAbsolute(file) ? file : resolve(ctx.baseDir, file);
  let parsed: z.ZodSafeParseResult<ServiceAccountKey>;
  try {
    parsed = ServiceAccountKey.safeParse(JSON.parse(await readFile(path, 'utf8')));
  } catch (err) {
    throw new AuthError(`cannot read service-account key file ${path} (${(err as Error).message}) for ${ctx.sourceLabel}`);
  }
  if (!parsed.success) throw new AuthError(`${path} is not a service-account key file (${describeIssues(parsed.error)})`);
  return parsed.data;
}

async function requestToken(ctx: GoogleTokenContext, url: string, form: Record<string, string>, renew: string): Promise<IssuedToken> {
  const res = await ctx.http.send({ method: 'POST', url, form, timeoutMs: ctx.timeoutMs });
  if (res.status >= 500) throw new TransientError(`${url}: token endpoint answered HTTP ${res.status}`, res.status);
  if (res.status === 429) throw new RateLimitedError(`${url}: token endpoint rate limited`, retryAfter(res, 60_000));
  if (res.status !== 200) {
    const err = TokenError.safeParse(safeJson(res.text));
    const why = err.success
      ? `${err.data.error}${err.data.error_description ? `: ${err.data.error_description}` : ''}`
      : `HTTP ${res.status}`;
    // No status on purpose: a refused grant must not look like an expired access token worth retrying.
    throw new AuthError(`Google refused to issue an access token (${why}); renew ${renew}`);
  }
  const parsed = TokenResponse.safeParse(parseJson(res));
  if (!parsed.success) throw new TransientError(`${url}: unreadable token response (${describeIssues(parsed.error)})`);
  return { accessToken: parsed.data.access_token, expiresAt: Date.now() + parsed.data.expires_in * 1000 };
}

/** An access token the API rejected (401): worth one renewal and retry. */
export const isTokenRejected = (err: unknown) => err instanceof AuthError && err.status === 401;

const GoogleErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().default(''),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), message: z.string().optional() })).optional(),
    details: z.array(z.object({ reason: z.string().optional() }).loose()).optional(),
  }),
});

export interface GoogleError {
  message: string;
  status: string | null;
  reasons: string[];
}

/** Reads `{"error":{"code","message","status","errors":[{reason}],"details":[{reason}]}}`; tolerant of anything else. */
export function readGoogleError(res: HttpResponse): GoogleError {
  const parsed = GoogleErrorBody.safeParse(safeJson(res.text));
  if (!parsed.success) return { message: res.text.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)', status: null, reasons: [] };
  const e = parsed.data.error;
  const reasons = [...(e.errors ?? []).map((x) => x.reason), ...(e.details ?? []).map((x) => x.reason)].filter((r): r is string =>
    Boolean(r),
  );
  return { message: e.message, status: e.status ?? null, reasons };
}

const QUOTA_REASONS = new Set(['quotaExceeded', 'rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded', 'RATE_LIMIT_EXCEEDED']);
/** Reasons that mean the day's allowance is gone, not just a burst: those wait for the daily reset. */
const DAILY_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
const KEY_REASONS = new Set(['keyInvalid', 'keyExpired', 'API_KEY_INVALID']);

export interface GoogleFailureContext {
  /** What the operator must renew when credentials are refused, e.g. `the API key in options.apiKey of source "yt"`. */
  renew: string;
  /** When a spent daily quota comes back; bursts (rateLimitExceeded, 429) wait `Retry-After` or a minute. */
  quotaResetsAt?: () => Date;
}

/** Maps a non-2xx Google API response to the error kind workers act on. */
export function googleFailure(res: HttpResponse, ctx: GoogleFailureContext): ConnectorError {
  const e = readGoogleError(res);
  const detail = `HTTP ${res.status}${e.status ? ` ${e.status}` : ''}${e.reasons.length ? ` [${e.reasons.join(', ')}]` : ''}: ${e.message}`;
  const quota = e.reasons.some((r) => QUOTA_REASONS.has(r)) || e.status === 'RESOURCE_EXHAUSTED';
  if (res.status === 401 || e.status === 'UNAUTHENTICATED')
    return new AuthError(`${res.url}: credentials rejected (${detail}); renew ${ctx.renew}`, 401);
  if (e.reasons.some((r) => KEY_REASONS.has(r)))
    return new AuthError(`${res.url}: API key rejected (${detail}); renew ${ctx.renew}`, res.status);
  if (res.status === 429 || (res.status === 403 && quota)) {
    const daily = e.reasons.some((r) => DAILY_REASONS.has(r));
    const at = daily && ctx.quotaResetsAt ? ctx.quotaResetsAt() : retryAfter(res, 60_000);
    return new RateLimitedError(`${res.url}: quota or rate limit reached (${detail}); retry after ${at.toISOString()}`, at, res.status);
  }
  if (res.status >= 500) return new TransientError(`${res.url}: ${detail}`, res.status);
  return new PermanentError(`${res.url}: ${detail}`, res.status);
}

/** `Retry-After` in seconds or as an HTTP date; `fallbackMs` from now without one. */
export function retryAfter(res: HttpResponse, fallbackMs: number): Date {
  const raw = res.headers['retry-after'];
  if (raw !== undefined) {
    const seconds = Number(raw);
    if (Number.isFinite(seconds) && seconds >= 0) return new Date(Date.now() + seconds * 1000);
    const at = Date.parse(raw);
    if (Number.isFinite(at) && at > Date.now()) return new Date(at);
  }
  return new Date(Date.now() + fallbackMs);
}

/** The next local midnight in `timeZone` (daily quotas that reset "at midnight Pacific Time"). */
export function nextMidnight(timeZone: string, now = new Date()): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const wallMidnight = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']) + 1);
  // Shift by the zone's offset at that moment; checked twice so a DST change that day lands right.
  let at = wallMidnight - offsetMs(timeZone, new Date(wallMidnight));
  at = wallMidnight - offsetMs(timeZone, new Date(at));
  return new Date(at);
}

function offsetMs(timeZone: string, at: Date): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  const wall = Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
    Number(p['second']),
  );
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
