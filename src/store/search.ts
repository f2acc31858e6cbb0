import type { PoolClient } from 'pg';
import type { Db } from '../postgres/pool.js';
import { MENTION_COLUMNS, MENTION_FROM, storedFromRow, type MentionRow, type StoredMention } from './mentions.js';
import { PRIORITY_OF } from './item-row.js';
import { AUTHOR_JOIN } from './rest-codec.js';
import { filters, Params, substringMatcher, wordMatcher, type Matcher, type SearchQuery, type SearchTuning } from './search-match.js';
import { substringWords } from './search-vocabulary.js';

// The query's shape lives with the matchers that read it; importers keep finding it here.
export type { SearchQuery, SearchTuning } from './search-match.js';

export interface SearchHit {
  stored: StoredMention;
  /** The inbox item, when the post was routed to a person; null for posts kept for analytics only. */
  item: { id: string; status: string; priority: string } | null;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Every match when `totalExact`; otherwise more than TOTAL_CAP, as PostgreSQL estimates them ("about"). */
  total: number;
  totalExact: boolean;
  next: string | null;
}

/**
 * Matches are counted up to this many. Counting every match of a common phrase means visiting
 * each matching row (68,000 rows for "cancelled flight" at a million posts: 0.2 to 0.3 s however
 * it is indexed, since text-search and trigram indexes always recheck the row); up to a thousand
 * they are counted exactly and the page is the newest among them; beyond, the total is the
 * planner's estimate from the column statistics.
 */
export const TOTAL_CAP = 1000;
/** A search that would still take longer than this is stopped (a guard; the plans below are bounded). */
const STATEMENT_TIMEOUT_MS = 5_000;

export class BadSearchCursorError extends Error {}
export class SearchTooBroadError extends Error {}

/** A cursor is the last row's (time, id) and which matcher found the first page, so every page uses the same one. */
function decode(cursor: string): { key: [number, string]; matcher: number } {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && typeof key[0] === 'number' && typeof key[1] === 'string' && [0, 1, 2].includes(key[2] as number))
      return { key: [key[0], key[1]], matcher: key[2] as number };
  } catch {
    // Falls through to the error below.
  }
  throw new BadSearchCursorError('cursor: not a cursor this search gave out; start from the first page');
}

type Key = { id: string; created_at: number };

const TUNING: SearchTuning = { cap: TOTAL_CAP, collectMax: 5_000, walkRows: 20_000, rowCost: 20, windowPages: 2 };
const tuned = (s: SearchQuery): SearchTuning => ({ ...TUNING, ...s.tuning });

/** The planner's row estimate for a statement (from the column statistics; nothing is read). */
export async function planRows(client: PoolClient, sql: string, values: unknown[]): Promise<number> {
  const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, values);
  return Math.round(rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
}

function estimate(client: PoolClient, s: SearchQuery, matcher: Matcher): Promise<number> {
  const p = new Params();
  return planRows(client, (matcher.estimated ?? matcher.indexed)(p, filters(s, null)), p.values);
}

/** Up to TOTAL_CAP + 1 matches (id and time), from the indexes, in no particular order. */
async function collect(client: PoolClient, s: SearchQuery, matcher: Matcher): Promise<Key[]> {
  const p = new Params();
  const sql = matcher.indexed(p, filters(s, null));
  // Bitmaps of the text indexes, never a scan that runs the match on every row.
  await client.query('SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off');
  // UNION ALL stops at the limit where UNION would first collect every match: a post found by
  // both branches comes twice at most, so 2 × (cap + 1) rows always hold cap + 1 distinct ones.
  const { rows } = await client.query<Key>(`SELECT * FROM (${sql}) hits LIMIT ${2 * (tuned(s).cap + 1)}`, p.values);
  await client.query('SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = on');
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

/** The page's rows with their triage and item. */
const PAGE_COLUMNS = `${MENTION_COLUMNS}, i.status AS item_status, ${PRIORITY_OF('i.rank')} AS item_priority`;
const PAGE_FROM = `${MENTION_FROM} LEFT JOIN inbox_items i ON i.id = m.id`;
type PageRow = MentionRow & { item_status: string | null; item_priority: string | null };

async function rowsByIds(client: PoolClient, ids: string[]): Promise<PageRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await client.query<PageRow>(`SELECT ${PAGE_COLUMNS} FROM ${PAGE_FROM} WHERE m.id = ANY($1::text[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

const newestFirst = (a: Key, b: Key) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const before = (k: Key, at: [number, string]) => k.created_at < at[0] || (k.created_at === at[0] && k.id < at[1]);

/**
 * Common matches: the newest `walkRows` posts (after the cursor) read in time order and tested
 * cheaply. Null when the page did not fill although older posts remain: matches are rarer than
 * estimated, and `newestInWindows` answers instead.
 */
async function walkNewest(
  client: PoolClient,
  s: SearchQuery,
  matcher: Matcher,
  cursor: [number, string] | null,
): Promise<PageRow[] | null> {
  const p = new Params();
  const window = `SELECT * FROM mentions m WHERE true${filters(s, cursor)(p)} ORDER BY m.created_at DESC, m.id DESC LIMIT ${tuned(s).walkRows}`;
  const sql = `SELECT ${PAGE_COLUMNS} FROM (${window}) m ${AUTHOR_JOIN} LEFT JOIN inbox_items i ON i.id = m.id
    WHERE ${matcher.walk(p)} ORDER BY m.created_at DESC, m.id DESC LIMIT ${s.limit + 1}`;
  const { rows } = await client.query<PageRow>(sql, p.values);
  if (rows.length > s.limit) return rows;
  const q = new Params();
  const { rows: seen } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM mentions m WHERE true${filters(s, cursor)(q)} LIMIT ${tuned(s).walkRows}) w`,
    q.values,
  );
  return (seen[0]?.n ?? 0) < tuned(s).walkRows ? rows : null;
}

/** Every match from the indexes, sorted: for matches too many to count but too rare to walk to. */
async function allSorted(client: PoolClient, s: SearchQuery, matcher: Matcher, cursor: [number, string] | null): Promise<PageRow[]> {
  const p = new Params();
  const sql = matcher.indexed(p, filters(s, cursor));
  await client.query('SET LOCAL enable_indexscan = off');
  const { rows } = await client.query<Key>(
    `SELECT id, created_at FROM (${sql}) hits GROUP BY id, created_at ORDER BY created_at DESC, id DESC LIMIT ${s.limit + 1}`,
    p.values,
  );
  await client.query('SET LOCAL enable_indexscan = on');
  return rowsByIds(
    client,
    rows.map((r) => r.id),
  );
}

interface Found {
  rows: PageRow[];
  total: number;
  exact: boolean;
}

/**
 * Matches too many to collect and too sparse to walk to: the newest ones in a time window just
 * before the cursor. A bitmap AND of the text index and the time index reads only the window's
 * matching rows; the window is sized from the estimate to hold `windowPages` pages and widened
 * fourfold while it holds less than one, so a burst or a wrong estimate costs a few more rounds.
 */
async function newestInWindows(
  client: PoolClient,
  s: SearchQuery,
  matcher: Matcher,
  cursor: [number, string] | null,
  matches: number,
): Promise<PageRow[]> {
  const { rows } = await client.query<{ oldest: number | null; newest: number | null }>(
    'SELECT min(created_at) AS oldest, max(created_at) AS newest FROM mentions',
  );
  const oldest = Math.max(rows[0]?.oldest ?? 0, s.from ?? -Infinity);
  const newest = Math.min(rows[0]?.newest ?? 0, s.to ?? Infinity);
  // Matches were estimated over the whole scope, so they arrive at about this many per millisecond.
  const perMs = Math.max(1, matches) / Math.max(1, newest - oldest);
  const upTo = Math.min(newest, cursor ? cursor[0] : Infinity);
  for (let width = (tuned(s).windowPages * (s.limit + 1)) / perMs; ; width *= 4) {
    const from = Math.floor(upTo - width);
    if (from <= oldest) return allSorted(client, s, matcher, cursor);
    const found = await allSorted(client, { ...s, from }, matcher, cursor);
    if (found.length > s.limit) return found;
  }
}

/**
 * Many matches: walk the newest posts, or windows of the text index, whichever reads less. A
 * window reads every index entry of the search's words (the index is read whole, then
 * intersected with the time range): ~0.5 µs per entry. A walk reads about a page divided by
 * the share of posts that match, ~10 µs per post (`rowCost` entries). Measured at a million
 * posts: "refund" (11,000 entries, 1 post in 90) is a window, "cancelled flight" (300,000
 * entries, 1 in 20) a walk. A walk that finds matches rarer than estimated hands over to windows.
 */
async function manyMatches(
  client: PoolClient,
  s: SearchQuery,
  matcher: Matcher,
  cursor: [number, string] | null,
  matches: number,
): Promise<PageRow[]> {
  let entries = matcher.words ? 0 : matches;
  // One after another: a client runs one statement at a time.
  for (const word of matcher.words ?? []) entries += await estimate(client, s, word);
  const p = new Params();
  const inScope = await planRows(client, `SELECT 1 FROM mentions m WHERE true${filters(s, null)(p)}`, p.values);
  const walkCost = ((s.limit + 1) * inScope * tuned(s).rowCost) / Math.max(1, matches);
  const walked = walkCost < entries ? await walkNewest(client, s, matcher, cursor) : null;
  return walked ?? newestInWindows(client, s, matcher, cursor, matches);
}

/** One matcher's page, or null when it matches nothing (the next matcher is tried). */
async function pageOf(client: PoolClient, s: SearchQuery, matcher: Matcher, cursor: [number, string] | null): Promise<Found | null> {
  const estimated = await estimate(client, s, matcher);
  let seen = 0;
  if (estimated <= tuned(s).collectMax) {
    const keys = await collect(client, s, matcher);
    if (keys.length === 0) return null;
    if (keys.length <= tuned(s).cap) {
      const page = keys
        .sort(newestFirst)
        .filter((k) => !cursor || before(k, cursor))
        .slice(0, s.limit + 1);
      return {
        rows: await rowsByIds(
          client,
          page.map((k) => k.id),
        ),
        total: keys.length,
        exact: true,
      };
    }
    seen = keys.length;
  }
  const rows = await manyMatches(client, s, matcher, cursor, Math.max(estimated, seen));
  if (rows.length === 0 && seen === 0) return null;
  return { rows, total: Math.max(estimated, seen, rows.length), exact: false };
}

/** The search's words as PostgreSQL's 'simple' parser splits and lower-cases them (so the index matches). */
export async function wordsOf(client: PoolClient, q: string): Promise<string[]> {
  const { rows } = await client.query<{ lexeme: string }>(`SELECT lexeme FROM unnest(to_tsvector('simple', $1))`, [q]);
  return rows.map((r) => r.lexeme);
}

/**
 * Every stored mention of any age matching the text, routed or not, newest first, with a keyset
 * cursor. Matching is by words first (each word as a word or its start, any order); only when
 * no post has those words, by the text as a substring of the post or of its author's handle or
 * name. Each step does bounded work: at most TOTAL_CAP + 1 matches are collected from the
 * indexes; when there are more, the page is read from the newest posts down, which then match often.
 */
export async function searchMentions(db: Db, s: SearchQuery): Promise<SearchResult> {
  const at = s.cursor ? decode(s.cursor) : null;
  const client = await db.connect();
  try {
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    const words = await wordsOf(client, s.q);
    // The substring matcher asks the vocabulary first, so it is only made when the words found nothing.
    const matchers = [
      async () => (words.length ? wordMatcher(words, false) : null),
      async () => (words.length ? wordMatcher(words, true) : null),
      async () => substringMatcher(s.q, await substringWords(client, words)),
    ];
    let found: (Found & { matcher: number }) | null = null;
    for (const [n, make] of matchers.entries()) {
      if (found || (at && at.matcher !== n)) continue;
      const matcher = await make();
      if (!matcher) continue;
      const page = await pageOf(client, s, matcher, at?.key ?? null);
      if (page || at) found = { rows: [], total: 0, exact: true, ...page, matcher: n };
    }
    await client.query('COMMIT');
    return result(found?.rows ?? [], s.limit, found?.total ?? 0, found?.exact ?? true, found?.matcher ?? 0);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((err as { code?: string }).code === '57014')
      throw new SearchTooBroadError('q: this search took too long; add a word, a brand or source, or a time range');
    throw err;
  } finally {
    client.release();
  }
}

function result(rows: PageRow[], limit: number, total: number, totalExact: boolean, matcher: number): SearchResult {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    hits: shown.map((r) => ({
      stored: storedFromRow(r),
      item: r.item_status ? { id: r.id, status: r.item_status, priority: String(r.item_priority) } : null,
    })),
    total,
    totalExact,
    next: rows.length > limit && last ? Buffer.from(JSON.stringify([last.created_at, last.id, matcher])).toString('base64url') : null,
  };
}
