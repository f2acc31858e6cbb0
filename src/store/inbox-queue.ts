import type { Db } from '../postgres/pool.js';
import type { InboxItem } from './inbox.js';
import { ITEM_COLUMNS, itemFromRow, type ItemRow } from './item-row.js';
import { storedFromRow, type MentionRow, type StoredMention } from './mentions.js';
import { queueText, type QueueText, type QueueTextTuning } from './queue-text.js';
import { AUTHOR_COLUMNS, AUTHOR_JOIN } from './rest-codec.js';

export interface QueueFilter {
  statuses: readonly string[];
  priority?: string | undefined;
  brand?: string | undefined;
  source?: string | undefined;
  category?: string | undefined;
  language?: string | undefined;
  assignee?: string | undefined;
  q?: string | undefined;
  /** Items carrying this tag / with a note that mentions this user. */
  tag?: string | undefined;
  mentioned?: string | undefined;
  /** Snoozed items are hidden until their time comes unless this is set. */
  includeSnoozed?: boolean;
  limit: number;
  /** The previous page's `next`. */
  cursor?: string | undefined;
  now?: number;
  /** Characters of post text to read per item (a list shows a preview; posts may be 40,000). */
  textChars?: number;
  /** One row per near-duplicate group: an item whose group lead also matches is left out (counted on the lead). */
  collapse?: boolean;
  /** Only this group: the lead with this id and the items grouped under it. */
  similarTo?: string | undefined;
  /** Tests: a smaller threshold for listing a text's matches, so the walk is exercised on a few rows. */
  textTuning?: Partial<QueueTextTuning>;
}

export interface QueuePage {
  /** similar: with collapse, how many more items of the row's group match the filter. */
  rows: Array<{ item: InboxItem; stored: StoredMention | null; similar: number }>;
  /** Every item matching the filter, not just this page; with a common text, PostgreSQL's estimate ("about"). */
  total: number;
  totalExact: boolean;
  /** Pass as `cursor` for the page after this one; null on the last page. */
  next: string | null;
}

/** An SLA that has run out, or runs out within this, lifts its item above higher urgencies of its tier. */
export const AT_RISK_MS = 15 * 60_000;

/**
 * The queue's order: urgent tier first; within a tier, items whose SLA has run out or runs out
 * within AT_RISK_MS; then higher urgency; then the SLA that runs out sooner; then the newest
 * post. The cut (now + AT_RISK_MS) is fixed on the first page and carried in the cursor, so the
 * pages of one walk agree on which items were at risk.
 *
 * The cut moves with the clock, so no index holds this order. The page is read as four
 * segments (tier × at risk or not) in order, each an index range scan in urgency order
 * (inbox_queue_cover, whose entries carry the filter columns, or inbox_status's (status, rank,
 * sla_due_at) ranges when few are at risk), each stopped at the page size; a page never sorts
 * more than four pages' worth of ids.
 */
type Param = (value: unknown) => string;

const SEGMENTS: ReadonlyArray<readonly [rank: number, safe: number]> = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
/** The order within a segment, as inbox_queue_cover holds it. */
const WITHIN = 'i.urgency DESC, i.sla_due_at, i.created_at DESC, i.id';

/**
 * Items after the cursor's (−urgency, SLA, −created, id) in WITHIN's order. The directions are
 * mixed, so no row comparison says it; the leading bound on urgency is what the index uses.
 */
function after(key: Key, p: (v: unknown) => string): string {
  const [u, sla, c, id] = [p(-key[3]), p(key[4]), p(-key[5]), p(key[6])];
  return ` AND i.urgency <= ${u} AND (i.urgency < ${u} OR (i.urgency = ${u} AND (i.sla_due_at > ${sla} OR (i.sla_due_at = ${sla} AND (i.created_at < ${c} OR (i.created_at = ${c} AND i.id > ${id}))))))`;
}

/**
 * The tier a priority filter keeps (rank is 0 for urgent): scanning the other tier's index range
 * would read every item of it only to find none (1.5 s for "urgent" over 300,000 open items).
 */
const tierOf = (priority: string | undefined): number | null => (priority === undefined ? null : priority === 'urgent' ? 0 : 1);

/** The segments a page reads, in order, from the cursor's on. */
function segmentsFrom(key: Key | null, tier: number | null): Array<readonly [rank: number, safe: number]> {
  const from = key ? SEGMENTS.findIndex(([r, safe]) => r === key[1] && safe === key[2]) : 0;
  return SEGMENTS.slice(Math.max(0, from)).filter(([rank]) => tier === null || rank === tier);
}

/** One segment's ids in order; `first` is the cursor's own segment, read from just after it. */
function segment(
  baseSql: string,
  cut: string,
  limit: string,
  key: Key | null,
  keyParam: Param,
  [rank, safe]: readonly [number, number],
  first: boolean,
): string {
  const rest = key && first ? after(key, keyParam) : '';
  return `(SELECT i.id, ${rank} AS seg_rank, ${safe} AS seg_safe, -i.urgency AS o_urgency, i.sla_due_at AS o_sla, -i.created_at AS o_created
    FROM inbox_items i WHERE ${baseSql} AND i.rank = ${rank} AND i.sla_due_at ${safe ? '>' : '<='} ${cut}${rest}
    ORDER BY ${WITHIN} LIMIT ${limit})`;
}

function segments(baseSql: string, cut: string, limit: string, key: Key | null, keyParam: Param, tier: number | null): string {
  return segmentsFrom(key, tier)
    .map((seg, i) => segment(baseSql, cut, limit, key, keyParam, seg, i === 0))
    .join(' UNION ALL ');
}

/**
 * A common text's page: the segments one after another, each read only while the page is not
 * full. In one statement every segment would run to its own limit, each testing thousands of
 * items' posts for a page the first segment already fills.
 */
async function walkedIds(db: Db, f: QueueFilter, text: QueueText, cut: number, key: Key | null, tier: number | null): Promise<string[]> {
  const ids: string[] = [];
  for (const [n, seg] of segmentsFrom(key, tier).entries()) {
    const base = where(f, text);
    const params = [...base.params];
    const p: Param = (value) => `$${params.push(value)}`;
    const sql = segment(base.sql, `${p(cut)}::bigint`, p(f.limit + 1 - ids.length), key, p, seg, n === 0);
    const { rows } = await db.query<{ id: string }>(sql, params);
    ids.push(...rows.map((r) => r.id));
    if (ids.length > f.limit) break;
  }
  return ids;
}

/**
 * With a text filter the matching items are found from the text indexes and sorted: reading the
 * queue in order and testing each item against the text read all 300,000 open items (9 s for
 * "refund"). The sort keys are the segments' own, so a cursor from either form reads the same.
 */
function matchesInOrder(from: string, baseSql: string, cut: string, limit: string, key: Key | null, keyParam: Param): string {
  const safe = `(i.sla_due_at > ${cut})::int`;
  const rest = key
    ? ` AND (i.rank, ${safe}, -i.urgency, i.sla_due_at, -i.created_at, i.id) > (${key.slice(1).map(keyParam).join(', ')})`
    : '';
  return `SELECT i.id, i.rank AS seg_rank, ${safe} AS seg_safe, -i.urgency AS o_urgency, i.sla_due_at AS o_sla, -i.created_at AS o_created
    FROM ${from} WHERE ${baseSql}${rest} ORDER BY 2, 3, 4, 5, 6, 1 LIMIT ${limit}`;
}

/** The filter on the item aliased `a` (the queue's own rows, or a group's lead). */
function conditions(f: QueueFilter, text: QueueText | null, a: string, p: Param): string[] {
  const clauses = [`${a}.status = ANY(${p([...f.statuses])}::text[])`];
  if (!f.includeSnoozed) clauses.push(`(${a}.snoozed_until IS NULL OR ${a}.snoozed_until <= ${p(f.now ?? Date.now())})`);
  for (const [column, value] of equalities(f)) clauses.push(`${a}.${column} = ${p(value)}`);
  if (f.tag) clauses.push(`EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = ${a}.id AND g.tag = ${p(f.tag)})`);
  if (f.mentioned) clauses.push(`EXISTS (SELECT 1 FROM note_mentions n WHERE n.item_id = ${a}.id AND n.user_name = ${p(f.mentioned)})`);
  if (text) clauses.push(text.cond(a, p));
  return clauses;
}

/** The filter's equality columns: each is a column of inbox_items and of inbox_counts. */
function equalities(f: QueueFilter): Array<[column: string, value: string]> {
  const eq: Array<[string, string | undefined]> = [
    ['priority', f.priority],
    ['brand_id', f.brand],
    ['source_id', f.source],
    ['category', f.category],
    ['language', f.language],
    ['assignee', f.assignee],
  ];
  return eq.filter((e): e is [string, string] => Boolean(e[1]));
}

interface Where {
  /** The rows the conditions filter: the items, or only those of a few ids, probed one by one. */
  from: string;
  sql: string;
  params: unknown[];
}

/**
 * Probing by primary key per id: an `i.id = ANY(…)` condition let PostgreSQL AND a bitmap of the
 * ids with one of all open items (inbox_status, 300,000 entries: 50 ms for a 27-item answer).
 */
const probe = (ids: string, alias = 'i') => `unnest(${ids}::text[]) AS hit(id) JOIN inbox_items ${alias} ON ${alias}.id = hit.id`;

function where(f: QueueFilter, text: QueueText | null, only?: string[]): Where {
  const params: unknown[] = [];
  const p: Param = (value) => {
    params.push(value);
    return `$${params.length}`;
  };
  const ids = only ?? (text?.listed ? text.ids : null);
  const from = ids ? probe(p(ids)) : 'inbox_items i';
  // Probed ids are the text's matches already (listed, or found by the walk, which tested each
  // post): the text is a condition only on a group's lead. Testing the page's posts again cost
  // a post read per row.
  const clauses = conditions(f, ids ? null : text, 'i', p);
  if (f.similarTo) {
    const lead = p(f.similarTo);
    clauses.push(`(i.id = ${lead} OR i.dup_of = ${lead})`);
  } else if (f.collapse) {
    // A lead that is closed, snoozed or filtered out no longer hides its group: nothing goes missing.
    clauses.push(
      `(i.dup_of IS NULL OR NOT EXISTS (SELECT 1 FROM inbox_items l WHERE l.id = i.dup_of AND ${conditions(f, text, 'l', p).join(' AND ')}))`,
    );
  }
  return { from, sql: clauses.join(' AND '), params };
}

/**
 * A common text's total, estimated: its matching posts as PostgreSQL estimates them, times the
 * share of stored posts that are items of the rest of the filter. Counting them meant testing
 * every match (0.6 s for "refund" at a million posts); a page of them needs far fewer.
 */
function estimatedTotal(f: QueueFilter, text: QueueText): { sql: string; params: unknown[] } {
  const rest = totalQuery(f, where({ ...f, q: undefined, collapse: false }, null));
  const posts = `SELECT greatest(1, reltuples) FROM pg_class WHERE oid = 'mentions'::regclass`;
  return { sql: `SELECT round(${Number(text.estimatedPosts)}::float8 * (${rest.sql}) / (${posts}))::bigint AS n`, params: rest.params };
}

/**
 * The exact total. Without a text filter it is read from inbox_counts (kept by triggers in the
 * same transaction as every item change, see schema-queue-counts.ts) less the items snoozed right
 * now: a sum over a few hundred rows instead of a count over every open item.
 */
function totalQuery(f: QueueFilter, base: Where): { sql: string; params: unknown[] } {
  // Text, tags and @-mentions are not among the counted columns: those totals are counted.
  if (f.tag || f.mentioned) return { sql: `SELECT count(*)::bigint AS n FROM ${base.from} WHERE ${base.sql}`, params: base.params };
  const params: unknown[] = [[...f.statuses]];
  const eq = equalities(f).map(([column, value]) => {
    params.push(value);
    return ` AND ${column} = $${params.length}`;
  });
  const counted = `SELECT coalesce(sum(n), 0) FROM inbox_counts WHERE status = ANY($1::text[])${eq.join('')}`;
  if (f.includeSnoozed) return { sql: `SELECT (${counted})::bigint AS n`, params };
  params.push(f.now ?? Date.now());
  const snoozed = `SELECT count(*) FROM inbox_items WHERE snoozed_until > $${params.length} AND status = ANY($1::text[])${eq.join('')}`;
  return { sql: `SELECT ((${counted}) - (${snoozed}))::bigint AS n`, params };
}

type Key = [cut: number, rank: number, safe: number, urgency: number, sla: number, created: number, id: string];

function encodeCursor(cut: number, row: ItemRow): string {
  const sla = Number(row['sla_due_at']);
  const key: Key = [cut, Number(row['rank']), sla > cut ? 1 : 0, -Number(row['urgency']), sla, -Number(row['created_at']), row.id];
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Key | null {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 7 && key.slice(0, 6).every((v) => Number.isSafeInteger(v)) && typeof key[6] === 'string')
      return key as Key;
  } catch {
    // An unreadable cursor is answered like a bad parameter, below.
  }
  return null;
}

export class BadCursorError extends Error {}

/**
 * One page of the inbox queue in the order above; every filter in SQL, keyset paging, and the
 * exact total (every matching item, grouped ones included).
 */
export async function queuePage(db: Db, f: QueueFilter): Promise<QueuePage> {
  const text = f.q ? await queueText(db, f.q, f.textTuning) : null;
  const key = f.cursor ? decodeCursor(f.cursor) : null;
  const tier = tierOf(f.priority);
  if (f.cursor && (!key || !SEGMENTS.some(([r, safe]) => r === key[1] && safe === key[2]) || (tier !== null && key[1] !== tier))) {
    throw new BadCursorError('cursor: not a cursor this inbox gave out; start from the first page');
  }
  const cut = key ? key[0] : (f.now ?? Date.now()) + AT_RISK_MS;
  // A common text's items are chosen first (walkedIds), then sorted like a listed text's.
  const walked = text && !text.listed ? await walkedIds(db, f, text, cut, key, tier) : undefined;
  const base = where(f, text, walked);
  const pageParams = [...base.params];
  const p = (value: unknown) => {
    pageParams.push(value);
    return `$${pageParams.length}`;
  };
  const cutParam = `${p(cut)}::bigint`;
  const limit = p(f.limit + 1);
  const chars = p(f.textChars ?? 1_000_000);
  const ids = text ? matchesInOrder(base.from, base.sql, cutParam, limit, key, p) : segments(base.sql, cutParam, limit, key, p, tier);
  // The ids are chosen from inbox_items alone, then joined: the sort never carries post text.
  const page = db.query<ItemRow & { rank: number; m_id: string | null }>(
    `SELECT ${ITEM_COLUMNS}, i.rank, m.id AS m_id, m.platform AS m_platform, m.native_id, m.source_id AS m_source_id, m.brand_id AS m_brand_id, m.author_id,
            m.created_at AS m_created_at, m.lang, left(m.text, ${chars}) AS text, m.rest, ${AUTHOR_COLUMNS}, coalesce(t.stage, 'new') AS stage, t.triage
     FROM (SELECT * FROM (${ids}) u ORDER BY seg_rank, seg_safe, o_urgency, o_sla, o_created, id LIMIT ${limit}) p
     JOIN inbox_items i ON i.id = p.id LEFT JOIN mentions m ON m.id = i.id LEFT JOIN mention_triage t ON t.id = i.id
     ${AUTHOR_JOIN}
     ORDER BY p.seg_rank, p.seg_safe, p.o_urgency, p.o_sla, p.o_created, p.id`,
    pageParams,
  );
  // The total counts every matching item, grouped or not ("1–100 of 5,000" covers the groups' members).
  const all = where({ ...f, collapse: false }, text);
  const counted =
    f.similarTo || text?.listed ? { sql: `SELECT count(*)::bigint AS n FROM ${all.from} WHERE ${all.sql}`, params: all.params } : null;
  const total = counted ?? (text ? estimatedTotal(f, text) : totalQuery(f, all));
  const count = db.query<{ n: number }>(total.sql, total.params);
  const [{ rows }, n] = await Promise.all([page, count]);
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
  };
}
