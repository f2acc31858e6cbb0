/**
 * How a post's platform id is kept in mentions.native_id. Several platforms name a post by a long
 * URI or resource path whose fixed parts repeat on every row (Mastodon's
 * "https://host/users/name/statuses/123", Bluesky's "at://did:plc:…/app.bsky.feed.post/…", Google
 * Business's "accounts/…/locations/…/reviews/…"): each fixed part is stored as one control
 * character (one byte), 67 → 45 bytes for a Mastodon status URI in the bench replay. Nothing
 * looks a post up by this column (the primary key is the hash of platform and id, mention.ts), so
 * only the row codec reads it (rest-codec.ts).
 *
 * Rows written before this form hold the id as it was, and read unchanged: ids hold no control
 * characters, and an id that does is stored verbatim after a mark.
 */

/** APPEND ONLY: a stored id names a fragment by its position (\x02 is the first). */
const FRAGMENTS = [
  'https://',
  'http://',
  '/users/',
  '/statuses/',
  'at://did:plc:',
  '/app.bsky.feed.post/',
  'accounts/',
  '/locations/',
  '/reviews/',
] as const;

const VERBATIM = '\x01';
const FIRST = 0x02;
const CONTROL = /[\x01-\x1f]/u;
const CODED = /[\x02-\x1f]/gu;
// Longest first, so a longer fragment wins over a shorter one at the same place.
const ANY_FRAGMENT = new RegExp(
  [...FRAGMENTS]
    .sort((a, b) => b.length - a.length)
    .map((f) => f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|'),
  'gu',
);
const CODE_OF = new Map<string, string>(FRAGMENTS.map((f, i) => [f, String.fromCharCode(FIRST + i)]));

export function encodeNativeId(id: string): string {
  if (CONTROL.test(id)) return VERBATIM + id;
  return id.replace(ANY_FRAGMENT, (f) => CODE_OF.get(f) ?? f);
}

export function decodeNativeId(stored: string): string {
  if (stored.startsWith(VERBATIM)) return stored.slice(1);
  if (!CONTROL.test(stored)) return stored;
  return stored.replace(CODED, (c) => FRAGMENTS[c.charCodeAt(0) - FIRST] ?? c);
}
