import type { PoolClient } from 'pg';
import type { Db } from '../postgres/pool.js';
import { planRows, wordsOf } from './search.js';
import { Params, substringMatcher, wordMatcher, type Matcher } from './search-match.js';
import { substringWords } from './search-vocabulary.js';
import { likePattern } from './text-match.js';

type Param = (value: unknown) => string;

/**
 * How the queue's text filter is answered. The matches are the search page's tiers (search.ts):
 * the text's words in the post, else words starting so ("lugg" finds "luggage"), else the text
 * as a substring of the post or of its author's handle or name; and, in every tier, a draft a
 * person edited that contains the text (Earshot's own unedited drafts are not searched: they
 * repeat the template, and indexing them cost ~120 B per stored mention).
 *
 * - `listed`: the matching posts are few (up to `collectMax`), read from the text indexes once;
 *   the page sorts those items and the total is exact.
 * - otherwise the queue is read in its own order (inbox-queue.ts's segments) and each item's post
 *   is tested, which for a common word reaches a page after a few thousand items; the total is
 *   then an estimate ("about N"): counting every match is what made this filter slow (640 ms).
 */
export interface QueueText {
  listed: boolean;
  /** When listed: the posts matching (and the items whose edited draft does). */
  ids: string[];
  /** The condition on the item aliased `a`: it matches the text. */
  cond(a: string, p: Param): string;
  /** Matching posts, as PostgreSQL estimates them (when not listed). */
  estimatedPosts: number;
}

export interface QueueTextTuning {
  /** Matching posts listed from the indexes up to this many; beyond, the queue is walked. */
  collectMax: number;
}

const TUNING: QueueTextTuning = { collectMax: 3_000 };

/** Up to `max` + 1 matching post ids, from bitmaps of the text indexes (never a scan testing each row). */
async function collect(client: PoolClient, matcher: Matcher, max: number): Promise<string[]> {
  const p = new Params();
  const sql = matcher.indexed(p, () => '');
  await client.query('SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off');
  // UNION ALL (substrings: the post, its author) can give a post twice, so twice the rows hold max + 1 distinct ones.
  const { rows } = await client.query<{ id: string }>(`SELECT id FROM (${sql}) hits LIMIT ${2 * (max + 1)}`, p.values);
  await client.query('SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = on');
  return [...new Set(rows.map((r) => r.id))].slice(0, max + 1);
}

/** Items whose edited draft contains the text (partial trigram index over edited drafts, migration 16). */
async function draftIds(client: PoolClient, q: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>('SELECT id FROM inbox_items WHERE draft_edited AND draft ILIKE $1', [likePattern(q)]);
  return rows.map((r) => r.id);
}

function listed(ids: string[]): QueueText {
  return { listed: true, ids, estimatedPosts: ids.length, cond: (a, p) => `${a}.id = ANY(${p(ids)}::text[])` };
}

/** The two summaries of the search's words (migrations 18 and 21), as text (bigint beyond JS numbers). */
type Bits = [string, string];

/**
 * `bits`: the search words' bits when the matcher is whole words; an item whose summaries lack
 * one is ruled out on its index entry, before its post is read.
 */
function walked(matcher: Matcher, drafts: string[], estimatedPosts: number, bits: Bits | null): QueueText {
  return {
    listed: false,
    ids: [],
    estimatedPosts,
    cond: (a, p) => {
      // The matcher numbers its own parameters from $1; they are renumbered into the page's.
      const own = new Params();
      const test = matcher.walk(own).replace(/\$(\d+)/g, (_, n: string) => p(own.values[Number(n) - 1]));
      // One equality (the search's bits that the item lacks, none), not one per summary: the
      // planner takes each as 1 row in 200, and with two it expected the walk to read most of the
      // queue and sorted items from the status index instead (404 ms for "refund", 38 ms before).
      const lacks = (column: string, b: string) => `(${b}::bigint & ~coalesce(${a}.${column}, ${b}::bigint))`;
      const maybe = bits === null ? '' : `(${lacks('word_bits', p(bits[0]))} | ${lacks('word_bits2', p(bits[1]))}) = 0 AND `;
      // A scalar subquery, not EXISTS: PostgreSQL would hash an EXISTS under OR, reading every
      // match first (10,000 posts for "refund") where the walk wants a probe per item read.
      return `(${a}.id = ANY(${p(drafts)}::text[]) OR (${maybe}coalesce((SELECT ${test} FROM mentions m WHERE m.id = ${a}.id), false)))`;
    },
  };
}

/** The bits an item's post must have to hold every one of the text's words (see migrations 18 and 21). */
async function wordBits(client: PoolClient, q: string): Promise<Bits> {
  const { rows } = await client.query<{ bits: string; bits2: string }>(
    `SELECT earshot_word_bits(w)::text AS bits, earshot_word_bits2(w)::text AS bits2 FROM to_tsvector('simple', $1) w`,
    [q],
  );
  return [rows[0]?.bits ?? '0', rows[0]?.bits2 ?? '0'];
}

/**
 * Which tier answers the text and how (see QueueText). A tier with no match hands over to the
 * next; a common word skips the listing (its estimate from the column statistics is reliable).
 */
export async function queueText(db: Db, q: string, tuning: Partial<QueueTextTuning> = {}): Promise<QueueText> {
  const { collectMax } = { ...TUNING, ...tuning };
  const client = await db.connect();
  try {
    await client.query('BEGIN READ ONLY');
    const found = await tiers(client, q, collectMax);
    await client.query('COMMIT');
    return found;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function tiers(client: PoolClient, q: string, collectMax: number): Promise<QueueText> {
  const words = await wordsOf(client, q);
  const drafts = await draftIds(client, q);
  // The substring matcher asks the vocabulary first, so it is only made when the words found nothing.
  const matchers = [
    ...(words.length ? [async () => wordMatcher(words, false), async () => wordMatcher(words, true)] : []),
    async () => substringMatcher(q, await substringWords(client, words)),
  ];
  for (const [n, make] of matchers.entries()) {
    const matcher = await make();
    const p = new Params();
    const estimated = await planRows(
      client,
      (matcher.estimated ?? matcher.indexed)(p, () => ''),
      p.values,
    );
    // Only whole words have bits; word starts and substrings read every post the walk reaches.
    const bits = () => (n === 0 && words.length ? wordBits(client, q) : Promise.resolve(null));
    // Words' estimates, and a substring's candidates, come from the text index's statistics and hold.
    if (estimated > 3 * collectMax) return walked(matcher, drafts, estimated, await bits());
    const ids = await collect(client, matcher, collectMax);
    if (ids.length === 0) continue;
    if (ids.length <= collectMax) return listed([...new Set([...ids, ...drafts])]);
    return walked(matcher, drafts, Math.max(estimated, ids.length), await bits());
  }
  return listed(drafts);
}
