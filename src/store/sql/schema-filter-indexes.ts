/**
 * Migration 19: no item index on brand or on language. Nothing reads them: the queue checks its
 * filters on the entries of its order index (inbox_queue_cover carries brand_id and language),
 * its totals are sums over inbox_counts, and analytics select items by time (inbox_created) with
 * the brand checked on those rows. On the 1M-mention bench store, after seeding and every query
 * bench run on it, both had 0 scans (pg_stat_user_indexes), and EXPLAIN of each queue, search,
 * history and stats class chose other indexes. Together they held about 20 B per stored mention
 * in the bench replay, written by every new item. A one-brand installation had a worse reason to
 * lose inbox_brand: holding every item, it still looked selective to a planner with old
 * statistics, which ANDed it with the near-duplicate key's hash index (BENCHMARKS.md, pg-speed).
 */
export const FILTER_INDEXES = `
DROP INDEX IF EXISTS inbox_brand;
DROP INDEX IF EXISTS inbox_language;
`;
