import type { Mention } from '../mention.js';
import type { Db } from '../postgres/pool.js';
import type { TriageResult } from '../triage-types.js';
import { AUTHOR_COLUMNS, AUTHOR_JOIN, encodeRest, mentionFromRow, type MentionColumns } from './rest-codec.js';
import { encodeNativeId } from './native-id-codec.js';
import { plainArray, textArray } from './pg-arrays.js';
import { ensureTriageLabels } from './routed.js';
import { decodeTriageRow, encodeTriageRow, TRIAGE_COLUMNS, type TriageColumns } from './triage-row.js';

/**
 * A page of mentions in one statement: the mentions with their triage (ON CONFLICT on the
 * platform's post id: a re-fetched post is not stored twice), a mention_pending row for each new
 * one (not routed yet, store/routed.ts), the profiles of the people who wrote the new ones (first
 * and last seen are read from the author index, not kept on the row), and which existing ones
 * are still pending (the crash between storing and enqueueing). The triage is in the row when it
 * is inserted: an UPDATE of rows inserted together finds no room on their page.
 */
const INGEST = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[],
                       $11::text[], $12::text[], $13::text[], $14::integer[], $16::real[], $17::text[], $18::text[], $19::smallint[], $20::boolean[], $21::text[])
    AS t(id, platform, native_id, source_id, brand_id, author_id, created_at, lang, text, rest, handle, name, author_url, followers,
         score, sentiment, category, urgency, complaint, triage)
), ins AS (
  INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest, score, sentiment, category, urgency, complaint, triage)
  SELECT id, platform, native_id, source_id, brand_id, author_id, created_at, $15, lang, text, rest, score, sentiment, category, urgency, complaint, triage FROM input
  ON CONFLICT DO NOTHING
  RETURNING id
), pending AS (
  INSERT INTO mention_pending (id) SELECT id FROM ins
  RETURNING 1
), people AS (
  INSERT INTO authors AS a (platform, native_id, handle, name, url, followers)
  SELECT DISTINCT ON (platform, author_id) platform, author_id, handle, name, author_url, followers
  FROM input WHERE id IN (SELECT id FROM ins)
  ORDER BY platform, author_id, created_at DESC
  -- Written only when the profile changed: a regular's every post must not rewrite their row.
  ON CONFLICT (platform, native_id) DO UPDATE SET handle = excluded.handle, name = excluded.name, url = excluded.url, followers = excluded.followers
  WHERE (a.handle, a.name, a.url, a.followers) IS DISTINCT FROM (excluded.handle, excluded.name, excluded.url, excluded.followers)
  RETURNING 1
)
SELECT id, true AS created FROM ins
UNION ALL
-- The statement's snapshot does not see its own pending rows: these are the ones pending before it.
SELECT p.id, false FROM mention_pending p JOIN input i ON i.id = p.id`;

export interface Ingested {
  /** Stored for the first time. */
  created: string[];
  /** Everything to hand to routing: the new ones plus any stored earlier and not routed yet. */
  handOn: string[];
}

/** Column arrays for unnest: one round trip per page whatever its size. */
function ingestParams(mentions: Mention[], triage: ReadonlyMap<string, TriageResult>, now: number): unknown[] {
  const cols: Array<Array<string | number | null | undefined>> = Array.from({ length: 14 }, () => []);
  for (const m of mentions) {
    const values = [
      m.id,
      m.platform,
      encodeNativeId(m.nativeId),
      m.sourceId,
      m.brandId,
      m.author.id,
      Date.parse(m.createdAt),
      m.lang,
      m.text,
      encodeRest(m),
      m.author.handle,
      m.author.name,
      m.author.url,
      m.author.followers,
    ];
    cols.forEach((col, i) => col.push(values[i]));
  }
  const t = mentions.map((m) => triage.get(m.id));
  // created_at and followers are the number columns.
  return [
    ...cols.map((col, i) =>
      i === 6 || i === 13 ? plainArray(col as Array<number | null | undefined>) : textArray(col as Array<string | null | undefined>),
    ),
    now,
    plainArray(t.map((x) => x?.score)),
    textArray(t.map((x) => x?.sentiment)),
    textArray(t.map((x) => x?.category)),
    plainArray(t.map((x) => (x ? Math.round(x.urgency) : null))),
    plainArray(t.map((x) => x?.complaint)),
    textArray(t.map((x) => (x ? encodeTriageRow(x) : null))),
  ];
}

/** Stores a page; `triage` has the results scored before the insert (a mention without one is triaged by the route job). */
export async function ingestMentions(
  db: Db,
  mentions: Mention[],
  triage: ReadonlyMap<string, TriageResult> = new Map(),
): Promise<Ingested> {
  if (mentions.length === 0) return { created: [], handOn: [] };
  // The same post twice in one page: the first one counts.
  const unique = [...new Map(mentions.map((m) => [m.id, m])).values()];
  await ensureTriageLabels(db, [...triage.values()]);
  const { rows } = await db.query<{ id: string; created: boolean }>(INGEST, ingestParams(unique, triage, Date.now()));
  const created = rows.filter((r) => r.created).map((r) => r.id);
  const again = rows.filter((r) => !r.created).map((r) => r.id);
  return { created, handOn: [...created, ...again] };
}

/** Which of these are stored already (a re-fetched page: those are not scored again). */
export async function storedIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>('SELECT id FROM mentions WHERE id = ANY($1::text[])', [ids]);
  return new Set(rows.map((r) => r.id));
}

export interface StoredMention {
  mention: Mention;
  triage: TriageResult | null;
  stage: string;
}

/** Whether mention `m` has been routed: routing deletes its pending row (routed.ts). */
export const ROUTED = (m: string) => `NOT EXISTS (SELECT 1 FROM mention_pending p WHERE p.id = ${m}.id)`;
/** The stage as it was kept before migration 26: routed, else triaged when the triage is stored, else new. */
export const STAGE = (m: string) => `CASE WHEN ${ROUTED(m)} THEN 'routed' WHEN ${m}.triage IS NULL THEN 'new' ELSE 'triaged' END`;
export const MENTION_COLUMNS = `m.id, m.platform, m.native_id, m.source_id, m.brand_id, m.author_id, m.created_at, m.lang, m.text, m.rest, ${AUTHOR_COLUMNS}, ${STAGE('m')} AS stage, m.triage, ${TRIAGE_COLUMNS('m')}`;
/** The mention with its triage and its author's profile (rest-codec.ts). */
export const MENTION_FROM = `mentions m ${AUTHOR_JOIN}`;

export type MentionRow = MentionColumns & TriageColumns & { stage: string; triage: string | null };

export function storedFromRow(r: MentionRow): StoredMention {
  return { mention: mentionFromRow(r), triage: r.triage ? decodeTriageRow(r.triage, r) : null, stage: r.stage };
}

/** Loads many mentions in one round trip; ids that expired or never existed are skipped. */
export async function loadMentions(db: Db, ids: string[]): Promise<Map<string, StoredMention>> {
  const out = new Map<string, StoredMention>();
  if (ids.length === 0) return out;
  const { rows } = await db.query<MentionRow>(`SELECT ${MENTION_COLUMNS} FROM ${MENTION_FROM} WHERE m.id = ANY($1::text[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  // Callers rely on the order they asked in (a batch is scored and routed in order).
  for (const id of ids) {
    const row = byId.get(id);
    if (row && !out.has(id)) out.set(id, storedFromRow(row));
  }
  return out;
}

/**
 * Triage stored on a mention that has none (imports, tests, and rows stored before triage ran
 * before the insert); the pipeline stores it with the insert. An UPDATE of the mention row, so
 * not for the hot path. The routing stage is not touched: a routed mention stays routed.
 */
const SAVE_TRIAGE = `
UPDATE mentions m SET triage = t.triage, sentiment = t.sentiment, score = t.score, category = t.category, urgency = t.urgency, complaint = t.complaint
FROM unnest($1::text[], $2::text[], $3::text[], $4::real[], $5::text[], $6::smallint[], $7::boolean[]) AS t(id, triage, sentiment, score, category, urgency, complaint)
WHERE m.id = t.id AND m.triage IS DISTINCT FROM t.triage`;

export async function saveTriage(db: Db, results: Array<{ id: string; triage: TriageResult }>): Promise<void> {
  if (results.length === 0) return;
  const t = results.map((r) => r.triage);
  await ensureTriageLabels(db, t);
  await db.query(SAVE_TRIAGE, [
    results.map((r) => r.id),
    t.map((x) => encodeTriageRow(x)),
    t.map((x) => x.sentiment),
    t.map((x) => x.score),
    t.map((x) => x.category),
    t.map((x) => Math.round(x.urgency)),
    t.map((x) => x.complaint),
  ]);
}

/** Marks mentions as routed (a re-fetch of the same post never routes it again) or as waiting for routing. */
export async function markStage(db: Db, ids: string[], stage: 'routed' | 'pending'): Promise<void> {
  if (ids.length === 0) return;
  if (stage === 'routed') await db.query('DELETE FROM mention_pending WHERE id = ANY($1::text[])', [ids]);
  else
    await db.query(
      `INSERT INTO mention_pending (id) SELECT id FROM unnest($1::text[]) AS u(id) WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.id = u.id)
       ON CONFLICT DO NOTHING`,
      [ids],
    );
}

/** Mentions stored before `before` and still not routed (their job lost with a Redis that lost data), oldest first. */
export async function pendingBefore(db: Db, before: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT p.id FROM mention_pending p JOIN mentions m ON m.id = p.id WHERE m.stored_at < $1 ORDER BY m.stored_at, p.id LIMIT $2',
    [before, limit],
  );
  return rows.map((r) => r.id);
}

/** How many mentions are stored (metrics). */
export async function countMentions(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM mentions');
  return rows[0]?.n ?? 0;
}

/** Ids of stored mentions, oldest post first (checks in tests, chaos and the bench). */
export async function mentionIds(db: Db, limit = 1_000_000): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM mentions ORDER BY created_at, id LIMIT $1', [limit]);
  return rows.map((r) => r.id);
}

/**
 * Retention: mentions stored before `cutoff` go, with their items, drafts and replies (foreign
 * keys cascade), a batch at a time through the BRIN index on storing time, so one run never
 * holds long locks. Returns how many went.
 */
export async function pruneExpired(db: Db, cutoff: number, batch = 5_000, maxBatches = 20): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i += 1) {
    const { rowCount } = await db.query('DELETE FROM mentions WHERE id IN (SELECT id FROM mentions WHERE stored_at < $1 LIMIT $2)', [
      cutoff,
      batch,
    ]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batch) break;
  }
  return total;
}

/** Bytes PostgreSQL holds for stored posts, their triage, people and inbox items, indexes and TOAST included (bench). */
export async function storedBytes(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT sum(pg_total_relation_size(t))::bigint AS n FROM unnest(ARRAY['mentions', 'mention_pending', 'mention_words', 'authors', 'inbox_items', 'draft_versions', 'replies']::regclass[]) AS t`,
  );
  return rows[0]?.n ?? 0;
}

/** Moves mentions to the brand their text names (see route/brand-match.ts); before routing, so items follow. */
export async function setMentionBrands(db: Db, changes: Array<{ id: string; brandId: string }>): Promise<void> {
  if (changes.length === 0) return;
  await db.query('UPDATE mentions m SET brand_id = u.brand FROM unnest($1::text[], $2::text[]) AS u(id, brand) WHERE m.id = u.id', [
    changes.map((c) => c.id),
    changes.map((c) => c.brandId),
  ]);
}
