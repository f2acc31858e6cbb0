import type { Db } from '../postgres/pool.js';
import type { Explanation, Severity } from './spike-types.js';

/** What one chat destination last got about a spike; Slack bots keep the message to edit. */
export interface Delivery {
  revision: number;
  severity: Severity;
  closed: boolean;
  ts?: string;
  channel?: string;
}

export interface SpikeRecord {
  id: string;
  brandId: string;
  status: 'open' | 'closed';
  severity: Severity;
  startedAt: number;
  lastActiveAt: number;
  updatedAt: number;
  closedAt: number | null;
  revision: number;
  peakZ: number;
  explanation: Explanation;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  expectedBy: string | null;
  expectedAt: number | null;
  escalatedBy: string | null;
  escalatedAt: number | null;
  deliveries: Record<string, Delivery>;
}

interface Row {
  id: string;
  brand_id: string;
  status: SpikeRecord['status'];
  severity: Severity;
  started_at: string;
  last_active_at: string;
  updated_at: string;
  closed_at: string | null;
  revision: number;
  peak_z: number;
  explanation: Explanation;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  expected_by: string | null;
  expected_at: string | null;
  escalated_by: string | null;
  escalated_at: string | null;
  deliveries: Record<string, Delivery>;
}

const num = (v: string | null): number | null => (v == null ? null : Number(v));

function fromRow(r: Row): SpikeRecord {
  return {
    id: r.id,
    brandId: r.brand_id,
    status: r.status,
    severity: r.severity,
    startedAt: Number(r.started_at),
    lastActiveAt: Number(r.last_active_at),
    updatedAt: Number(r.updated_at),
    closedAt: num(r.closed_at),
    revision: r.revision,
    peakZ: r.peak_z,
    explanation: r.explanation,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: num(r.acknowledged_at),
    expectedBy: r.expected_by,
    expectedAt: num(r.expected_at),
    escalatedBy: r.escalated_by,
    escalatedAt: num(r.escalated_at),
    deliveries: r.deliveries,
  };
}

export async function insertSpike(
  db: Db,
  s: Pick<SpikeRecord, 'id' | 'brandId' | 'severity' | 'startedAt' | 'peakZ' | 'explanation'>,
): Promise<SpikeRecord> {
  const { rows } = await db.query<Row>(
    `INSERT INTO spikes (id, brand_id, status, severity, started_at, last_active_at, updated_at, peak_z, explanation)
     VALUES ($1, $2, 'open', $3, $4, $5, $5, $6, $7) RETURNING *`,
    [s.id, s.brandId, s.severity, s.startedAt, s.explanation.window.to, s.peakZ, JSON.stringify(s.explanation)],
  );
  return fromRow(rows[0] as Row);
}

/** The detector's update: a new revision when what chat was told is out of date. */
export async function updateSpike(
  db: Db,
  id: string,
  u: {
    severity: Severity;
    peakZ: number;
    explanation: Explanation;
    lastActiveAt: number;
    now: number;
    newRevision: boolean;
    status?: 'open' | 'closed';
  },
): Promise<SpikeRecord | null> {
  const { rows } = await db.query<Row>(
    `UPDATE spikes SET severity = $2, peak_z = greatest(peak_z, $3), explanation = $4, last_active_at = $5, updated_at = $6,
       revision = revision + CASE WHEN $7 THEN 1 ELSE 0 END, status = coalesce($8, status),
       closed_at = CASE WHEN $8 = 'closed' THEN $6 WHEN $8 = 'open' THEN NULL ELSE closed_at END
     WHERE id = $1 RETURNING *`,
    [id, u.severity, u.peakZ, JSON.stringify(u.explanation), u.lastActiveAt, u.now, u.newRevision, u.status ?? null],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function closeSpike(db: Db, id: string, now: number): Promise<SpikeRecord | null> {
  const { rows } = await db.query<Row>(
    "UPDATE spikes SET status = 'closed', closed_at = $2, updated_at = $2, revision = revision + 1 WHERE id = $1 AND status = 'open' RETURNING *",
    [id, now],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The brand's newest spike, open or closed: the open one is updated, a recent closed one reopened (cooldown). */
export async function latestSpike(db: Db, brandId: string): Promise<SpikeRecord | null> {
  const { rows } = await db.query<Row>('SELECT * FROM spikes WHERE brand_id = $1 ORDER BY started_at DESC LIMIT 1', [brandId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function getSpike(db: Db, id: string): Promise<SpikeRecord | null> {
  const { rows } = await db.query<Row>('SELECT * FROM spikes WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function listSpikes(db: Db, f: { brandId?: string; status?: 'open' | 'closed'; limit: number }): Promise<SpikeRecord[]> {
  const { rows } = await db.query<Row>(
    'SELECT * FROM spikes WHERE ($1::text IS NULL OR brand_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY started_at DESC LIMIT $3',
    [f.brandId ?? null, f.status ?? null, f.limit],
  );
  return rows.map(fromRow);
}

export type SpikeFlag = 'acknowledged' | 'expected' | 'escalated';

/**
 * Records who acknowledged, marked as expected or escalated a spike. The first person wins;
 * a second click says who did it already. Marking as expected also bumps the revision, so chat
 * is told once that it needs no more attention.
 */
export async function flagSpike(
  db: Db,
  id: string,
  flag: SpikeFlag,
  actor: string,
  now: number,
): Promise<{ spike: SpikeRecord; first: boolean } | null> {
  const col = { acknowledged: 'acknowledged', expected: 'expected', escalated: 'escalated' }[flag];
  const { rows } = await db.query<Row>(
    `UPDATE spikes SET ${col}_by = $2, ${col}_at = $3, updated_at = $3, revision = revision + 1 WHERE id = $1 AND ${col}_by IS NULL RETURNING *`,
    [id, actor, now],
  );
  if (rows[0]) return { spike: fromRow(rows[0]), first: true };
  const spike = await getSpike(db, id);
  return spike ? { spike, first: false } : null;
}

/** One destination's delivery, merged into the others' without overwriting them (jsonb ||). */
export async function recordDelivery(db: Db, id: string, destinationId: string, d: Delivery): Promise<void> {
  await db.query('UPDATE spikes SET deliveries = deliveries || jsonb_build_object($2::text, $3::jsonb) WHERE id = $1', [
    id,
    destinationId,
    JSON.stringify(d),
  ]);
}

/** Open inbox items of a brand posted in [from, to]: a spike's items, before matching them to its topic. */
export async function spikeItemCandidates(
  db: Db,
  brandId: string,
  from: number,
  to: number,
  limit = 500,
): Promise<Array<{ id: string; text: string; category: string; draftVersion: number; status: string }>> {
  const { rows } = await db.query<{ id: string; text: string; category: string; draft_version: number; status: string }>(
    `SELECT i.id, m.text, i.category, i.draft_version, i.status FROM inbox_items i JOIN mentions m ON m.id = i.id
     WHERE i.brand_id = $1 AND i.created_at >= $2 AND i.created_at <= $3 AND i.status IN ('new', 'assigned', 'awaiting_second', 'failed', 'needs_check')
     ORDER BY i.created_at LIMIT $4`,
    [brandId, from, to, limit],
  );
  return rows.map((r) => ({ id: r.id, text: r.text, category: r.category, draftVersion: r.draft_version, status: r.status }));
}
