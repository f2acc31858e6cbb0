import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

/**
 * Compact JWS signing with node:crypto only (no JWT library): RS256 for OAuth2 JWT-bearer
 * assertions, ES256 for APIs that take a self-signed bearer token. Platform-neutral: callers
 * supply the claims.
 */

export type JwtAlgorithm = 'RS256' | 'ES256';

export interface JwtInput {
  alg: JwtAlgorithm;
  /** PEM text (PKCS#8 or traditional) or an already-loaded private key. */
  key: string | KeyObject;
  /** Extra header fields, e.g. `kid`; `alg` and `typ: "JWT"` are always set. */
  header?: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** Loads a private key, turning "\n" escapes (common when a PEM travels through an env var) back into newlines. */
export function loadPrivateKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  const pem = key.includes('\\n') && !key.includes('\n') ? key.replace(/\\n/g, '\n') : key;
  try {
    return createPrivateKey(pem.trim());
  } catch (err) {
    throw new Error(`the private key is not a readable PEM key (${(err as Error).message})`);
  }
}

export function signJwt(input: JwtInput): string {
  const key = loadPrivateKey(input.key);
  checkKeyFits(input.alg, key);
  const header = b64url(JSON.stringify({ ...input.header, alg: input.alg, typ: 'JWT' }));
  const payload = b64url(JSON.stringify(input.payload));
  const data = Buffer.from(`${header}.${payload}`);
  // JWS wants ECDSA signatures as raw r||s (64 bytes for P-256), not the DER node emits by default.
  const signature = input.alg === 'ES256' ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', data, key);
  return `${header}.${payload}.${b64url(signature)}`;
}

function checkKeyFits(alg: JwtAlgorithm, key: KeyObject): void {
  if (alg === 'RS256' && key.asymmetricKeyType !== 'rsa') {
    throw new Error(`RS256 needs an RSA private key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  if (alg === 'ES256') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType !== 'ec' || (curve !== 'prime256v1' && curve !== 'P-256')) {
      throw new Error(`ES256 needs an EC P-256 private key, got ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''}`);
    }
  }
}

const nowSeconds = (now: number) => Math.floor(now / 1000);

export interface AssertionInput {
  /** Who the token is for (a service account's e-mail). */
  issuer: string;
  scope: string;
  /** The token endpoint that will read the assertion. */
  audience: string;
  key: string | KeyObject;
  keyId?: string;
  /** Seconds; OAuth2 JWT-bearer servers accept at most one hour. */
  lifetimeSeconds?: number;
  now?: number;
}

/** RFC 7523 JWT-bearer assertion, signed RS256. */
export function oauthAssertion(input: AssertionInput): string {
  const iat = nowSeconds(input.now ?? Date.now());
  const lifetime = Math.min(input.lifetimeSeconds ?? 3600, 3600);
  return signJwt({
    alg: 'RS256',
    key: input.key,
    header: input.keyId ? { kid: input.keyId } : {},
    payload: { iss: input.issuer, scope: input.scope, aud: input.audience, iat, exp: iat + lifetime },
  });
}

export interface BearerJwtInput {
  keyId: string;
  issuer: string;
  audience: string;
  key: string | KeyObject;
  /** Seconds; capped at `maxLifetimeSeconds` because servers refuse longer-lived tokens. */
  lifetimeSeconds: number;
  maxLifetimeSeconds: number;
  now?: number;
}

/** A self-signed ES256 bearer token (header kid + typ JWT; iss, iat, exp, aud). */
export function es256BearerToken(input: BearerJwtInput): { token: string; expiresAt: number } {
  const iat = nowSeconds(input.now ?? Date.now());
  const exp = iat + Math.min(input.lifetimeSeconds, input.maxLifetimeSeconds);
  const token = signJwt({
    alg: 'ES256',
    key: input.key,
    header: { kid: input.keyId },
    payload: { iss: input.issuer, iat, exp, aud: input.audience },
  });
  return { token, expiresAt: exp * 1000 };
}
