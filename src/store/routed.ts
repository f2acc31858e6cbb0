import type { Db } from '../postgres/pool.js';
import type { TriageResult } from '../triage-types.js';
import { ensureLabels } from './enum-labels.js';
import { plainArray, textArray } from './pg-arrays.js';
import { encodeTriage } from './triage-codec.js';

/**
 * The last write of routing, in one statement: each mention's triage stored with its stage
 * "routed" (one row written once, so no second version of it: the table needs no room for
 * updates), and the complaint counted on its author the first time the mention is routed. The
 * stage before the statement decides "first time", so counting and marking cannot come apart
 * (a worker killed between two statements counted a complaint twice on the re-run). It answers
 * with the mentions that had no triage stored before (stage "new"), which the spike counts take.
 *
 * Every lookup of another table is a scalar subquery on its primary key, which PostgreSQL runs
 * per input row through the index. As joins (LEFT JOIN, EXISTS) the planner hashed the whole
 * table instead while it was small enough to look cheap, tens of thousands of rows read per
 * batch of 100 (1,100,000 rows of mention_triage over a 20,000-post replay).
 */
const FINISH = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::real[], $5::text[], $6::smallint[], $7::boolean[], $8::text[], $9::text[])
    AS t(id, triage, sentiment, score, category, urgency, complaint, platform, author)
), known AS (
  SELECT i.*, coalesce((SELECT mt.stage FROM mention_triage mt WHERE mt.id = i.id), 'new') AS was, (SELECT true FROM mentions m WHERE m.id = i.id) AS stored FROM input i
), first AS (
  SELECT * FROM known WHERE was <> 'routed'
), saved AS (
  INSERT INTO mention_triage AS mt (id, stage, triage, sentiment, score, category, urgency, complaint)
  SELECT k.id, 'routed', k.triage, k.sentiment, k.score, k.category, k.urgency, k.complaint FROM known k WHERE k.stored
  ON CONFLICT (id) DO UPDATE SET stage = 'routed', triage = excluded.triage, sentiment = excluded.sentiment, score = excluded.score, category = excluded.category,
    urgency = excluded.urgency, complaint = excluded.complaint
  WHERE (mt.stage, mt.triage) IS DISTINCT FROM ('routed', excluded.triage)
  RETURNING 1
), counted AS (
  UPDATE authors a SET complaints = a.complaints + c.n
  FROM (SELECT platform, author, count(*)::int AS n FROM first WHERE complaint GROUP BY 1, 2 ORDER BY 1, 2) c
  WHERE a.platform = c.platform AND a.native_id = c.author
  RETURNING 1
)
SELECT f.id FROM first f WHERE f.was = 'new' AND f.stored`;

export interface Routed {
  id: string;
  platform: string;
  authorId: string;
  triage: TriageResult;
}

/** The triage values stored as enums, added when the database lacks them (enum-labels.ts). */
export async function ensureTriageLabels(db: Db, t: TriageResult[]): Promise<void> {
  await ensureLabels(
    db,
    'earshot_sentiment',
    t.map((x) => x.sentiment),
  );
  await ensureLabels(
    db,
    'earshot_category',
    t.map((x) => x.category),
  );
}

/** Returns the ids that were still "new" (no triage stored) before this call. */
export async function finishRouting(db: Db, routed: Routed[]): Promise<Set<string>> {
  if (routed.length === 0) return new Set();
  const t = routed.map((r) => r.triage);
  await ensureTriageLabels(db, t);
  const { rows } = await db.query<{ id: string }>(FINISH, [
    textArray(routed.map((r) => r.id)),
    textArray(t.map((x) => encodeTriage(x))),
    textArray(t.map((x) => x.sentiment)),
    plainArray(t.map((x) => x.score)),
    textArray(t.map((x) => x.category)),
    plainArray(t.map((x) => Math.round(x.urgency))),
    plainArray(t.map((x) => x.complaint)),
    textArray(routed.map((r) => r.platform)),
    textArray(routed.map((r) => r.authorId)),
  ]);
  return new Set(rows.map((r) => r.id));
}
