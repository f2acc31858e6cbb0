/**
 * Migration 6: near-duplicate groups on inbox items and per-user saved views of the queue.
 * dup_key is the post's near-duplicate key (text/near-duplicate.ts); dup_of points at the
 * group's first open item (null for that item itself and for posts with no group), so the
 * queue can show one row per group and count the rest.
 */
export const QUEUE_VIEWS = `
ALTER TABLE inbox_items ADD COLUMN dup_key text, ADD COLUMN dup_of text;
-- The queue's order within a tier is urgency first (inbox-queue.ts reads it segment by segment).
CREATE INDEX inbox_queue_urgency ON inbox_items (rank, (-urgency), sla_due_at, (-created_at), id);
CREATE INDEX inbox_dup_key ON inbox_items (dup_key, brand_id, priority) WHERE dup_key IS NOT NULL;
CREATE INDEX inbox_dup_of ON inbox_items (dup_of) WHERE dup_of IS NOT NULL;

CREATE TABLE saved_views (
  id         bigserial PRIMARY KEY,
  owner      text   NOT NULL,
  name       text   NOT NULL,
  filters    jsonb  NOT NULL,
  created_at bigint NOT NULL,
  UNIQUE (owner, name)
);
`;
