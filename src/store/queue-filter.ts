import type { Db } from '../postgres/pool.js';
import type { Param } from './queue-order.js';
import type { QueueText, QueueTextTuning } from './queue-text.js';

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
  /** Tests: items a filter may hold and still be sorted rather than walked (inbox-queue.ts, FEW_ITEMS). */
  fewItems?: number;
}

/** The filter on the item aliased `a` (the queue's own rows, or a group's lead). */
function conditions(f: QueueFilter, text: QueueText | null, a: string, p: Param): string[] {
  const clauses = [`${a}.status = ANY(${p([...f.statuses])}::earshot_status[])`];
  if (!f.includeSnoozed) clauses.push(`(${a}.snoozed_until IS NULL OR ${a}.snoozed_until <= ${p(f.now ?? Date.now())})`);
  for (const [column, value] of equalities(f)) clauses.push(`${a}.${column} = ${p(value)}`);
  if (f.tag) clauses.push(`EXISTS (SELECT 1 FROM item_tags g WHERE g.item_id = ${a}.id AND g.tag = ${p(f.tag)})`);
  if (f.mentioned) clauses.push(`EXISTS (SELECT 1 FROM note_mentions n WHERE n.item_id = ${a}.id AND n.user_name = ${p(f.mentioned)})`);
  if (text) clauses.push(text.cond(a, p));
  return clauses;
}

/**
 * The filter's equality columns: each is a column of inbox_items and of inbox_counts. The
 * priority is the rank (item-row.ts); a category the database does not know is answered before
 * any of this (inbox-queue.ts): the comparison would be an error, not a miss.
 */
export function equalities(f: QueueFilter): Array<[column: string, value: string]> {
  const eq: Array<[string, string | undefined]> = [
    ['rank', f.priority === undefined ? undefined : f.priority === 'urgent' ? '0' : '1'],
    ['brand_id', f.brand],
    ['source_id', f.source],
    ['category', f.category],
    ['language', f.language],
    ['assignee', f.assignee],
  ];
  return eq.filter((e): e is [string, string] => Boolean(e[1]));
}

export interface Where {
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

/** `only`: these ids, already known to match the text (a walk tested each post). */
export function where(f: QueueFilter, text: QueueText | null, only?: string[]): Where {
  const params: unknown[] = [];
  const p: Param = (value) => `$${params.push(value)}`;
  const ids = only ?? (text?.listed ? text.ids : null);
  const from = ids ? probe(p(ids)) : 'inbox_items i';
  // Probed ids are the text's matches already (listed, or found by a walk that tested each
  // post): the text is a condition only on a group's lead. Testing the page's posts again cost
  // a post read per row.
  const clauses = conditions(f, ids ? null : text, 'i', p);
  if (f.similarTo) {
    const lead = p(f.similarTo);
    clauses.push(`(i.id = ${lead} OR i.dup_of = ${lead})`);
  } else if (f.collapse) {
    // A lead that is closed, snoozed or filtered out no longer hides its group: nothing goes missing.
    // A scalar subquery (a probe of the lead per member), not NOT EXISTS: under OR PostgreSQL may
    // hash the EXISTS, reading every item that matches the filter first; with 30,000 grouped
    // items on the bench store source + category took 320 ms, an assignee 102 ms.
    clauses.push(
      `(i.dup_of IS NULL OR coalesce((SELECT false FROM inbox_items l WHERE l.id = i.dup_of AND ${conditions(f, text, 'l', p).join(' AND ')}), true))`,
    );
  }
  return { from, sql: clauses.join(' AND '), params };
}

/** The counted items of the filter's statuses and equality columns (snoozed ones included): a sum over inbox_counts. */
function counted(f: QueueFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [[...f.statuses]];
  const eq = equalities(f).map(([column, value]) => ` AND ${column} = $${params.push(value)}`);
  return { sql: `SELECT coalesce(sum(n), 0) FROM inbox_counts WHERE status = ANY($1::earshot_status[])${eq.join('')}`, params };
}

/**
 * How many items the filter's statuses and equality columns hold at most (snoozed ones, tags
 * and @-mentions not taken out), exactly, from inbox_counts: tells a filter with few items
 * from one a walk of the queue answers quickly.
 */
export async function itemsAtMost(db: Db, f: QueueFilter): Promise<number> {
  const c = counted(f);
  const { rows } = await db.query<{ n: string }>(`SELECT (${c.sql})::bigint AS n`, c.params);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The exact total. Without a text filter it is read from inbox_counts (kept by triggers in the
 * same transaction as every item change, see schema-queue-counts.ts) less the items snoozed right
 * now: a sum over a few hundred rows instead of a count over every open item.
 */
export function totalQuery(f: QueueFilter, base: Where): { sql: string; params: unknown[] } {
  // Text, tags and @-mentions are not among the counted columns: those totals are counted.
  if (f.tag || f.mentioned) return { sql: `SELECT count(*)::bigint AS n FROM ${base.from} WHERE ${base.sql}`, params: base.params };
  const { sql, params } = counted(f);
  if (f.includeSnoozed) return { sql: `SELECT (${sql})::bigint AS n`, params };
  const eq = equalities(f).map(([column], n) => ` AND ${column} = $${n + 2}`);
  const snoozed = `SELECT count(*) FROM inbox_items WHERE snoozed_until > $${params.push(f.now ?? Date.now())} AND status = ANY($1::earshot_status[])${eq.join('')}`;
  return { sql: `SELECT ((${sql}) - (${snoozed}))::bigint AS n`, params };
}

/**
 * A common text's total, estimated: its matching posts as PostgreSQL estimates them, times the
 * share of stored posts that are items of the rest of the filter. Counting them meant testing
 * every match (0.6 s for "refund" at a million posts); a page of them needs far fewer.
 */
export function estimatedTotal(f: QueueFilter, text: QueueText): { sql: string; params: unknown[] } {
  const rest = totalQuery(f, where({ ...f, q: undefined, collapse: false }, null));
  const posts = `SELECT greatest(1, reltuples) FROM pg_class WHERE oid = 'mentions'::regclass`;
  return { sql: `SELECT round(${Number(text.estimatedPosts)}::float8 * (${rest.sql}) / (${posts}))::bigint AS n`, params: rest.params };
}
