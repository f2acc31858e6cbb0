import { verify, type KeyObject } from 'node:crypto';
import { nth } from '../helpers/present.js';

/** Verifies a compact JWS with node:crypto; returns its claims, or null when the signature or algorithm is wrong. */
export function verifyJwt(
  token: string,
  alg: 'RS256' | 'ES256',
  keyFor: (claims: Record<string, unknown>, header: Record<string, unknown>) => KeyObject | null,
): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(nth(parts, 0), 'base64url').toString()) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(nth(parts, 1), 'base64url').toString()) as Record<string, unknown>;
    const key = keyFor(claims, header);
    if (header['alg'] !== alg || header['typ'] !== 'JWT' || !key) return null;
    const sig = Buffer.from(nth(parts, 2), 'base64url');
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const ok =
      alg === 'ES256'
        ? sig.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig)
        : verify('sha256', data, key, sig);
    return ok ? claims : null;
  } catch {
    return null;
  }
}
