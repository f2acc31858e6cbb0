import { json, type CannedResponse, type RecordedRequest } from './recorder.js';
import { present } from '../helpers/present.js';

// The fake Bluesky's wire pieces: JSON answers, offset cursors and record keys (TIDs).

const S32 = '234567abcdefghijklmnopqrstuvwxyz';
export const send = (status: number, body: unknown, headers: Record<string, string> = {}): CannedResponse =>
  json(status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });
/** The XRPC method a request calls. */
export const nsidOf = (request: RecordedRequest): string => request.path.replace(/^\/xrpc\//, '');

/** Offset cursors, opaque-looking (base64url), 25 a page unless asked, at most 100. */
export function paginate<T>(all: T[], q: URLSearchParams): { page: T[]; cursor: string | null } {
  const limit = Math.min(Math.max(Number(q.get('limit') ?? 25) || 25, 1), 100);
  const offset = q.get('cursor') ? Number(Buffer.from(present(q.get('cursor')), 'base64url').toString()) : 0;
  const page = all.slice(offset, offset + limit);
  const more = offset + limit < all.length;
  return { page, cursor: more ? Buffer.from(String(offset + limit)).toString('base64url') : null };
}

export function tid(micros: number): string {
  let value = (BigInt(micros) << 10n) | 7n;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = present(S32[Number(value & 31n)]) + out;
    value >>= 5n;
  }
  return out;
}
