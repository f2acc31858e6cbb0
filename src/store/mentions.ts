import type { Mention } from '../mention.js';
import type { Db } from '../postgres/pool.js';
import type { TriageResult } from '../triage-types.js';
import { AUTHOR_COLUMNS, AUTHOR_JOIN, encodeRest, mentionFromRow, type MentionColumns } from './rest-codec.js';
import { encodeNativeId } from './native-id-codec.js';
import { plainArray, textArray } from './pg-arrays.js';
import { ensureLabels } from './enum-labels.js';
import { ensureTriageLabels } from './routed.js';
import { decodeTriage, encodeTriage } from './triage-codec.js';

/**
 * A page of mentions in one statement: the mentions (ON CONFLICT on the platform's post id: a
 * re-fetched post is not stored twice), the profiles of the people who wrote the new ones (first
 * and last seen are read from the author index, not kept on the row), and
 * which existing ones never got past "new" (the crash between storing and enqueueing).
 */
const INGEST = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[],
                       $11::text[], $12::text[], $13::text[], $14::integer[])
    AS t(id, platform, native_id, source_id, brand_id, author_id, created_at, lang, text, rest, handle, name, author_url, followers)
), ins AS (
  INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest)
  SELECT id, platform, native_id, source_id, brand_id, author_id, created_at, $15, lang, text, rest FROM input
  ON CONFLICT DO NOTHING
  RETURNING id
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
SELECT m.id, false FROM mentions m JOIN input i ON i.id = m.id LEFT JOIN mention_triage t ON t.id = m.id WHERE coalesce(t.stage, 'new') = 'new'`;

export interface Ingested {
  /** Stored for the first time. */
  created: string[];
  /** Everything to hand to triage: the new ones plus any stuck at the "new" stage. */
  handOn: string[];
}

/** Column arrays for unnest: one round trip per page whatever its size. */
function ingestParams(mentions: Mention[], now: number): unknown[] {
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
  // created_at and followers are the number columns.
  return [
    ...cols.map((col, i) =>
      i === 6 || i === 13 ? plainArray(col as Array<number | null | undefined>) : textArray(col as Array<string | null | undefined>),
    ),
    now,
  ];
}

export async function ingestMentions(db: Db, mentions: Mention[]): Promise<Ingested> {
  if (mentions.length === 0) return { created: [], handOn: [] };
  // The same post twice in one page: the first one counts.
  const unique = [...new Map(mentions.map((m) => [m.id, m])).values()];
  const { rows } = await db.query<{ id: string; created: boolean }>(INGEST, ingestParams(unique, Date.now()));
  const created = rows.filter((r) => r.created).map((r) => r.id);
  const again = rows.filter((r) => !r.created).map((r) => r.id);
  return { created, handOn: [...created, ...again] };
}

export interface StoredMention {
  mention: Mention;
  triage: TriageResult | null;
  stage: string;
}

export const MENTION_COLUMNS = `m.id, m.platform, m.native_id, m.source_id, m.brand_id, m.author_id, m.created_at, m.lang, m.text, m.rest, ${AUTHOR_COLUMNS}, coalesce(t.stage, 'new') AS stage, t.triage`;
/** The mention with its pipeline stage and triage (no row there yet: stage "new") and its author's profile (rest-codec.ts). */
export const MENTION_FROM = `mentions m LEFT JOIN mention_triage t ON t.id = m.id ${AUTHOR_JOIN}`;

export type MentionRow = MentionColumns & { stage: string; triage: string | null };

export function storedFromRow(r: MentionRow): StoredMention {
  return { mention: mentionFromRow(r), triage: r.triage ? decodeTriage(r.triage) : null, stage: r.stage };
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
 * Triage stored on its own, stage "triaged" (imports and tests; the pipeline stores it once,
 * with the routing, in routed.ts). The stage only moves forward: a triage job run twice (a worker killed after its route job
 * was queued) must not put a routed mention back to "triaged". Triage fields analytics and
 * search filter on are columns; the full result is kept encoded.
 */
const SAVE_TRIAGE = `
INSERT INTO mention_triage AS mt (id, stage, triage, sentiment, score, category, urgency, complaint)
SELECT t.id, 'triaged', t.triage, t.sentiment, t.score, t.category, t.urgency, t.complaint
FROM unnest($1::text[], $2::text[], $3::text[], $4::real[], $5::text[], $6::smallint[], $7::boolean[]) AS t(id, triage, sentiment, score, category, urgency, complaint)
WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.id = t.id)
ON CONFLICT (id) DO UPDATE SET triage = excluded.triage, sentiment = excluded.sentiment, score = excluded.score, category = excluded.category,
  urgency = excluded.urgency, complaint = excluded.complaint, stage = CASE WHEN mt.stage = 'new' THEN 'triaged' ELSE mt.stage END`;

export async function saveTriage(db: Db, results: Array<{ id: string; triage: TriageResult }>): Promise<void> {
  if (results.length === 0) return;
  const t = results.map((r) => r.triage);
  await ensureTriageLabels(db, t);
  await db.query(SAVE_TRIAGE, [
    results.map((r) => r.id),
    t.map((x) => encodeTriage(x)),
    t.map((x) => x.sentiment),
    t.map((x) => x.score),
    t.map((x) => x.category),
    t.map((x) => Math.round(x.urgency)),
    t.map((x) => x.complaint),
  ]);
}

/** Marks mentions as routed so a re-fetch of the same post never routes it again. */
export async function markStage(db: Db, ids: string[], stage: string): Promise<void> {
  if (ids.length === 0) return;
  await ensureLabels(db, 'earshot_stage', [stage]);
  await db.query(
    `INSERT INTO mention_triage AS mt (id, stage) SELECT id, $2 FROM unnest($1::text[]) AS u(id) WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.id = u.id)
     ON CONFLICT (id) DO UPDATE SET stage = excluded.stage WHERE mt.stage IS DISTINCT FROM excluded.stage`,
    [ids, stage],
  );
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
    `SELECT sum(pg_total_relation_size(t))::bigint AS n FROM unnest(ARRAY['mentions', 'mention_triage', 'mention_words', 'authors', 'inbox_items', 'draft_versions', 'replies']::regclass[]) AS t`,
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
