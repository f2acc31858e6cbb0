/**
 * Which mentions a search text finds, as a set of ids: its words anywhere in the post (text
 * search with the 'simple' configuration, which does not stem and so suits every language), the
 * text as a substring (trigram index, case-insensitive), or the author's handle or name.
 * Each branch is an index lookup; `$n` is the search text, `$n+1` its LIKE pattern.
 */
export function matchingIds(n: number): string {
  return `(
  SELECT id FROM mentions WHERE to_tsvector('simple', text) @@ plainto_tsquery('simple', $${n})
  UNION SELECT id FROM mentions WHERE text ILIKE $${n + 1}
  UNION SELECT m.id FROM authors a JOIN mentions m ON m.platform = a.platform AND m.author_id = a.native_id
        WHERE a.handle ILIKE $${n + 1} OR a.name ILIKE $${n + 1})`;
}

/** `%text%` with LIKE's own characters taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
