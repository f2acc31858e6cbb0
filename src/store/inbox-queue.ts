import type { Db } from '../postgres/pool.js';
import type { InboxItem } from './inbox.js';
import { ITEM_COLUMNS, itemFromRow, type ItemRow } from './item-row.js';
import { storedFromRow, type MentionRow, type StoredMention } from './mentions.js';
import { likePattern, matchingIds } from './text-match.js';

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
}

export interface QueuePage {
  /** similar: with collapse, how many more items of the row's group match the filter. */
  rows: Array<{ item: InboxItem; stored: StoredMention | null; similar: number }>;
  /** Every item matching the filter, not just this page. */
  total: number;
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
 * (inbox_queue_cover, whose entries carry the filter columns, or inbox_queue's (rank,
 * sla_due_at) prefix when few are at risk), each stopped at the page size; a page never sorts
 * more than four pages' worth of ids.
 */
const SEGMENTS: ReadonlyArray<readonly [rank: number, safe: number]> = [[0, 0], [0, 1], [1, 0], [1, 1]];
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

function segments(baseSql: string, cut: string, limit: string, key: Key | null, keyParam: (v: unknown) => string, tier: number | null): string {
  const from = key ? SEGMENTS.findIndex(([r, safe]) => r === key[1] && safe === key[2]) : 0;
  return SEGMENTS.slice(Math.max(0, from))
    .filter(([rank]) => tier === null || rank === tier)
    .map(([rank, safe], i) => {
      const rest = key && i === 0 ? after(key, keyParam) : '';
      return `(SELECT i.id, ${rank} AS seg_rank, ${safe} AS seg_safe, -i.urgency AS o_urgency, i.sla_due_at AS o_sla, -i.created_at AS o_created
        FROM inbox_items i WHERE ${baseSql} AND i.rank = ${rank} AND i.sla_due_at ${safe ? '>' : '<='} ${cut}${rest}
        ORDER BY ${WITHIN} LIMIT ${limit})`;
    })
    .join(' UNION ALL ');
}

type Param = (value: unknown) => string;

/**
 * With a text filter the matching items are found from the text indexes and sorted: reading the
 * queue in order and testing each item against the text read all 300,000 open items (9 s for
 * "refund"). The sort keys are the segments' own, so a cursor from either form reads the same.
 */
function matchesInOrder(baseSql: string, cut: string, limit: string, key: Key | null, keyParam: Param): string {
  const safe = `(i.sla_due_at > ${cut})::int`;
  const rest = key ? ` AND (i.rank, ${safe}, -i.urgency, i.sla_due_at, -i.created_at, i.id) > (${key.slice(1).map(keyParam).join(', ')})` : '';
  return `SELECT i.id, i.rank AS seg_rank, ${safe} AS seg_safe, -i.urgency AS o_urgency, i.sla_due_at AS o_sla, -i.created_at AS o_created
    FROM inbox_items i WHERE ${baseSql}${rest} ORDER BY 2, 3, 4, 5, 6, 1 LIMIT ${limit}`;
}

/** The filter on the item aliased `a` (the queue's own rows, or a group's lead). */
function conditions(f: QueueFilter, a: string, p: Param): string[] {
  const clauses = [`${a}.status = ANY(${p([...f.statuses])}::text[])`];
  if (!f.includeSnoozed) clauses.push(`(${a}.snoozed_until IS NULL OR ${a}.snoozed_until <= ${p(f.now ?? Date.now())})`);
  for (const [column, value] of equalities(f)) clauses.push(`${a}.${column} = ${p(value)}`);
  if (f.tag) clauses.push(`EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = ${a}.id AND g.tag = ${p(f.tag)})`);
  if (f.mentioned) clauses.push(`EXISTS (SELECT 1 FROM note_mentions n WHERE n.item_id = ${a}.id AND n.user_name = ${p(f.mentioned)})`);
  if (f.q) {
    const text = p(f.q);
    const like = p(likePattern(f.q));
    // The draft is ours and lives on the item (trigram index there too). One IN over both lets
    // PostgreSQL start from the matches (a semi-join) instead of testing every open item.
    const ids = matchingIds(Number(text.slice(1)));
    clauses.push(`${a}.id IN (${ids.slice(1, -1)} UNION SELECT id FROM inbox_items WHERE draft ILIKE ${like})`);
  }
  return clauses;
}

/** The filter's equality columns: each is a column of inbox_items and of inbox_counts. */
function equalities(f: QueueFilter): Array<[column: string, value: string]> {
  const eq: Array<[string, string | undefined]> = [['priority', f.priority], ['brand_id', f.brand], ['source_id', f.source], ['category', f.category], ['language', f.language], ['assignee', f.assignee]];
  return eq.filter((e): e is [string, string] => Boolean(e[1]));
}

function where(f: QueueFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p: Param = (value) => {
    params.push(value);
    return `$${params.length}`;
  };
  const clauses = conditions(f, 'i', p);
  if (f.similarTo) {
    const lead = p(f.similarTo);
    clauses.push(`(i.id = ${lead} OR i.dup_of = ${lead})`);
  } else if (f.collapse) {
    // A lead that is closed, snoozed or filtered out no longer hides its group: nothing goes missing.
    clauses.push(`(i.dup_of IS NULL OR NOT EXISTS (SELECT 1 FROM inbox_items l WHERE l.id = i.dup_of AND ${conditions(f, 'l', p).join(' AND ')}))`);
  }
  return { sql: clauses.join(' AND '), params };
}

/**
 * The exact total. Without a text filter it is read from inbox_counts (kept by triggers in the
 * same transaction as every item change, see schema-queue-counts.ts) less the items snoozed right
 * now: a sum over a few hundred rows instead of a count over every open item.
 */
function totalQuery(f: QueueFilter, base: { sql: string; params: unknown[] }): { sql: string; params: unknown[] } {
  // Text, tags and @-mentions are not among the counted columns: those totals are counted.
  if (f.q || f.tag || f.mentioned) return { sql: `SELECT count(*)::bigint AS n FROM inbox_items i WHERE ${base.sql}`, params: base.params };
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
    if (Array.isArray(key) && key.length === 7 && key.slice(0, 6).every((v) => Number.isSafeInteger(v)) && typeof key[6] === 'string') return key as Key;
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
  const base = where(f);
  const pageParams = [...base.params];
  const p = (value: unknown) => {
    pageParams.push(value);
    return `$${pageParams.length}`;
  };
  const key = f.cursor ? decodeCursor(f.cursor) : null;
  const tier = tierOf(f.priority);
  if (f.cursor && (!key || !SEGMENTS.some(([r, safe]) => r === key[1] && safe === key[2]) || (tier !== null && key[1] !== tier))) {
    throw new BadCursorError('cursor: not a cursor this inbox gave out; start from the first page');
  }
  const cut = key ? key[0] : (f.now ?? Date.now()) + AT_RISK_MS;
  const cutParam = `${p(cut)}::bigint`;
  const limit = p(f.limit + 1);
  const chars = p(f.textChars ?? 1_000_000);
  const ids = f.q ? matchesInOrder(base.sql, cutParam, limit, key, p) : segments(base.sql, cutParam, limit, key, p, tier);
  // The ids are chosen from inbox_items alone, then joined: the sort never carries post text.
  const page = db.query<ItemRow & { rank: number; m_id: string | null }>(
    `SELECT ${ITEM_COLUMNS}, i.rank, m.id AS m_id, m.platform AS m_platform, m.native_id, m.source_id AS m_source_id, m.brand_id AS m_brand_id, m.author_id,
            m.created_at AS m_created_at, m.lang, left(m.text, ${chars}) AS text, m.rest, coalesce(t.stage, 'new') AS stage, t.triage
     FROM (SELECT * FROM (${ids}) u ORDER BY seg_rank, seg_safe, o_urgency, o_sla, o_created, id LIMIT ${limit}) p
     JOIN inbox_items i ON i.id = p.id LEFT JOIN mentions m ON m.id = i.id LEFT JOIN mention_triage t ON t.id = i.id
     ORDER BY p.seg_rank, p.seg_safe, p.o_urgency, p.o_sla, p.o_created, p.id`,
    pageParams,
  );
  // The total counts every matching item, grouped or not ("1–100 of 5,000" covers the groups' members).
  const total = f.similarTo ? { sql: `SELECT count(*)::bigint AS n FROM inbox_items i WHERE ${base.sql}`, params: base.params } : totalQuery(f, where({ ...f, collapse: false }));
  const count = db.query<{ n: number }>(total.sql, total.params);
  const [{ rows }, counted] = await Promise.all([page, count]);
  const shown = rows.slice(0, f.limit);
  const last = shown[shown.length - 1];
  const similar = f.collapse && !f.similarTo ? await groupCounts(db, f, shown.map((r) => r.id)) : new Map<string, number>();
  return {
    rows: shown.map((r) => ({ item: itemFromRow(r), stored: r.m_id ? storedFromRow(mentionPart(r)) : null, similar: similar.get(r.id) ?? 0 })),
    total: Number(counted.rows[0]?.n ?? 0),
    next: rows.length > f.limit && last ? encodeCursor(cut, last) : null,
  };
}

/** For each lead on a page: how many items grouped under it match the same filter. */
async function groupCounts(db: Db, f: QueueFilter, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const base = where({ ...f, collapse: false });
  const params = [...base.params, ids];
  const { rows } = await db.query<{ lead: string; n: string }>(
    `SELECT i.dup_of AS lead, count(*) AS n FROM inbox_items i WHERE i.dup_of = ANY($${params.length}::text[]) AND ${base.sql} GROUP BY i.dup_of`,
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
    stage: String(r['stage']),
    triage: (r['triage'] as string | null) ?? null,
  };
}
