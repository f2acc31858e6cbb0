/**
 * Migration 16: the trigram index on drafts holds only the drafts a person edited. The queue's
 * text filter searches drafts for what the team wrote (queue-text.ts); Earshot's own drafts
 * repeat a template and were 117 B of every stored mention's footprint in this index.
 */
export const EDITED_DRAFTS = `
DROP INDEX IF EXISTS inbox_draft_trgm;
CREATE INDEX inbox_draft_trgm ON inbox_items USING gin (draft gin_trgm_ops) WITH (gin_pending_list_limit = 128) WHERE draft_edited;
`;
