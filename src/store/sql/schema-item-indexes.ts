/**
 * Migration 17: two item indexes fewer, or smaller, measured on the bench replay (BENCHMARKS.md).
 * - One queue order index. The queue reads its segments from inbox_queue_cover; a segment with
 *   few items (none at risk, or none safe) was read from inbox_queue's (rank, sla_due_at) prefix,
 *   and without it from inbox_status's (status, rank, sla_due_at) ranges, 0.05 ms instead of
 *   0.01 (EXPLAIN of the queue classes on the 1M-mention bench store). It held 98 B per stored
 *   mention.
 * - Near-duplicate grouping looks a key up by equality only (inbox.ts, GROUP): a hash index
 *   keeps a 4-byte hash per item instead of the 33-byte key with brand and priority (54 → 24 B
 *   per stored mention); brand and priority are checked on the few rows of the key.
 */
export const ITEM_INDEXES = `
DROP INDEX IF EXISTS inbox_queue;
DROP INDEX IF EXISTS inbox_dup_key;
CREATE INDEX inbox_dup_key ON inbox_items USING hash (dup_key) WHERE dup_key IS NOT NULL;
`;
