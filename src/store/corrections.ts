import type { Db } from '../postgres/pool.js';
import type { Category, Sentiment, TriageResult } from '../triage-types.js';
import { ensureLabels } from './enum-labels.js';
import { encodeTriageRow } from './triage-row.js';

/**
 * Responders' corrections to triage, kept as training labels in PostgreSQL, each with a
 * snapshot of the post's text (the mention itself expires with the retention, the label must
 * not), what triage had said, what the responder says, who and when.
 * `npm run train -- --with-corrections` reads them back.
 */
export interface CorrectionLabels {
  sentiment?: Sentiment;
  complaint?: boolean;
  category?: Category;
}

export interface Correction {
  itemId: string;
  brandId: string;
  text: string;
  /** Mention language tag, so retraining can skip what the model does not read. */
  lang: string | null;
  labels: CorrectionLabels;
  /** What triage said before the correction, for measuring how often it was wrong. */
  before: { sentiment: string; complaint: boolean; category: string } | null;
  actor: string;
  at: string;
  /** Schema version, set by saveCorrection; records without one predate CORRECTION_VERSION. */
  v?: number;
  /**
   * Set when read back: this record's complaint label cannot be trusted. Until version 2 the
   * inbox's form started the complaint box unchecked whatever triage said, so a saved
   * `complaint: false` may only mean nobody touched the box. A `true` was a deliberate tick.
   */
  complaintSuspect?: boolean;
}

/** 2: the correction form shows triage's complaint flag, so an untouched box no longer reads as "not a complaint". */
export const CORRECTION_VERSION = 2;

function complaintSuspect(c: Correction): boolean {
  return (c.v ?? 1) < 2 && c.labels.complaint === false;
}

export async function saveCorrection(db: Db, c: Correction): Promise<string> {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO corrections (brand_id, item_id, text, lang, labels, before, actor, at, v) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id',
    [
      c.brandId,
      c.itemId,
      c.text,
      c.lang,
      JSON.stringify(c.labels),
      c.before === null ? null : JSON.stringify(c.before),
      c.actor,
      c.at,
      CORRECTION_VERSION,
    ],
  );
  return String(rows[0]?.id);
}

interface CorrectionRow {
  id: number;
  brand_id: string;
  item_id: string;
  text: string;
  lang: string | null;
  labels: CorrectionLabels;
  before: Correction['before'];
  actor: string;
  at: string;
  v: number | null;
}

/** Later labels override earlier ones field by field; the suspicion travels with the complaint label it is about. */
function mergeCorrection(prev: Correction | undefined, c: Correction): Correction {
  const suspect = complaintSuspect(c);
  if (!prev) return { ...c, complaintSuspect: suspect };
  const fromThis = c.labels.complaint !== undefined;
  return {
    ...c,
    labels: { ...prev.labels, ...c.labels },
    before: prev.before,
    complaintSuspect: fromThis ? suspect : Boolean(prev.complaintSuspect),
  };
}

function fromRow(r: CorrectionRow): Correction {
  return {
    itemId: r.item_id,
    brandId: r.brand_id,
    text: r.text,
    lang: r.lang,
    labels: r.labels,
    before: r.before,
    actor: r.actor,
    at: r.at,
    ...(r.v !== null ? { v: r.v } : {}),
  };
}

/**
 * All corrections, one per item: when an item was corrected more than once, later labels
 * override earlier ones field by field ("negative" then "not a complaint" keeps both).
 * Read in pages, oldest first, so a large history does not arrive in one reply.
 */
export async function readCorrections(db: Db, brandIds?: string[]): Promise<Correction[]> {
  const merged = new Map<string, Correction>();
  let after = 0;
  for (;;) {
    const { rows } = await db.query<CorrectionRow>(
      'SELECT id, brand_id, item_id, text, lang, labels, before, actor, at, v FROM corrections WHERE id > $1 AND ($2::text[] IS NULL OR brand_id = ANY($2)) ORDER BY id LIMIT 1000',
      [after, brandIds ?? null],
    );
    for (const r of rows) {
      const c = fromRow(r);
      const key = `${c.brandId}\u0000${c.itemId}`;
      merged.set(key, mergeCorrection(merged.get(key), c));
    }
    // Brand by brand, each in the order it was corrected (what training and its reports expect).
    const last = rows.at(-1);
    if (!last || rows.length < 1000)
      return [...merged.values()].sort((a, b) => (a.brandId < b.brandId ? -1 : a.brandId > b.brandId ? 1 : 0));
    after = last.id;
  }
}

/**
 * Shows the corrected labels in the inbox: the item's own fields and the mention's stored
 * triage, which the item view reads. Urgency and reasons stay as triage computed them. An item
 * or mention gone with the retention is not brought back (UPDATE touches only existing rows).
 */
export async function applyCorrection(db: Db, itemId: string, labels: CorrectionLabels, stored: TriageResult | null): Promise<void> {
  await ensureLabels(db, 'earshot_sentiment', [labels.sentiment]);
  await ensureLabels(db, 'earshot_category', [labels.category]);
  await db.query(
    'UPDATE inbox_items SET sentiment = coalesce($2, sentiment), category = coalesce($3, category), updated_at = $4 WHERE id = $1',
    [itemId, labels.sentiment ?? null, labels.category ?? null, Date.now()],
  );
  if (!stored) return;
  const triage: TriageResult = {
    ...stored,
    ...(labels.sentiment ? { sentiment: labels.sentiment } : {}),
    ...(labels.complaint !== undefined ? { complaint: labels.complaint } : {}),
    ...(labels.category ? { category: labels.category } : {}),
  };
  // Score and urgency too: the text may leave them to the columns (triage-row.ts), which a row of an older form may lack.
  await db.query('UPDATE mentions SET triage = $2, sentiment = $3, category = $4, complaint = $5, score = $6, urgency = $7 WHERE id = $1', [
    itemId,
    encodeTriageRow(triage),
    triage.sentiment,
    triage.category,
    triage.complaint,
    triage.score,
    Math.round(triage.urgency),
  ]);
}
