/**
 * Draft alternatives: the other replies Earshot offers for an item besides the current draft
 * (the composer's, the team's past replies re-filled, a model's), each with where it came from
 * and its guardrail warnings. Replaced per source when that source drafts again.
 */
export const DRAFTS = `
CREATE TABLE draft_alternatives (
  item_id  text     NOT NULL REFERENCES inbox_items (id) ON DELETE CASCADE,
  source   text     NOT NULL,
  position smallint NOT NULL,
  text     text     NOT NULL,
  warnings jsonb    NOT NULL DEFAULT '[]',
  detail   jsonb    NOT NULL DEFAULT '{}',
  at       bigint   NOT NULL,
  PRIMARY KEY (item_id, source, position)
);
-- Team retrieval reads the replies a brand sent, joined to the posts they answered.
CREATE INDEX replies_posted ON replies (posted_at);
`;
