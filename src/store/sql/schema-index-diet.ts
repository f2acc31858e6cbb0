/**
 * Migration 25: three indexes smaller, each read the same way as before (BENCHMARKS.md, pg-index).
 *
 * - inbox_created as BRIN. Items are written in post-time order (correlation of created_at with
 *   the heap 0.999 after the bench replay, 1.0 on the 1M-mention store), and what reads the column
 *   asks for a time range: analytics counts and the spike candidates (a bitmap over the range's
 *   pages, then the few rows sorted). Only listItemIds (tests, bench and chaos checks) wanted the
 *   newest items in order; it now sorts them. A B-tree held 18 B per stored mention.
 * - inbox_dup_key as a B-tree over a 64-bit hash of the key. A hash index holds a 4-byte hash per
 *   item but its buckets were half empty (42 B per item); the B-tree's entry is as small, its
 *   pages fill, and items of one near-duplicate group share one entry (deduplication). Grouping
 *   looks the hash up and compares the key itself (inbox.ts, CREATE), so a collision changes nothing.
 * - One trigram index over an author's handle and name instead of one each: search asks for
 *   either (search-match.ts) and tests both on the index's candidates, so it finds what it found.
 */
export const INDEX_DIET = `
DROP INDEX IF EXISTS inbox_created;
CREATE INDEX inbox_created ON inbox_items USING brin (created_at) WITH (pages_per_range = 32);

CREATE FUNCTION earshot_dup_hash(key bytea) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT hashtextextended(encode(key, 'hex'), 0)
$$;
DROP INDEX IF EXISTS inbox_dup_key;
CREATE INDEX inbox_dup_key ON inbox_items (earshot_dup_hash(dup_key)) WHERE dup_key IS NOT NULL;

DROP INDEX IF EXISTS authors_handle_trgm;
DROP INDEX IF EXISTS authors_name_trgm;
CREATE INDEX authors_trgm ON authors USING gin ((handle || ' ' || name) gin_trgm_ops) WITH (gin_pending_list_limit = 128);
`;
