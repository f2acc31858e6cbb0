import type { Db } from '../postgres/pool.js';
import { MENTION_COLUMNS, MENTION_FROM, storedFromRow, type MentionRow, type StoredMention } from './mentions.js';

export interface CountRow {
  brandId: string;
  dim: 'brand' | 'source' | 'category';
  key: string;
  bucket: number;
  n: number;
  negative: number;
}

export interface TermRow {
  brandId: string;
  term: string;
  bucket: number;
  n: number;
}

// One statement for both tables: a batch's counts land whole or not at all, in one round trip.
// Both unnests are always given (empty arrays add nothing).
const ADD = `
WITH counts AS (
  INSERT INTO spike_counts AS c (brand_id, dim, key, bucket, n, negative)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::int[])
  ON CONFLICT (brand_id, dim, key, bucket) DO UPDATE SET n = c.n + excluded.n, negative = c.negative + excluded.negative
)
INSERT INTO spike_terms AS t (brand_id, term, bucket, n)
SELECT * FROM unnest($7::text[], $8::text[], $9::bigint[], $10::int[])
ON CONFLICT (brand_id, term, bucket) DO UPDATE SET n = t.n + excluded.n`;

/**
 * Adds a batch's counts. Rows are sorted by key first so that two workers adding to the same
 * buckets take the row locks in the same order (counts, then terms) and cannot deadlock. Any
 * total order does; this one compares the fields in place (building a key string per
 * comparison cost more than the sort).
 */
export async function addCounts(db: Db, counts: CountRow[], terms: TermRow[]): Promise<void> {
  if (counts.length === 0 && terms.length === 0) return;
  const c = [...counts].sort((a, b) => cmp(a.brandId, b.brandId) || cmp(a.dim, b.dim) || cmp(a.key, b.key) || a.bucket - b.bucket);
  const t = [...terms].sort((a, b) => cmp(a.brandId, b.brandId) || cmp(a.term, b.term) || a.bucket - b.bucket);
  await db.query(ADD, [
    c.map((r) => r.brandId),
    c.map((r) => r.dim),
    c.map((r) => r.key),
    c.map((r) => r.bucket),
    c.map((r) => r.n),
    c.map((r) => r.negative),
    t.map((r) => r.brandId),
    t.map((r) => r.term),
    t.map((r) => r.bucket),
    t.map((r) => r.n),
  ]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every count of one brand from `from` (bucket start, inclusive): the detector's whole input for volume. */
export async function brandCounts(db: Db, brandId: string, from: number, to: number): Promise<Array<Omit<CountRow, 'brandId'>>> {
  const { rows } = await db.query<{ dim: CountRow['dim']; key: string; bucket: string; n: number; negative: number }>(
    'SELECT dim, key, bucket, n, negative FROM spike_counts WHERE brand_id = $1 AND bucket >= $2 AND bucket <= $3',
    [brandId, from, to],
  );
  return rows.map((r) => ({ dim: r.dim, key: r.key, bucket: Number(r.bucket), n: r.n, negative: r.negative }));
}

/** The first bucket this brand has counts for: how much history the baseline can lean on. */
export async function firstBucket(db: Db, brandId: string): Promise<number | null> {
  const { rows } = await db.query<{ first: string | null }>(
    "SELECT min(bucket) AS first FROM spike_counts WHERE brand_id = $1 AND dim = 'brand' AND key = ''",
    [brandId],
  );
  return rows[0]?.first == null ? null : Number(rows[0].first);
}

/** The most common terms of one brand in buckets [from, to]. */
export async function topTerms(
  db: Db,
  brandId: string,
  from: number,
  to: number,
  limit: number,
  minPosts: number,
): Promise<Array<{ term: string; n: number }>> {
  const { rows } = await db.query<{ term: string; n: string }>(
    'SELECT term, sum(n) AS n FROM spike_terms WHERE brand_id = $1 AND bucket >= $2 AND bucket <= $3 GROUP BY term HAVING sum(n) >= $4 ORDER BY sum(n) DESC, term LIMIT $5',
    [brandId, from, to, minPosts, limit],
  );
  return rows.map((r) => ({ term: r.term, n: Number(r.n) }));
}

/** Posts containing each of `terms` in buckets [from, to). */
export async function termCounts(db: Db, brandId: string, terms: string[], from: number, to: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (terms.length === 0) return out;
  const { rows } = await db.query<{ term: string; n: string }>(
    'SELECT term, sum(n) AS n FROM spike_terms WHERE brand_id = $1 AND term = ANY($2::text[]) AND bucket >= $3 AND bucket < $4 GROUP BY term',
    [brandId, terms, from, to],
  );
  for (const r of rows) out.set(r.term, Number(r.n));
  return out;
}

/** A brand's triaged posts written in [from, to), newest first, at most `limit`: what a spike is explained from. */
export async function windowMentions(db: Db, brandId: string, from: number, to: number, limit: number): Promise<StoredMention[]> {
  const { rows } = await db.query<MentionRow>(
    `SELECT ${MENTION_COLUMNS} FROM ${MENTION_FROM} WHERE m.created_at >= $2 AND m.created_at < $3 AND m.brand_id = $1 AND m.triage IS NOT NULL
     ORDER BY m.created_at DESC LIMIT $4`,
    [brandId, from, to, limit],
  );
  return rows.map(storedFromRow);
}

/** Counts are only needed as far back as the baseline looks; one brand at a time, on its index. */
export async function pruneCounts(db: Db, brandId: string, countsBefore: number, termsBefore: number): Promise<void> {
  await db.query('DELETE FROM spike_counts WHERE brand_id = $1 AND bucket < $2', [brandId, countsBefore]);
  await db.query('DELETE FROM spike_terms WHERE brand_id = $1 AND bucket < $2', [brandId, termsBefore]);
}
