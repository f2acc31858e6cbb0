/**
 * Spike detection: counts per five-minute bucket (epoch ms of the bucket start) for a brand and
 * for its sources and categories, the number of posts containing each term per bucket, and the
 * spikes found. Counts are added to (ON CONFLICT … n + excluded.n), so any number of worker
 * processes can write them; the detector reads the sums.
 */
export const SPIKES = `
CREATE TABLE spike_counts (
  brand_id  text    NOT NULL,
  -- 'brand' (key ''), 'source' (key = source id) or 'category' (key = category)
  dim       text    NOT NULL,
  key       text    NOT NULL,
  bucket    bigint  NOT NULL,
  n         integer NOT NULL,
  negative  integer NOT NULL,
  PRIMARY KEY (brand_id, dim, key, bucket)
);

CREATE TABLE spike_terms (
  brand_id  text    NOT NULL,
  term      text    NOT NULL,
  bucket    bigint  NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (brand_id, term, bucket)
);
-- The detector asks "which terms were common in the last half hour": one brand, a few buckets.
CREATE INDEX spike_terms_recent ON spike_terms (brand_id, bucket);

CREATE TABLE spikes (
  id             text    PRIMARY KEY,
  brand_id       text    NOT NULL,
  status         text    NOT NULL,
  severity       text    NOT NULL,
  started_at     bigint  NOT NULL,
  last_active_at bigint  NOT NULL,
  updated_at     bigint  NOT NULL,
  closed_at      bigint,
  revision       integer NOT NULL DEFAULT 1,
  peak_z         real    NOT NULL,
  -- What rose, the terms, posts and numbers (spikes/explain.ts), as last computed.
  explanation    jsonb   NOT NULL,
  acknowledged_by text,
  acknowledged_at bigint,
  expected_by    text,
  expected_at    bigint,
  escalated_by   text,
  escalated_at   bigint,
  -- Per chat destination: the revision it last got and, for Slack bots, the message to edit.
  deliveries     jsonb   NOT NULL DEFAULT '{}'
);
CREATE INDEX spikes_brand ON spikes (brand_id, started_at DESC);
CREATE INDEX spikes_open ON spikes (status) WHERE status = 'open';
`;
