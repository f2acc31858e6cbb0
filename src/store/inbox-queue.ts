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
}

export interface QueuePage {
  rows: Array<{ item: InboxItem; stored: StoredMention | null }>;
  /** Every item matching the filter, not just this page. */
  total: number;
  /** Pass as `cursor` for the page after this one; null on the last page. */
  next: string | null;
}

/** The queue's order, spelled as the inbox_queue index is, so pages are read from it in order. */
const ORDER_KEY = ['i.rank', 'i.sla_due_at', '(-i.urgency)', '(-i.created_at)', 'i.id'];

/** The filter's equality columns: each is a column of inbox_items and of inbox_counts. */
function equalities(f: QueueFilter): Array<[column: string, value: string]> {
  const eq: Array<[string, string | undefined]> = [['priority', f.priority], ['brand_id', f.brand], ['source_id', f.source], ['category', f.category], ['language', f.language], ['assignee', f.assignee]];
  return eq.filter((e): e is [string, string] => Boolean(e[1]));
}

function where(f: QueueFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses: string[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  clauses.push(`i.status = ANY(${p([...f.statuses])}::text[])`);
  if (!f.includeSnoozed) clauses.push(`(i.snoozed_until IS NULL OR i.snoozed_until <= ${p(f.now ?? Date.now())})`);
  for (const [column, value] of equalities(f)) clauses.push(`i.${column} = ${p(value)}`);
  if (f.tag) clauses.push(`EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = i.id AND g.tag = ${p(f.tag)})`);
  if (f.mentioned) clauses.push(`EXISTS (SELECT 1 FROM note_mentions n WHERE n.item_id = i.id AND n.user_name = ${p(f.mentioned)})`);
  if (f.q) {
    p(f.q);
    const like = p(likePattern(f.q));
    // The draft is ours and lives on the item (trigram index there too).
    clauses.push(`(i.id IN ${matchingIds(params.length - 1)} OR i.draft ILIKE ${like})`);
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

function encodeCursor(row: ItemRow): string {
  const key = [row['rank'], row['sla_due_at'], -Number(row['urgency']), -Number(row['created_at']), row.id];
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): unknown[] | null {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 5 && key.slice(0, 4).every((v) => typeof v === 'number') && typeof key[4] === 'string') return key;
  } catch {
    // An unreadable cursor is answered like a bad parameter, below.
  }
  return null;
}

export class BadCursorError extends Error {}

/**
 * One page of the inbox queue: urgent first, then the SLA that runs out soonest, then the most
 * urgent, then the newest; every filter in SQL, keyset paging, and the exact total.
 */
export async function queuePage(db: Db, f: QueueFilter): Promise<QueuePage> {
  const base = where(f);
  const pageParams = [...base.params];
  let pageWhere = base.sql;
  if (f.cursor) {
    const key = decodeCursor(f.cursor);
    if (!key) throw new BadCursorError('cursor: not a cursor this inbox gave out; start from the first page');
    const first = pageParams.length + 1;
    pageParams.push(...key);
    pageWhere += ` AND (${ORDER_KEY.join(', ')}) > (${key.map((_, i) => `$${first + i}`).join(', ')})`;
  }
  pageParams.push(f.limit + 1, f.textChars ?? 1_000_000);
  const page = db.query<ItemRow & { rank: number; m_id: string | null }>(
    `SELECT ${ITEM_COLUMNS}, i.rank, m.id AS m_id, m.platform AS m_platform, m.native_id, m.source_id AS m_source_id, m.brand_id AS m_brand_id, m.author_id,
            m.created_at AS m_created_at, m.lang, left(m.text, $${pageParams.length}) AS text, m.rest, coalesce(t.stage, 'new') AS stage, t.triage
     FROM inbox_items i LEFT JOIN mentions m ON m.id = i.id LEFT JOIN mention_triage t ON t.id = i.id
     WHERE ${pageWhere} ORDER BY ${ORDER_KEY.join(', ')} LIMIT $${pageParams.length - 1}`,
    pageParams,
  );
  const total = totalQuery(f, base);
  const count = db.query<{ n: number }>(total.sql, total.params);
  const [{ rows }, counted] = await Promise.all([page, count]);
  const shown = rows.slice(0, f.limit);
  const last = shown[shown.length - 1];
  return {
    rows: shown.map((r) => ({ item: itemFromRow(r), stored: r.m_id ? storedFromRow(mentionPart(r)) : null })),
    total: counted.rows[0]?.n ?? 0,
    next: rows.length > f.limit && last ? encodeCursor(last) : null,
  };
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
