import { RANK_OF } from './item-row.js';
import type { LegacyItem } from './migrate-from-redis-read.js';

/**
 * The statements of `earshot migrate-from-redis`. Each takes one batch as a JSON array of
 * records (jsonb_to_recordset), so a batch is one round trip, and each is ON CONFLICT so a
 * repeated run adds nothing.
 */

/**
 * Audit entries and corrections have no natural key in PostgreSQL (a serial id), so the Redis
 * stream entry id each came from is remembered here, in the same statement as the insert: a
 * second run skips what the first one copied.
 */
export const MARKS_TABLE = `CREATE TABLE IF NOT EXISTS redis_import (kind text NOT NULL, ref text NOT NULL, PRIMARY KEY (kind, ref))`;

/** A person seen by both versions keeps the larger counters (idempotent, unlike a sum); the profile the new version wrote stays. */
export const AUTHORS = `
WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(platform text, native_id text, handle text, name text, url text, followers integer, complaints integer, replies integer)
), up AS (
  INSERT INTO authors AS a (platform, native_id, handle, name, url, followers, complaints, replies)
  SELECT platform, native_id, handle, name, url, followers, complaints, replies FROM r
  ON CONFLICT (platform, native_id) DO UPDATE SET complaints = greatest(a.complaints, excluded.complaints), replies = greatest(a.replies, excluded.replies)
  WHERE a.complaints < excluded.complaints OR a.replies < excluded.replies
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS n FROM up`;

/**
 * Either unique key (id, or platform + post id) already there means the post is already stored.
 * Its triage goes into the row, and a post the old store had not routed (stage "new" or
 * "triaged") gets its mention_pending row, as the ingest gives a new one.
 */
export const MENTIONS = `
WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, platform text, native_id text, source_id text, brand_id text, author_id text, created_at bigint,
    stored_at bigint, lang text, text text, rest text, stage text, triage text, sentiment text, score real, category text, urgency smallint, complaint boolean)
), ins AS (
  INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest, score, sentiment, category, urgency, complaint, triage)
  SELECT id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest, score, sentiment, category, urgency, complaint, triage FROM r
  ON CONFLICT DO NOTHING
  RETURNING id
), pending AS (
  INSERT INTO mention_pending (id)
  SELECT r.id FROM r JOIN ins USING (id) WHERE r.stage <> 'routed'
  ON CONFLICT (id) DO NOTHING
)
SELECT count(*)::int AS n FROM ins`;

/** Item fields as the columns are named, for jsonb_to_recordset. */
export function itemRecord(i: LegacyItem): Record<string, unknown> {
  return {
    id: i.id,
    brand_id: i.brandId,
    source_id: i.sourceId,
    platform: i.platform,
    priority: i.priority,
    status: i.status,
    urgency: i.urgency,
    category: i.category,
    sentiment: i.sentiment,
    created_at: i.createdAt,
    routed_at: i.routedAt,
    updated_at: i.updatedAt,
    sla_due_at: i.slaDueAt,
    draft: i.draft,
    draft_template: i.draftTemplate,
    draft_warnings: JSON.parse(i.draftWarnings) as unknown,
    draft_version: i.draftVersion,
    draft_edited: i.draftEdited,
    approvals: i.approvals,
    assignee: i.assignee,
    approved_by: i.approvedBy,
    approved_at: i.approvedAt,
    reply_id: i.replyId,
    reply_url: i.replyUrl,
    posted_at: i.postedAt,
    last_error: i.lastError,
    reject_reason: i.rejectReason,
    snoozed_until: i.snoozedUntil,
    first_approved_by: i.firstApprovedBy,
    first_approved_version: i.firstApprovedVersion,
  };
}

const ITEM_COLS = `id, brand_id, source_id, platform, priority, status, urgency, category, sentiment, created_at, routed_at, updated_at, sla_due_at,
  draft, draft_template, draft_warnings, draft_version, draft_edited, approvals, assignee, approved_by, approved_at, reply_id, reply_url, posted_at,
  last_error, reject_reason, snoozed_until, first_approved_by, first_approved_version`;

/**
 * Items whose post already expired are left out (the item cannot outlive its mention). The old
 * store kept only the current draft, so that becomes the one known version; a posted item's
 * reply goes into the person's history. The language is triage's, read from the stored result
 * (the 5th field of version 4, triage-row.ts; the 9th of the array and version 3 forms, triage-codec.ts; the older
 * object form: "language").
 */
export const ITEMS = `
WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, brand_id text, source_id text, platform text, priority text, status text, urgency integer,
    category text, sentiment text, created_at bigint, routed_at bigint, updated_at bigint, sla_due_at bigint, draft text, draft_template text,
    draft_warnings jsonb, draft_version integer, draft_edited boolean, approvals integer, assignee text, approved_by text, approved_at bigint,
    reply_id text, reply_url text, posted_at bigint, last_error text, reject_reason text, snoozed_until bigint, first_approved_by text,
    first_approved_version integer)
), ins AS (
  INSERT INTO inbox_items (${ITEM_COLS.replace('priority', 'rank')}, language)
  SELECT ${ITEM_COLS.split(',')
    .map((c) => (c.trim() === 'priority' ? RANK_OF('r.priority') : `r.${c.trim()}`))
    .join(', ')},
    CASE WHEN m.triage IS NULL THEN NULL WHEN left(m.triage, 1) = E'\x1c' THEN split_part(substr(m.triage, 2), E'\x1e', 5)
      WHEN left(m.triage, 1) = E'\x1d' THEN split_part(substr(m.triage, 2), E'\x1e', 9)
      WHEN left(m.triage, 1) = '[' THEN m.triage::jsonb->>8 ELSE m.triage::jsonb->>'language' END
  FROM r JOIN mentions m ON m.id = r.id
  ON CONFLICT (id) DO NOTHING
  RETURNING id
), versions AS (
  INSERT INTO draft_versions (item_id, version, text, warnings, actor, at)
  SELECT r.id, r.draft_version, r.draft, r.draft_warnings, CASE WHEN r.draft_edited THEN 'imported' ELSE 'earshot' END, r.updated_at
  FROM r JOIN ins ON ins.id = r.id
  ON CONFLICT DO NOTHING
), sent AS (
  INSERT INTO replies (item_id, platform, author_id, reply_id, url, text, posted_at)
  SELECT r.id, m.platform, m.author_id, r.reply_id, r.reply_url, r.draft, r.posted_at
  FROM r JOIN ins ON ins.id = r.id JOIN mentions m ON m.id = r.id
  WHERE r.posted_at IS NOT NULL
  ON CONFLICT DO NOTHING
)
SELECT (SELECT count(*) FROM ins)::int AS added, (SELECT count(*) FROM r WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.id = r.id))::int AS orphans`;

/** Replies the person's event list knows of, for items that were copied. */
export const REPLIES = `
INSERT INTO replies (item_id, platform, author_id, reply_id, url, text, posted_at)
SELECT i.id, m.platform, m.author_id, i.reply_id, i.reply_url, i.draft, coalesce(i.posted_at, e.at)
FROM jsonb_to_recordset($1::jsonb) AS e(item_id text, at bigint)
JOIN inbox_items i ON i.id = e.item_id JOIN mentions m ON m.id = i.id
ON CONFLICT DO NOTHING`;

/** In stream order (n), so the log's ids keep the order the entries were written in. */
export const AUDIT = `
WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(n integer, ref text, at bigint, actor text, action text, item_id text, detail jsonb)
), marked AS (
  INSERT INTO redis_import (kind, ref) SELECT 'audit', ref FROM r ON CONFLICT DO NOTHING RETURNING ref
)
INSERT INTO audit_log (at, actor, action, item_id, detail)
SELECT r.at, r.actor, r.action, r.item_id, r.detail FROM r JOIN marked USING (ref) ORDER BY r.n`;

export const CORRECTIONS = `
WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(n integer, ref text, brand_id text, item_id text, text text, lang text, labels jsonb, before jsonb,
    actor text, at text, v smallint)
), marked AS (
  INSERT INTO redis_import (kind, ref) SELECT 'correction', ref FROM r ON CONFLICT DO NOTHING RETURNING ref
)
INSERT INTO corrections (brand_id, item_id, text, lang, labels, before, actor, at, v)
SELECT r.brand_id, r.item_id, r.text, r.lang, r.labels, r.before, r.actor, r.at, r.v FROM r JOIN marked USING (ref) ORDER BY r.n`;

export const SOURCES = `
INSERT INTO sources (source_id, cursor, stream_cursor, pause_until, last_success_at, last_item_at, error_streak, last_error, last_error_detail, last_error_at,
  healthy, stopped_reason, stream_connected, stream_at, stream_error, stream_error_detail, quiet_alerted_for)
SELECT source_id, cursor, stream_cursor, pause_until, last_success_at, last_item_at, error_streak, last_error, last_error_detail, last_error_at,
  healthy, stopped_reason, stream_connected, stream_at, stream_error, stream_error_detail, quiet_alerted_for
FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, cursor text, stream_cursor text, pause_until bigint, last_success_at bigint, last_item_at bigint,
  error_streak integer, last_error text, last_error_detail text, last_error_at bigint, healthy boolean, stopped_reason text, stream_connected boolean,
  stream_at bigint, stream_error text, stream_error_detail text, quiet_alerted_for bigint)
ON CONFLICT (source_id) DO NOTHING`;
