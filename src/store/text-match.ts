/**
 * Which mentions a queue's text filter finds, as a set of ids, in the search page's tiers
 * (search.ts): the text's words anywhere in the post (text search with the 'simple'
 * configuration, which does not stem and so suits every language); only when no post has them,
 * words starting so ("lugg" finds "luggage"); only when none does either, the text as a
 * substring of the post (trigram index) or of its author's handle or name. A common word then
 * costs one text-index lookup instead of that and a trigram scan whose every candidate row is
 * read again ('refund': 10,600 word matches, 12,900 substring candidates). `$n` is the search
 * text, `$n+1` its LIKE pattern.
 */
export function matchingIds(n: number): string {
  const words = `to_tsvector('simple', text) @@ plainto_tsquery('simple', $${n})`;
  // plainto_tsquery's own text ('a' & 'b') with each lexeme made a prefix ('a':* & 'b':*).
  const starts = `to_tsvector('simple', text) @@ regexp_replace(plainto_tsquery('simple', $${n})::text, '''(\\s|$)', ''':*\\1', 'g')::tsquery`;
  return `(
  WITH words AS MATERIALIZED (SELECT id FROM mentions WHERE ${words}),
       starts AS MATERIALIZED (SELECT id FROM mentions WHERE NOT EXISTS (SELECT 1 FROM words) AND ${starts})
  SELECT id FROM words
  UNION ALL SELECT id FROM starts
  UNION ALL SELECT id FROM mentions WHERE NOT EXISTS (SELECT 1 FROM words) AND NOT EXISTS (SELECT 1 FROM starts) AND text ILIKE $${n + 1}
  UNION ALL SELECT m.id FROM authors a JOIN mentions m ON m.platform = a.platform AND m.author_id = a.native_id
        WHERE NOT EXISTS (SELECT 1 FROM words) AND NOT EXISTS (SELECT 1 FROM starts) AND (a.handle ILIKE $${n + 1} OR a.name ILIKE $${n + 1}))`;
}

/** `%text%` with LIKE's own characters taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
