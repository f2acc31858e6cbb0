/**
 * How a near-duplicate key is kept (inbox_items.dup_key, migration 23): the 32 hex characters
 * text/near-duplicate.ts writes are 16 bytes of bytea (33 → 17 bytes on the row). Any other key
 * (tests, a future key form) is kept as its UTF-8 bytes after a zero byte, padded with a second
 * zero byte when it would otherwise be 16 bytes long: text holds no zero byte, so a stored key of
 * exactly 16 bytes is always a hex one, and every key reads back as it was written.
 */
const HEX_KEY = /^[0-9a-f]{32}$/;

export function dupKeyBytes(key: string | null | undefined): Buffer | null {
  if (key === null || key === undefined) return null;
  if (HEX_KEY.test(key)) return Buffer.from(key, 'hex');
  const text = Buffer.from(key, 'utf8');
  return Buffer.concat([Buffer.alloc(text.length === 15 ? 2 : 1), text]);
}

export function dupKeyText(stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  // A row read before migration 23 (or by SQL that casts) is already text.
  if (typeof stored === 'string') return stored;
  if (!Buffer.isBuffer(stored)) throw new Error(`inbox_items.dup_key: expected bytea, got ${typeof stored}`);
  if (stored.length === 16) return stored.toString('hex');
  let start = 0;
  while (start < stored.length && stored[start] === 0) start += 1;
  return stored.subarray(start).toString('utf8');
}

/** The same conversion in SQL, for the migration of rows written as text. */
export const DUP_KEY_FROM_TEXT = (column: string) =>
  `CASE WHEN ${column} ~ '^[0-9a-f]{32}$' THEN decode(${column}, 'hex')
        WHEN octet_length(${column}) = 15 THEN '\\x0000'::bytea || convert_to(${column}, 'UTF8')
        ELSE '\\x00'::bytea || convert_to(${column}, 'UTF8') END`;
