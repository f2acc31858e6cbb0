/**
 * Mentions, people, inbox items and everything people did with them. Times are epoch
 * milliseconds (bigint) like everywhere else in Earshot, so no conversion at the edges.
 */
export const RECORDS = `
CREATE TABLE authors (
  platform   text   NOT NULL,
  native_id  text   NOT NULL,
  handle     text   NOT NULL,
  name       text   NOT NULL,
  url        text,
  followers  integer,
  complaints integer NOT NULL DEFAULT 0,
  replies    integer NOT NULL DEFAULT 0,
  PRIMARY KEY (platform, native_id)
) WITH (fillfactor = 80);
-- Search finds a post by its author's handle or name too.
CREATE INDEX authors_handle_trgm ON authors USING gin (handle gin_trgm_ops);
CREATE INDEX authors_name_trgm ON authors USING gin (name gin_trgm_ops);

-- The id is a hash of (platform, native_id) (see mention.ts); the unique key on the pair is
-- the dedupe rule itself, stated where the data is.
CREATE TABLE mentions (
  id          text     PRIMARY KEY,
  platform    text     NOT NULL,
  native_id   text     NOT NULL,
  source_id   text     NOT NULL,
  brand_id    text     NOT NULL,
  author_id   text     NOT NULL,
  created_at  bigint   NOT NULL,
  stored_at   bigint   NOT NULL,
  lang        text,
  text        text     NOT NULL,
  -- Everything else about the post, as a compact JSON array (codec.ts).
  rest        text     NOT NULL,
  UNIQUE (platform, native_id)
);
CREATE INDEX mentions_author ON mentions (platform, author_id, created_at);
CREATE INDEX mentions_created ON mentions (created_at);
-- Retention deletes by storing time; rows arrive in that order, so a BRIN index is enough.
CREATE INDEX mentions_stored ON mentions USING brin (stored_at);
-- Words in any language ('simple' does not stem, so it suits every language) and substrings.
CREATE INDEX mentions_fts ON mentions USING gin (to_tsvector('simple', text));
CREATE INDEX mentions_trgm ON mentions USING gin (text gin_trgm_ops);

-- Where a mention is in the pipeline and what triage said. Apart from mentions so that the
-- wide row with its text indexes is written once and never updated: the two later writes
-- (triage, routed) land here, on a narrow row with one index, as HOT updates.
CREATE TABLE mention_triage (
  id        text     PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE,
  stage     text     NOT NULL,
  triage    text,
  sentiment text,
  score     real,
  category  text,
  urgency   smallint,
  complaint boolean
) WITH (fillfactor = 60);

CREATE TABLE inbox_items (
  id                     text     PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE,
  brand_id               text     NOT NULL,
  source_id              text     NOT NULL,
  platform               text     NOT NULL,
  priority               text     NOT NULL,
  status                 text     NOT NULL,
  urgency                integer  NOT NULL,
  category               text     NOT NULL,
  sentiment              text     NOT NULL,
  language               text,
  created_at             bigint   NOT NULL,
  routed_at              bigint   NOT NULL,
  updated_at             bigint   NOT NULL,
  sla_due_at             bigint   NOT NULL,
  draft                  text     NOT NULL,
  draft_template         text     NOT NULL,
  draft_warnings         jsonb    NOT NULL DEFAULT '[]',
  draft_version          integer  NOT NULL DEFAULT 1,
  draft_edited           boolean  NOT NULL DEFAULT false,
  approvals              integer  NOT NULL DEFAULT 0,
  assignee               text,
  approved_by            text,
  approved_at            bigint,
  reply_id               text,
  reply_url              text,
  posted_at              bigint,
  last_error             text,
  reject_reason          text,
  snoozed_until          bigint,
  first_approved_by      text,
  first_approved_version integer,
  rank                   smallint GENERATED ALWAYS AS (CASE WHEN priority = 'urgent' THEN 0 ELSE 1 END) STORED
);
-- The queue's order (urgent, SLA left, urgency, newest) as one index, so a page and the next
-- one (keyset) are read in order; the filters each have an index for counting totals.
CREATE INDEX inbox_queue ON inbox_items (rank, sla_due_at, (-urgency), (-created_at), id);
CREATE INDEX inbox_status ON inbox_items (status, rank, sla_due_at);
CREATE INDEX inbox_brand ON inbox_items (brand_id, status);
CREATE INDEX inbox_source ON inbox_items (source_id, status);
CREATE INDEX inbox_category ON inbox_items (category, status);
CREATE INDEX inbox_language ON inbox_items (language, status);
CREATE INDEX inbox_assignee ON inbox_items (assignee, status) WHERE assignee IS NOT NULL;
CREATE INDEX inbox_created ON inbox_items (created_at);
CREATE INDEX inbox_draft_trgm ON inbox_items USING gin (draft gin_trgm_ops);

CREATE TABLE draft_versions (
  item_id  text    NOT NULL REFERENCES inbox_items (id) ON DELETE CASCADE,
  version  integer NOT NULL,
  text     text    NOT NULL,
  warnings jsonb   NOT NULL DEFAULT '[]',
  actor    text    NOT NULL,
  at       bigint  NOT NULL,
  PRIMARY KEY (item_id, version)
);

CREATE TABLE replies (
  item_id   text   PRIMARY KEY REFERENCES inbox_items (id) ON DELETE CASCADE,
  platform  text   NOT NULL,
  author_id text   NOT NULL,
  reply_id  text,
  url       text,
  text      text   NOT NULL,
  posted_at bigint NOT NULL
);
CREATE INDEX replies_author ON replies (platform, author_id, posted_at);

CREATE TABLE audit_log (
  id      bigserial PRIMARY KEY,
  at      bigint    NOT NULL,
  actor   text      NOT NULL,
  action  text      NOT NULL,
  item_id text,
  detail  jsonb
);
CREATE INDEX audit_item ON audit_log (item_id, id) WHERE item_id IS NOT NULL;
CREATE INDEX audit_actor ON audit_log (actor, id);
CREATE INDEX audit_action ON audit_log (action, id);
CREATE INDEX audit_at ON audit_log USING brin (at);

-- Jobs to enqueue, written in the same transaction as the change that needs them (an approval
-- and its publish job): a crash between the commit and the enqueue leaves the row unsent, and
-- a sweep sends it. The job id is stable, so sending twice queues once.
CREATE TABLE outbox (
  id         bigserial PRIMARY KEY,
  queue      text   NOT NULL,
  job_id     text   NOT NULL UNIQUE,
  data       jsonb  NOT NULL,
  created_at bigint NOT NULL,
  sent_at    bigint
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

-- Responders' corrections, kept as training labels with a snapshot of the post's text: the
-- mention goes with the retention, the label must not (no foreign key on purpose).
CREATE TABLE corrections (
  id      bigserial PRIMARY KEY,
  brand_id text  NOT NULL,
  item_id  text  NOT NULL,
  text     text  NOT NULL,
  lang     text,
  labels   jsonb NOT NULL,
  before   jsonb,
  actor    text  NOT NULL,
  at       text  NOT NULL,
  -- Schema version of the record (corrections.ts); NULL for records from before versioning.
  v        smallint
);
CREATE INDEX corrections_brand ON corrections (brand_id, id);

-- Each source's cursors (poll and live stream) and heartbeat.
CREATE TABLE sources (
  source_id         text    PRIMARY KEY,
  cursor            text,
  stream_cursor     text,
  pause_until       bigint  NOT NULL DEFAULT 0,
  last_success_at   bigint  NOT NULL DEFAULT 0,
  last_item_at      bigint  NOT NULL DEFAULT 0,
  error_streak      integer NOT NULL DEFAULT 0,
  last_error        text    NOT NULL DEFAULT '',
  last_error_detail text    NOT NULL DEFAULT '',
  last_error_at     bigint  NOT NULL DEFAULT 0,
  healthy           boolean NOT NULL DEFAULT true,
  stopped_reason    text    NOT NULL DEFAULT '',
  stream_connected  boolean NOT NULL DEFAULT false,
  stream_at         bigint  NOT NULL DEFAULT 0,
  stream_error      text    NOT NULL DEFAULT '',
  stream_error_detail text  NOT NULL DEFAULT '',
  quiet_alerted_for bigint
);
`;
