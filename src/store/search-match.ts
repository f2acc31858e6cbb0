import { likePattern } from './text-match.js';

export interface SearchQuery {
  q: string;
  brand?: string | undefined;
  source?: string | undefined;
  /** Post time range (ms), both optional. */
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  cursor?: string | undefined;
  /** Tests: smaller thresholds, so every plan is exercised on a few thousand rows. */
  tuning?: Partial<SearchTuning>;
}

export interface SearchTuning {
  /** Matches counted exactly up to this many. */
  cap: number;
  /** Estimated matches beyond which walking the newest posts beats collecting matches. */
  collectMax: number;
  /** Newest posts a walk reads before concluding that matches are rare after all. */
  walkRows: number;
  /** What reading one post in a walk costs, in text-index entries read by a window (see manyMatches). */
  rowCost: number;
  /** Pages of matches the first time window is expected to hold (it widens while it holds fewer than one). */
  windowPages: number;
}

/** Parameters for one statement, numbered from $1 as they are used. */
export class Params {
  readonly values: unknown[] = [];
  p(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

/**
 * How one kind of match is found, written twice over the same meaning. `indexed` is a statement
 * (id, created_at of every match) answered from bitmaps of the text indexes, for collecting a
 * bounded number of matches or all of them. `walk` is a condition on `m` that is cheap per row
 * (plain substring tests first, the text-search recheck only on rows that pass them), for reading
 * the newest posts in time order when matches are common.
 */
export interface Matcher {
  indexed(p: Params, where: (p: Params) => string): string;
  walk(p: Params): string;
  /** Each word's own matcher: an index answers a few words by reading each one's entries. */
  words?: Matcher[];
  /**
   * The statement whose planner estimate stands for the number of matches, when `indexed` would
   * be estimated badly: a substring's text test has a guessed selectivity, far below the share
   * of candidates that pass it.
   */
  estimated?(p: Params, where: (p: Params) => string): string;
}

/** A lexeme as tsquery text, quoted so that the ::tsquery cast takes it as it is. */
const lexeme = (w: string) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * Every word of the search, in any order, as a whole word or (prefix) as the start of one, so
 * "lugg" finds "luggage". The words are PostgreSQL's own lexemes of the search text (the index's).
 */
export function wordMatcher(words: string[], prefix: boolean): Matcher {
  const tsquery = words.map((w) => `${lexeme(w)}${prefix ? ':*' : ''}`).join(' & ');
  const patterns = words.map((w) => likePattern(w));
  return {
    ...(words.length > 1 ? { words: words.map((w) => wordMatcher([w], prefix)) } : {}),
    indexed: (p, where) =>
      `SELECT m.id, m.created_at FROM mentions m WHERE to_tsvector('simple', m.text) @@ ${p.p(tsquery)}::tsquery${where(p)}`,
    // A lexeme is lower-cased text of the post, so each one is a substring of lower(text).
    walk: (p) => `lower(m.text) LIKE ALL(${p.p(patterns)}::text[]) AND to_tsvector('simple', m.text) @@ ${p.p(tsquery)}::tsquery`,
  };
}

/**
 * The text as a substring of the post or of its author's handle or name. `vocabulary` holds, per
 * token of the text, the stored words containing it (search-vocabulary.ts): the word index finds
 * the posts holding one word of each list, and only those are tested for the text; such a
 * candidate nearly always contains the text, so the candidates are the estimate. Null: no token
 * narrows the search, every post in scope would be tested, and the estimate says so (a walk of
 * the newest posts answers, never a scan collecting every match).
 */
export function substringMatcher(q: string, vocabulary: string[][] | null): Matcher {
  const like = likePattern(q);
  // One trigram index covers both (migration 25): the pair's words are the union of each one's, so it finds every author either matches.
  const authors = (p: Params) => {
    const pattern = p.p(like);
    return `SELECT platform, native_id FROM authors WHERE (handle || ' ' || name) ILIKE ${pattern} AND (handle ILIKE ${pattern} OR name ILIKE ${pattern})`;
  };
  const byAuthor = (p: Params, where: (p: Params) => string) =>
    `SELECT m.id, m.created_at FROM (${authors(p)}) a JOIN mentions m ON m.platform = a.platform AND m.author_id = a.native_id WHERE true${where(p)}`;
  const tsquery = vocabulary?.map((words) => `(${words.map(lexeme).join(' | ')})`).join(' & ') ?? '';
  const candidates = (p: Params) =>
    vocabulary === null
      ? 'true'
      : vocabulary.some((w) => w.length === 0)
        ? 'false'
        : `to_tsvector('simple', m.text) @@ ${p.p(tsquery)}::tsquery`;
  return {
    indexed: (p, where) =>
      `SELECT m.id, m.created_at FROM mentions m WHERE ${candidates(p)} AND m.text ILIKE ${p.p(like)}${where(p)}
       UNION ALL ${byAuthor(p, where)}`,
    estimated: (p, where) => `SELECT m.id, m.created_at FROM mentions m WHERE ${candidates(p)}${where(p)} UNION ALL ${byAuthor(p, where)}`,
    walk: (p) => `(m.text ILIKE ${p.p(like)} OR (m.platform, m.author_id) IN (${authors(p)}))`,
  };
}

/** The search's brand, source, time range and (when paging) cursor, as ` AND …` on `m`. */
export function filters(s: SearchQuery, cursor: [number, string] | null): (p: Params) => string {
  return (p) => {
    let sql = '';
    if (s.brand) sql += ` AND m.brand_id = ${p.p(s.brand)}`;
    if (s.source) sql += ` AND m.source_id = ${p.p(s.source)}`;
    if (s.from !== undefined) sql += ` AND m.created_at >= ${p.p(s.from)}`;
    if (s.to !== undefined) sql += ` AND m.created_at <= ${p.p(s.to)}`;
    // The plain bound lets the time index serve the cursor; the row comparison breaks ties by id.
    if (cursor) sql += ` AND m.created_at <= ${p.p(cursor[0])} AND (m.created_at, m.id) < (${p.p(cursor[0])}, ${p.p(cursor[1])})`;
    return sql;
  };
}
