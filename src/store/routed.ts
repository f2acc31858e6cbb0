import type { Db } from '../postgres/pool.js';
import type { TriageResult } from '../triage-types.js';
import { ensureLabels } from './enum-labels.js';
import { plainArray, textArray } from './pg-arrays.js';

/**
 * The last write of routing, in one statement: the mentions' pending rows deleted (routed), and
 * the complaint counted on its author for the ones this statement deleted. The delete decides
 * "first time", so counting and marking cannot come apart (a worker killed between two
 * statements counted a complaint twice on the re-run), and two workers routing the same mention
 * cannot both count it: the second one's delete finds no row. It answers with the deleted ids,
 * which the spike counts take. The triage itself was stored with the mention (mentions.ts).
 *
 * The pending table is small (rows live from the insert to the routing), so it is no matter how
 * the planner reads it; authors is updated through its primary key.
 */
const FINISH = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[]) AS t(id, complaint, platform, author)
), first AS (
  DELETE FROM mention_pending p WHERE p.id = ANY($1::text[])
  RETURNING p.id
), counted AS (
  UPDATE authors a SET complaints = a.complaints + c.n
  FROM (SELECT i.platform, i.author, count(*)::int AS n FROM input i JOIN first f ON f.id = i.id WHERE i.complaint GROUP BY 1, 2 ORDER BY 1, 2) c
  WHERE a.platform = c.platform AND a.native_id = c.author
  RETURNING 1
)
SELECT id FROM first`;

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

/** Returns the ids routed for the first time by this call. */
export async function finishRouting(db: Db, routed: Routed[]): Promise<Set<string>> {
  if (routed.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(FINISH, [
    textArray(routed.map((r) => r.id)),
    plainArray(routed.map((r) => r.triage.complaint)),
    textArray(routed.map((r) => r.platform)),
    textArray(routed.map((r) => r.authorId)),
  ]);
  return new Set(rows.map((r) => r.id));
}
