import { DUP_KEY_FROM_TEXT } from '../dup-key.js';

/**
 * Migration 23: the near-duplicate key as 16 bytes instead of 32 hex characters (dup-key.ts), 16 B
 * less on each item's row (about 12 B per stored mention in the bench replay). Grouping compares
 * keys by equality only (inbox.ts, CREATE), through the hash index of migration 17, which the
 * type change builds again over the bytes. Existing rows are converted in the same rewrite.
 */
export const DUP_KEY_BYTES = `
ALTER TABLE inbox_items ALTER COLUMN dup_key TYPE bytea USING ${DUP_KEY_FROM_TEXT('dup_key')};
`;
