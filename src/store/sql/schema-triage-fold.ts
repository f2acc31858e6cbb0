/**
 * Migration 26: a mention's triage in its own row, and what is not routed yet in mention_pending.
 *
 * mention_triage held a second row per mention (a 24-B header, the id again, its own primary key:
 * ~240 B per stored mention with the values) because triage ran after the mention was stored and
 * an UPDATE of a row inserted in the same batch finds no room on its page. Triage now runs before
 * the insert (listen/poll.ts acceptBatch), so the values are in the row from the start. Routing
 * must still happen once per mention: a mention not routed yet has a row in mention_pending, and
 * routing's last statement deletes it (store/routed.ts); the ids it deletes are the first routings.
 *
 * The values are copied by a rewrite of mentions (ALTER COLUMN … USING), not by an UPDATE: an
 * UPDATE of every row finds no room on a full page, so it would leave the table and each of its
 * indexes twice their size until a VACUUM FULL. The rewrite writes each row once and builds the
 * indexes again. The fixed-width columns come first, widest first, so they do not pad; the
 * encoded result (text) last. Stage "new" or "triaged" (or a stage of an older build) means not
 * routed: those mentions go to mention_pending.
 */
export const TRIAGE_FOLD = `
ALTER TABLE mentions ADD COLUMN score real, ADD COLUMN sentiment earshot_sentiment, ADD COLUMN category earshot_category,
  ADD COLUMN urgency smallint, ADD COLUMN complaint boolean, ADD COLUMN triage text;

CREATE FUNCTION pg_temp.earshot_triage_of(mention text) RETURNS mention_triage LANGUAGE sql STABLE AS $$
  SELECT t FROM mention_triage t WHERE t.id = mention
$$;
ALTER TABLE mentions
  ALTER COLUMN score TYPE real USING (pg_temp.earshot_triage_of(id)).score,
  ALTER COLUMN sentiment TYPE earshot_sentiment USING (pg_temp.earshot_triage_of(id)).sentiment,
  ALTER COLUMN category TYPE earshot_category USING (pg_temp.earshot_triage_of(id)).category,
  ALTER COLUMN urgency TYPE smallint USING (pg_temp.earshot_triage_of(id)).urgency,
  ALTER COLUMN complaint TYPE boolean USING (pg_temp.earshot_triage_of(id)).complaint,
  ALTER COLUMN triage TYPE text USING (pg_temp.earshot_triage_of(id)).triage;

CREATE TABLE mention_pending (
  id text PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE
);
INSERT INTO mention_pending (id)
SELECT m.id FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM mention_triage t WHERE t.id = m.id AND t.stage = 'routed');

DROP FUNCTION pg_temp.earshot_triage_of(text);
DROP TABLE mention_triage;
ANALYZE mentions, mention_pending;
`;
