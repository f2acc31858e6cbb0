import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError, PermanentError, RateLimitedError, TransientError } from '../../src/http/errors.js';
import { googleFailure, nextMidnight } from '../../src/connectors/shared/google-auth.js';
import { es256BearerToken, oauthAssertion, signJwt } from '../../src/connectors/shared/jwt.js';
import type { HttpResponse } from '../../src/http/client.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: typeof rsa.privateKey) => k.export({ type: 'pkcs8', format: 'pem' }) as string;

function decode(token: string) {
  const [h, p, s] = token.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>,
    data: Buffer.from(`${h}.${p}`),
    signature: Buffer.from(s, 'base64url'),
  };
}

describe('jwt: RS256 OAuth2 assertion', () => {
  it('signs iss/scope/aud/iat/exp, verifiable with the RSA public key, and never lives past an hour', () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5);
    const token = oauthAssertion({
      issuer: 'bot@p.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/androidpublisher',
      audience: 'https://oauth2.googleapis.com/token',
      key: pem(rsa.privateKey),
      lifetimeSeconds: 7200,
      now,
    });
    const { header, payload, data, signature } = decode(token);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      iss: 'bot@p.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/androidpublisher',
      aud: 'https://oauth2.googleapis.com/token',
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
    expect(verify('sha256', data, rsa.publicKey, signature)).toBe(true);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(verify('sha256', data, other.publicKey, signature)).toBe(false);
  });

  it('accepts a PEM whose newlines arrived as "\\n" escapes (env vars)', () => {
    const escaped = pem(rsa.privateKey).replace(/\n/g, '\\n');
    const { data, signature } = decode(signJwt({ alg: 'RS256', key: escaped, payload: { a: 1 } }));
    expect(verify('sha256', data, rsa.publicKey, signature)).toBe(true);
  });
});

describe('jwt: ES256 bearer token', () => {
  it('puts kid and typ in the header, caps exp at 20 minutes, and signs raw r||s (IEEE P1363)', () => {
    const now = 1_735_787_045_000;
    const { token, expiresAt } = es256BearerToken({
      keyId: 'ABC123',
      issuer: 'issuer-uuid',
      audience: 'appstoreconnect-v1',
      key: pem(ec.privateKey),
      lifetimeSeconds: 3600,
      maxLifetimeSeconds: 1200,
      now,
    });
    const { header, payload, data, signature } = decode(token);
    expect(header).toEqual({ kid: 'ABC123', alg: 'ES256', typ: 'JWT' });
    expect(payload).toEqual({ iss: 'issuer-uuid', iat: now / 1000, exp: now / 1000 + 1200, aud: 'appstoreconnect-v1' });
    expect(expiresAt).toBe(now + 1_200_000);
    expect(signature).toHaveLength(64);
    expect(verify('sha256', data, { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    // The DER form node uses by default would not read these bytes: proof they are raw r||s.
    expect(verify('sha256', data, ec.publicKey, signature)).toBe(false);
  });

  it('refuses a key of the wrong kind or curve with a message saying so', () => {
    expect(() => signJwt({ alg: 'ES256', key: pem(rsa.privateKey), payload: {} })).toThrow(/ES256 needs an EC P-256 private key, got rsa/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() => signJwt({ alg: 'ES256', key: p384.privateKey, payload: {} })).toThrow(/secp384r1/);
    expect(() => signJwt({ alg: 'RS256', key: ec.privateKey, payload: {} })).toThrow(/RS256 needs an RSA private key/);
    expect(() => signJwt({ alg: 'RS256', key: 'not a key', payload: {} })).toThrow(/not a readable PEM key/);
  });
});

describe('google-auth helpers', () => {
  it('finds the next midnight in Pacific time across standard time, summer time and the switch', () => {
    const la = (iso: string) => nextMidnight('America/Los_Angeles', new Date(iso)).toISOString();
    expect(la('2025-01-15T12:00:00Z')).toBe('2025-01-16T08:00:00.000Z');
    expect(la('2025-01-16T07:59:59Z')).toBe('2025-01-16T08:00:00.000Z');
    expect(la('2025-07-01T12:00:00Z')).toBe('2025-07-02T07:00:00.000Z');
    expect(la('2025-03-09T06:00:00Z')).toBe('2025-03-09T08:00:00.000Z');
    expect(la('2025-03-09T12:00:00Z')).toBe('2025-03-10T07:00:00.000Z');
    expect(la('2025-11-01T12:00:00Z')).toBe('2025-11-02T07:00:00.000Z');
  });

  it('maps Google error bodies to error kinds', () => {
    const res = (status: number, error: unknown, headers: Record<string, string> = {}): HttpResponse => ({
      status,
      headers,
      text: JSON.stringify({ error }),
      url: 'https://x.example/api',
    });
    const reset = new Date('2030-01-01T08:00:00Z');
    const ctx = { renew: 'the key', quotaResetsAt: () => reset };
    expect(googleFailure(res(401, { code: 401, message: 'bad', status: 'UNAUTHENTICATED' }), ctx)).toBeInstanceOf(AuthError);
    const quota = googleFailure(
      res(403, { code: 403, message: 'quota', errors: [{ reason: 'quotaExceeded', domain: 'youtube.quota' }] }),
      ctx,
    );
    expect(quota).toBeInstanceOf(RateLimitedError);
    expect((quota as RateLimitedError).retryAt).toEqual(reset);
    const burst = googleFailure(
      res(403, { code: 403, message: 'slow', errors: [{ reason: 'rateLimitExceeded' }] }),
      ctx,
    ) as RateLimitedError;
    expect(burst.retryAt.getTime()).toBeLessThan(Date.now() + 61_000);
    const retryAfter = googleFailure(
      res(429, { code: 429, message: 'x', status: 'RESOURCE_EXHAUSTED' }, { 'retry-after': '30' }),
      ctx,
    ) as RateLimitedError;
    expect(retryAfter.retryAt.getTime()).toBeGreaterThan(Date.now() + 29_000);
    expect(
      googleFailure(res(403, { code: 403, message: 'no', status: 'PERMISSION_DENIED', errors: [{ reason: 'forbidden' }] }), ctx),
    ).toBeInstanceOf(PermanentError);
    expect(
      googleFailure(res(400, { code: 400, message: 'key', status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] }), ctx),
    ).toBeInstanceOf(AuthError);
    expect(googleFailure(res(503, { code: 503, message: 'later', status: 'UNAVAILABLE' }), ctx)).toBeInstanceOf(TransientError);
    expect(googleFailure({ status: 502, headers: {}, text: '<html>', url: 'u' }, ctx)).toBeInstanceOf(TransientError);
  });
});
