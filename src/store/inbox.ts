import type { PoolClient } from 'pg';
import type { Db } from '../postgres/pool.js';
import { auditParams, INSERT_AUDIT } from './audit.js';
import type { StoreCtx } from './context.js';
import { announce } from './inbox-events.js';
import { dupKeyBytes } from './dup-key.js';
import { plainArray, textArray } from './pg-arrays.js';
import { ensureItemLabels, ensureLabels } from './enum-labels.js';
import { DEFAULT_TEMPLATE, DRAFT_WARNINGS, ITEM_COLUMNS, itemFromRow, RANK_OF, setClause, type ItemRow } from './item-row.js';
import { CLOSED_STATUSES, ItemStatuses, type InboxItem, type ItemStatus } from './item-types.js';

export * from './item-types.js';
export { announce, inboxEventsChannel, type InboxEvent } from './inbox-events.js';

export type NewItem = Pick<
  InboxItem,
  | 'id'
  | 'brandId'
  | 'sourceId'
  | 'platform'
  | 'priority'
  | 'urgency'
  | 'category'
  | 'sentiment'
  | 'createdAt'
  | 'slaDueAt'
  | 'draft'
  | 'draftTemplate'
  | 'draftWarnings'
> & {
  language?: string | null;
  dupKey?: string | null;
  /** The first SLA check (the warning), or null when none is to come (see sla-reminders.ts). */
  slaRemindAt?: number | null;
};

/**
 * Creates the items that do not exist yet (a re-routed mention never gets a second item), in
 * one statement, each new item with a near-duplicate key already in its group: under the first
 * open item routed earlier with the same key, brand and priority, or else under the first of
 * this batch. Leads are never grouped under anything, so a group is one level deep. Returns
 * the ids created. The first draft is not copied into draft_versions: until someone edits it,
 * it is the item's own draft (see draftVersions), and most drafts are never edited; the first
 * edit keeps it there before replacing it.
 *
 * The group is decided before the row is written: grouping after the insert (an UPDATE of the
 * batch's duplicates) wrote a second version of each grouped row and its index entries, and
 * held the queue counts' row locks through a second statement. Candidate leads are read by the
 * key alone (OFFSET 0 keeps the planner from merging the subquery): with the brand in the same
 * scan, the planner ANDed the key's index with the brand's, which holds every item of a
 * one-brand installation, and read all of it per new item while its statistics still said the
 * brand was rare (50 ms per batch of 100 in a 20,000-post replay). Exported for its plan's test.
 */
export const CREATE = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], $13::text[], $14::jsonb[], $16::bytea[], $17::bigint[])
    AS t(id, brand_id, source_id, platform, priority, urgency, category, sentiment, language, created_at, sla_due_at, draft, draft_template, draft_warnings, dup_key, sla_remind_at)
), fresh AS (
  SELECT i.*, earshot_word_bits(m.words) AS word_bits, earshot_word_bits2(m.words) AS word_bits2 FROM input i
  CROSS JOIN LATERAL (SELECT to_tsvector('simple', m.text) AS words FROM mentions m WHERE m.id = i.id) m
  WHERE NOT EXISTS (SELECT 1 FROM inbox_items x WHERE x.id = i.id)
), led AS (
  SELECT f.*, CASE WHEN f.dup_key IS NOT NULL THEN coalesce(
    (SELECT l.id FROM (SELECT * FROM inbox_items c WHERE earshot_dup_hash(c.dup_key) = earshot_dup_hash(f.dup_key) AND c.dup_key = f.dup_key OFFSET 0) l
      WHERE l.brand_id = f.brand_id AND l.rank = ${RANK_OF('f.priority')} AND l.dup_of IS NULL AND NOT (l.status = ANY($18::earshot_status[]))
      ORDER BY l.routed_at, l.id LIMIT 1),
    (SELECT b.id FROM fresh b WHERE b.dup_key = f.dup_key AND b.brand_id = f.brand_id AND b.priority = f.priority AND b.id < f.id
      ORDER BY b.id LIMIT 1)) END AS dup_of
  FROM fresh f
), ins AS (
  INSERT INTO inbox_items (id, brand_id, source_id, platform, rank, status, urgency, category, sentiment, language, created_at, routed_at, updated_at, sla_due_at, draft, draft_template, draft_warnings, dup_key, sla_remind_at, dup_of, word_bits, word_bits2)
  SELECT id, brand_id, source_id, platform, ${RANK_OF('priority')}, 'new', urgency, category, sentiment, language, created_at, $15, $15, sla_due_at, draft, draft_template, draft_warnings, dup_key, sla_remind_at, dup_of, word_bits, word_bits2
  FROM led
  ON CONFLICT (id) DO NOTHING
  RETURNING id
)
SELECT id FROM ins`;

/**
 * Item creation is serialised per near-duplicate key, so groups stay one level deep: a batch
 * waits only for batches that share one of its keys (one lock for all of them made every batch
 * with a key wait for every other, 272 µs per mention in a 20,000-post replay). The two-number
 * form of the advisory lock is its own key space: this class, and a 32-bit hash of the key
 * (a collision only makes two keys wait for each other).
 */
const GROUP_LOCK_CLASS = 0x6561_7273;
const LOCK_GROUPS = 'SELECT pg_advisory_xact_lock($1::int, k) FROM unnest($2::int[]) AS k';

function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * Takes the groups' locks for the rest of the transaction, in ascending order: two batches
 * that share keys take them in the same order and cannot deadlock.
 */
export async function lockGroups(client: PoolClient, dupKeys: Iterable<string>): Promise<void> {
  const hashes = [...new Set([...dupKeys].map(keyHash))].sort((a, b) => a - b);
  if (hashes.length) await client.query(LOCK_GROUPS, [GROUP_LOCK_CLASS, hashes]);
}

/** CREATE's parameters, in its order. */
export function createParams(unique: NewItem[], now: number): unknown[] {
  const text = (f: (i: NewItem) => string | null | undefined) => textArray(unique.map(f));
  const num = (f: (i: NewItem) => number | null | undefined) => plainArray(unique.map(f));
  return [
    text((i) => i.id),
    text((i) => i.brandId),
    text((i) => i.sourceId),
    text((i) => i.platform),
    text((i) => i.priority),
    num((i) => i.urgency),
    text((i) => i.category),
    text((i) => i.sentiment),
    text((i) => i.language),
    num((i) => i.createdAt),
    num((i) => i.slaDueAt),
    text((i) => i.draft),
    // The usual values are not stored (migration 27): item-row.ts reads them back.
    text((i) => (i.draftTemplate === DEFAULT_TEMPLATE ? null : i.draftTemplate)),
    text((i) => (i.draftWarnings.length === 0 ? null : JSON.stringify(i.draftWarnings))),
    now,
    // Bytes: the driver's own encoding.
    unique.map((i) => dupKeyBytes(i.dupKey)),
    num((i) => i.slaRemindAt),
    CLOSED_STATUSES,
  ];
}

export async function createItems(s: StoreCtx, items: NewItem[]): Promise<string[]> {
  if (items.length === 0) return [];
  const unique = [...new Map(items.map((i) => [i.id, i])).values()];
  await ensureLabels(
    s.db,
    'earshot_category',
    unique.map((i) => i.category),
  );
  await ensureLabels(
    s.db,
    'earshot_sentiment',
    unique.map((i) => i.sentiment),
  );
  const params = createParams(unique, Date.now());
  const client = await s.db.connect();
  let rows: Array<{ id: string }>;
  try {
    await client.query('BEGIN');
    // Batches that share a near-duplicate key are created one at a time: the insert's snapshot is
    // taken after the locks (READ COMMITTED), so it sees the leads of the batch before, and no
    // other batch sees this one's items before they are in their groups.
    await lockGroups(
      client,
      unique.flatMap((i) => (i.dupKey ? [i.dupKey] : [])),
    );
    rows = (await client.query<{ id: string }>(CREATE, params)).rows;
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  // Keep the caller's order: the first alert of a storm goes to the first urgent post.
  const made = new Set(rows.map((r) => r.id));
  const created = unique.map((i) => i.id).filter((id) => made.has(id));
  if (created.length) await announce(s, { action: 'inbox.created', ids: created });
  return created;
}

export async function getItem(db: Db, id: string): Promise<InboxItem | null> {
  const { rows } = await db.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM inbox_items i WHERE i.id = $1`, [id]);
  return rows[0] ? itemFromRow(rows[0]) : null;
}

/** Many items in one round trip, in the order asked; missing ids are skipped. */
export async function getItems(db: Db, ids: string[]): Promise<InboxItem[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM inbox_items i WHERE i.id = ANY($1::text[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, itemFromRow(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export type TransitionResult = { ok: true; from: ItemStatus } | { ok: false; why: 'missing' | 'conflict' | 'stale'; status: string };

export interface Change {
  from: readonly ItemStatus[];
  draftVersion?: number;
  /** A function when the new values depend on the item as it is (a bulk change over many items). */
  set: Record<string, string | number> | ((current: { status: ItemStatus; assignee: string | null }) => Record<string, string | number>);
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
  /** Runs inside the same transaction after the update (an outbox row, a draft version). */
  also?: (client: PoolClient) => Promise<void>;
}

/**
 * Compare-and-set on status (and optionally draft version) with its audit entry, in one
 * transaction: two people approving at once, or a worker and a person racing, cannot both win.
 */
export async function transition(s: StoreCtx, id: string, change: Change): Promise<TransitionResult> {
  await ensureChangeLabels(s, change);
  const client = await s.db.connect();
  let result: TransitionResult;
  try {
    await client.query('BEGIN');
    result = await transitionIn(client, id, change);
    await client.query(result.ok ? 'COMMIT' : 'ROLLBACK');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  if (result.ok) {
    const status = typeof change.set === 'function' ? undefined : change.set['status'];
    await announce(s, { action: change.action, ids: [id], ...(status !== undefined ? { status: String(status) } : {}) });
  }
  return result;
}

/** The enum values a change may write, added before its transaction when the database lacks them (enum-labels.ts). */
export async function ensureChangeLabels(s: StoreCtx, change: Change): Promise<void> {
  await ensureLabels(s.db, 'earshot_status', ItemStatuses);
  if (typeof change.set !== 'function') await ensureItemLabels(s.db, change.set);
}

/** transition() inside a transaction the caller holds (bulk changes put each item in a savepoint). */
export async function transitionIn(client: PoolClient, id: string, change: Change): Promise<TransitionResult> {
  const { rows } = await client.query<{ status: ItemStatus; draft_version: number; assignee: string | null }>(
    'SELECT status, draft_version, assignee FROM inbox_items WHERE id = $1 FOR UPDATE',
    [id],
  );
  const cur = rows[0];
  if (!cur) return { ok: false, why: 'missing', status: '' };
  if (!(change.from as readonly string[]).includes(cur.status)) return { ok: false, why: 'conflict', status: cur.status };
  if (change.draftVersion !== undefined && cur.draft_version !== change.draftVersion)
    return { ok: false, why: 'stale', status: cur.status };
  const set = typeof change.set === 'function' ? change.set(cur) : change.set;
  const newDraft = set['draft'] !== undefined && set['draftVersion'] !== undefined;
  // The draft about to be replaced is kept first, if it is only on the item (see CREATE).
  if (newDraft) await client.query(KEEP_CURRENT_DRAFT, [id]);
  const { sql, params } = setClause({ ...set, updatedAt: Date.now() }, 2);
  await client.query(`UPDATE inbox_items SET ${sql} WHERE id = $1`, [id, ...params]);
  await client.query(INSERT_AUDIT, auditParams(change.actor, change.action, id, change.detail));
  if (newDraft) {
    await client.query(
      'INSERT INTO draft_versions (item_id, version, text, warnings, actor, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
      [id, Number(set['draftVersion']), String(set['draft']), String(set['draftWarnings'] ?? '[]'), change.actor, Date.now()],
    );
  }
  await change.also?.(client);
  return { ok: true, from: cur.status as ItemStatus };
}

/** Earshot's first draft, as the item has it until the first edit; nothing when already kept. */
const CURRENT_DRAFT = `SELECT i.id, i.draft_version, i.draft, ${DRAFT_WARNINGS('i')} AS draft_warnings, 'earshot', i.routed_at FROM inbox_items i
  WHERE i.id = $1 AND NOT EXISTS (SELECT 1 FROM draft_versions d WHERE d.item_id = i.id AND d.version = i.draft_version)`;
const KEEP_CURRENT_DRAFT = `INSERT INTO draft_versions (item_id, version, text, warnings, actor, at) ${CURRENT_DRAFT} ON CONFLICT DO NOTHING`;

/** Every version of an item's draft, oldest first (who wrote it, when, with which warnings). */
export async function draftVersions(
  db: Db,
  id: string,
): Promise<Array<{ version: number; text: string; warnings: string[]; actor: string; at: number }>> {
  const { rows } = await db.query<{ version: number; text: string; warnings: string[]; actor: string; at: number }>(
    `SELECT version, text, warnings, actor, at FROM draft_versions WHERE item_id = $1
     UNION ALL SELECT c.draft_version, c.draft, c.draft_warnings, 'earshot', c.routed_at FROM (${CURRENT_DRAFT}) c
     ORDER BY version`,
    [id],
  );
  return rows.map((r) => ({ ...r, at: Number(r.at) }));
}

/** The newest items by post time (tests, bench and chaos checks; the inbox itself pages with inbox-queue.ts). */
export async function listItemIds(db: Db, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM inbox_items ORDER BY created_at DESC, id LIMIT $1', [limit]);
  return rows.map((r) => r.id);
}
