import type { Db } from '../postgres/pool.js';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  itemId?: string;
  detail?: Record<string, unknown>;
  /** The item's author handle while the post is stored (for sentences like "the reply to @jules"). */
  handle?: string;
}

/** Something that runs SQL: the pool, or a client inside a transaction. */
export interface Queryable {
  query: Db['query'];
}

export const INSERT_AUDIT = 'INSERT INTO audit_log (at, actor, action, item_id, detail) VALUES ($1, $2, $3, $4, $5)';

export function auditParams(actor: string, action: string, itemId?: string, detail?: Record<string, unknown>, at = Date.now()): unknown[] {
  return [at, actor, action, itemId ?? null, detail === undefined ? null : JSON.stringify(detail)];
}

/** Append-only: entries are only ever inserted. */
export async function appendAudit(
  db: Queryable,
  actor: string,
  action: string,
  itemId?: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  await db.query(INSERT_AUDIT, auditParams(actor, action, itemId, detail));
}

export interface AuditFilter {
  itemId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  /** Entries strictly older than this id (the previous page's next cursor). */
  before?: string | undefined;
  /** Only entries at or after / before these times (ms). */
  from?: number | undefined;
  to?: number | undefined;
  limit?: number | undefined;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  item_id: string | null;
  detail: Record<string, unknown> | null;
  handle: string | null;
}

/** The log with each item's author handle: the mention (gone after retention) and its author, by primary keys. */
const FROM = `FROM audit_log a LEFT JOIN mentions m ON m.id = a.item_id LEFT JOIN authors au ON au.platform = m.platform AND au.native_id = m.author_id`;
const SELECT = `SELECT a.id, a.at, a.actor, a.action, a.item_id, a.detail, au.handle ${FROM}`;

export function auditWhere(f: AuditFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (f.itemId) add('a.item_id = ?', f.itemId);
  if (f.actor) add('a.actor = ?', f.actor);
  if (f.action) add('a.action = ?', f.action);
  if (f.before && /^\d+$/.test(f.before)) add('a.id < ?', Number(f.before));
  if (f.from !== undefined) add('a.at >= ?', f.from);
  if (f.to !== undefined) add('a.at < ?', f.to);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function toEntry(r: AuditRow): AuditEntry & { id: string } {
  return {
    id: String(r.id),
    at: new Date(Number(r.at)).toISOString(),
    actor: r.actor,
    action: r.action,
    ...(r.item_id ? { itemId: r.item_id } : {}),
    ...(r.detail ? { detail: r.detail } : {}),
    ...(r.handle ? { handle: r.handle } : {}),
  };
}

/** Newest first, filtered by index (item, actor, action), paged by id. */
export async function readAudit(db: Db, f: AuditFilter = {}): Promise<Array<AuditEntry & { id: string }>> {
  const { where, params } = auditWhere(f);
  const { rows } = await db.query<AuditRow>(
    `${SELECT} ${where} ORDER BY a.id DESC LIMIT ${Math.max(1, Math.min(f.limit ?? 100, 1000))}`,
    params,
  );
  return rows.map(toEntry);
}

/** A page of the log with the exact number of matching entries and the cursor of the next page. */
export async function auditPage(
  db: Db,
  f: AuditFilter,
): Promise<{ entries: Array<AuditEntry & { id: string }>; total: number; next: string | null }> {
  const limit = f.limit ?? 100;
  const { where, params } = auditWhere({ ...f, before: undefined });
  const [entries, count] = await Promise.all([
    readAudit(db, { ...f, limit: limit + 1 }),
    db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM audit_log a ${where}`, params),
  ]);
  const page = entries.slice(0, limit);
  return { entries: page, total: count.rows[0]?.n ?? 0, next: entries.length > limit ? (page[page.length - 1]?.id ?? null) : null };
}

/** Every matching entry oldest first, in pages, for CSV export (never the whole log in memory). */
export async function* auditRows(db: Db, f: AuditFilter, pageSize = 1000): AsyncGenerator<AuditEntry & { id: string }> {
  let after = 0;
  for (;;) {
    const { where, params } = auditWhere({ ...f, before: undefined });
    params.push(after);
    const cond = `${where ? `${where} AND` : 'WHERE'} a.id > $${params.length}`;
    const { rows } = await db.query<AuditRow>(`${SELECT} ${cond} ORDER BY a.id LIMIT ${pageSize}`, params);
    for (const r of rows) yield toEntry(r);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = last.id;
  }
}

/**
 * An item's history, newest first, ending with its creation. Creation is not logged as an entry
 * (one per routed mention would double the log); it is rebuilt from the item.
 */
export async function itemAudit(
  db: Db,
  item: { id: string; routedAt: number; priority: string; urgency: number },
  limit = 100,
): Promise<Array<AuditEntry & { id: string }>> {
  const entries = await readAudit(db, { itemId: item.id, limit });
  const created = {
    id: `${item.routedAt}-0`,
    at: new Date(item.routedAt).toISOString(),
    actor: 'earshot',
    action: 'inbox.created',
    itemId: item.id,
    detail: { priority: item.priority, urgency: item.urgency },
  };
  return entries.length < limit ? [...entries, created] : entries;
}
