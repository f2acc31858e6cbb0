import type { Db } from '../postgres/pool.js';
import { isLabel } from './enum-labels.js';
import type { InboxItem } from './inbox.js';
import { ITEM_COLUMNS, itemFromRow, type ItemRow } from './item-row.js';
import { STAGE, storedFromRow, type MentionRow, type StoredMention } from './mentions.js';
import { equalities, estimatedTotal, itemsAtMost, totalQuery, where, type QueueFilter } from './queue-filter.js';
import { BY_KEYS, decodeCursor, encodeCursor, inOrder, segment, segmentsFrom, tierOf, type Key, type Param } from './queue-order.js';
import { queueText, type QueueText } from './queue-text.js';
import { AUTHOR_COLUMNS, AUTHOR_JOIN } from './rest-codec.js';
import { TRIAGE_COLUMNS } from './triage-row.js';

export interface QueuePage {
  /** similar: with collapse, how many more items of the row's group match the filter. */
  rows: Array<{ item: InboxItem; stored: StoredMention | null; similar: number }>;
  /** Every item matching the filter, not just this page; with a common text, PostgreSQL's estimate ("about"). */
  total: number;
  totalExact: boolean;
  /** Pass as `cursor` for the page after this one; null on the last page. */
  next: string | null;
}

/** An SLA that has run out, or runs out within this, lifts its item above higher urgencies of its tier (queue-order.ts). */
export const AT_RISK_MS = 15 * 60_000;

/**
 * A filter whose statuses and equality columns hold at most this many items (inbox_counts) has
 * them all sorted; beyond, the queue is walked. Walking a queue for a filter that matches few
 * items reads most of a tier's index (0.5 s for an assignee + category with none). With a
 * common text the walk must also pass the text, so it reads more for the same filter: "refund"
 * within a source + category of 8,571 items walked 514 ms (load 15) for 97 matches.
 */
const FEW_ITEMS = 2_000;
const FEW_ITEMS_WITH_TEXT = 10_000;

type PageRow = ItemRow & { rank: number; m_id: string | null };
type Query = (sql: string, params: unknown[]) => Promise<{ rows: PageRow[] }>;

/** The page's rows for the ids (with their sort keys) that `ids` selects: the sort never carries post text. */
function pageStatement(ids: string, chars: string): string {
  return `SELECT ${ITEM_COLUMNS}, i.rank, m.id AS m_id, m.platform AS m_platform, m.native_id, m.source_id AS m_source_id, m.brand_id AS m_brand_id, m.author_id,
            m.created_at AS m_created_at, m.lang, left(m.text, ${chars}) AS text, m.rest, ${AUTHOR_COLUMNS}, ${STAGE('m')} AS stage, m.triage, ${TRIAGE_COLUMNS('m')}
     FROM (${ids}) p
     JOIN inbox_items i ON i.id = p.id LEFT JOIN mentions m ON m.id = i.id
     ${AUTHOR_JOIN}
     ORDER BY ${BY_KEYS}`;
}

/**
 * Runs `read` with bitmap scans off when the filter has equality columns or a common text: for
 * a brand, source or category PostgreSQL ANDed bitmaps of their indexes with the order index's
 * whole range (120,000 entries, 63 ms) and sorted, where the ordered scan found the page in
 * 24,000 index entries. Without them it reads through the pool, with no transaction to pay for.
 */
async function reading<T>(db: Db, bitmapsOff: boolean, read: (q: Query) => Promise<T>): Promise<T> {
  if (!bitmapsOff) return read((sql, params) => db.query<PageRow>(sql, params));
  const client = await db.connect();
  try {
    await client.query('BEGIN READ ONLY; SET LOCAL enable_bitmapscan = off');
    const out = await read((sql, params) => client.query<PageRow>(sql, params));
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The queue read in order, one segment after another, each only while the page is not full:
 * in one statement every segment ran to its own limit, so a page the first segment filled also
 * read the second tier (20 ms of a 45 ms source + category page), and a common text tested
 * thousands more posts. The segments are in the queue's order, so their rows are concatenated.
 */
function walkedRows(db: Db, f: QueueFilter, text: QueueText | null, cut: number, key: Key | null, tier: number | null): Promise<PageRow[]> {
  return reading(db, text !== null || equalities(f).length > 0, async (query) => {
    const rows: PageRow[] = [];
    for (const [n, seg] of segmentsFrom(key, tier).entries()) {
      const base = where(f, text);
      const params = [...base.params];
      const p: Param = (value) => `$${params.push(value)}`;
      const ids = segment(base.sql, `${p(cut)}::bigint`, p(f.limit + 1 - rows.length), key, p, seg, n === 0);
      rows.push(...(await query(pageStatement(ids, p(f.textChars ?? 1_000_000)), params)).rows);
      if (rows.length > f.limit) break;
    }
    return rows;
  });
}

/** Every match sorted (a listed text, one group, a filter of few items): one statement. */
async function sortedRows(db: Db, f: QueueFilter, text: QueueText | null, cut: number, key: Key | null): Promise<PageRow[]> {
  const base = where(f, text);
  const params = [...base.params];
  const p: Param = (value) => `$${params.push(value)}`;
  const ids = inOrder(base.from, base.sql, `${p(cut)}::bigint`, p(f.limit + 1), key, p);
  return (await db.query<PageRow>(pageStatement(ids, p(f.textChars ?? 1_000_000)), params)).rows;
}

/**
 * How the page's items are found: `walk` (the queue read in order, walkedRows), or `sorted`
 * (every match sorted: a listed text, one group, or a filter of few items), or `none` when the
 * counts say no item matches.
 */
async function howToRead(db: Db, f: QueueFilter, text: QueueText | null): Promise<'walk' | 'sorted' | 'none'> {
  if (f.similarTo || text?.listed) return 'sorted';
  if (equalities(f).length === 0) return 'walk';
  const n = await itemsAtMost(db, f);
  return n === 0 ? 'none' : n <= (f.fewItems ?? (text ? FEW_ITEMS_WITH_TEXT : FEW_ITEMS)) ? 'sorted' : 'walk';
}

export class BadCursorError extends Error {}

/**
 * One page of the inbox queue in the queue's order (queue-order.ts); every filter in SQL, keyset
 * paging, and the exact total (every matching item, grouped ones included), "about" for a common text.
 */
export async function queuePage(db: Db, asked: QueueFilter): Promise<QueuePage> {
  const f = await knownValues(db, asked);
  if (!f) return { rows: [], total: 0, totalExact: true, next: null };
  const text = f.q ? await queueText(db, f.q, f.textTuning) : null;
  const tier = tierOf(f.priority);
  const key = f.cursor ? decodeCursor(f.cursor, tier) : null;
  if (f.cursor && !key) throw new BadCursorError('cursor: not a cursor this inbox gave out; start from the first page');
  const cut = key ? key[0] : (f.now ?? Date.now()) + AT_RISK_MS;
  const how = await howToRead(db, f, text);
  if (how === 'none') return { rows: [], total: 0, totalExact: true, next: null };
  // The total counts every matching item, grouped or not ("1–100 of 5,000" covers the groups' members).
  const all = where({ ...f, collapse: false }, text);
  // Few items with a common text: each is tested anyway, so they are counted.
  const counted = Boolean(f.similarTo || text?.listed || (text && how === 'sorted'));
  const total = counted
    ? { sql: `SELECT count(*)::bigint AS n FROM ${all.from} WHERE ${all.sql}`, params: all.params }
    : text
      ? estimatedTotal(f, text)
      : totalQuery(f, all);
  const [rows, n] = await Promise.all([
    how === 'walk' ? walkedRows(db, f, text, cut, key, tier) : sortedRows(db, f, text, cut, key),
    db.query<{ n: number }>(total.sql, total.params),
  ]);
  const shown = rows.slice(0, f.limit);
  const last = shown[shown.length - 1];
  const similar =
    f.collapse && !f.similarTo
      ? await groupCounts(
          db,
          f,
          text,
          shown.map((r) => r.id),
        )
      : new Map<string, number>();
  let totalExact = true;
  let sum = Number(n.rows[0]?.n ?? 0);
  if (!counted && text) {
    // An estimate, unless this one page holds every match (and no group hides a member of it).
    totalExact = !f.cursor && rows.length <= f.limit && !f.collapse;
    sum = totalExact ? rows.length : Math.max(sum, shown.length);
  }
  return {
    rows: shown.map((r) => ({
      item: itemFromRow(r),
      stored: r.m_id ? storedFromRow(mentionPart(r)) : null,
      similar: similar.get(r.id) ?? 0,
    })),
    total: sum,
    totalExact,
    next: rows.length > f.limit && last ? encodeCursor(cut, last) : null,
  };
}

/**
 * The filter without statuses the database has never stored, or null when what is left matches
 * nothing: a status or category that is not a label of its enum type is an error in SQL.
 */
async function knownValues(db: Db, f: QueueFilter): Promise<QueueFilter | null> {
  if (f.category && !(await isLabel(db, 'earshot_category', f.category))) return null;
  const statuses: string[] = [];
  for (const s of f.statuses) if (await isLabel(db, 'earshot_status', s)) statuses.push(s);
  return statuses.length ? { ...f, statuses } : null;
}

/** For each lead on a page: how many items grouped under it match the same filter. */
async function groupCounts(db: Db, f: QueueFilter, text: QueueText | null, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const base = where({ ...f, collapse: false }, text);
  const params = [...base.params, ids];
  const { rows } = await db.query<{ lead: string; n: string }>(
    `SELECT i.dup_of AS lead, count(*) AS n FROM ${base.from} WHERE i.dup_of = ANY($${params.length}::text[]) AND ${base.sql} GROUP BY i.dup_of`,
    params,
  );
  return new Map(rows.map((r) => [r.lead, Number(r.n)]));
}

function mentionPart(r: Record<string, unknown>): MentionRow {
  return {
    id: String(r['m_id']),
    platform: String(r['m_platform']),
    native_id: String(r['native_id']),
    source_id: String(r['m_source_id']),
    brand_id: String(r['m_brand_id']),
    author_id: String(r['author_id']),
    created_at: Number(r['m_created_at']),
    lang: (r['lang'] as string | null) ?? null,
    text: String(r['text']),
    rest: String(r['rest']),
    author_name: (r['author_name'] as string | null) ?? null,
    author_followers: (r['author_followers'] as number | null) ?? null,
    author_url: (r['author_url'] as string | null) ?? null,
    stage: String(r['stage']),
    triage: (r['triage'] as string | null) ?? null,
    triage_score: (r['triage_score'] as number | null) ?? null,
    triage_sentiment: (r['triage_sentiment'] as string | null) ?? null,
    triage_category: (r['triage_category'] as string | null) ?? null,
    triage_urgency: (r['triage_urgency'] as number | null) ?? null,
    triage_complaint: (r['triage_complaint'] as boolean | null) ?? null,
  };
}
