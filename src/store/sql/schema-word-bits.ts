/**
 * Migration 18: each item carries a 64-bit summary of its post's words, in the queue's order
 * index, so the queue's text filter rules most items out without reading their posts.
 *
 * A common word ("refund": 1 post in 100) is answered by reading the queue in order and testing
 * each item's post (queue-text.ts); a page of 100 matches tested ~9,000 posts, a primary-key
 * probe into `mentions` and a heap page each: 74 ms on a quiet machine at 1M posts. Each word of
 * the post (PostgreSQL's 'simple' lexemes, those of the text index) sets two of the 64 bits; an
 * item whose bits lack one of the search words' bits cannot match, and that is checked on the
 * index entry. About 9% of items pass for a single word (1% really match, measured on the bench
 * store), so ~800 posts are read instead of 9,000. The post is still tested: the bits only
 * ever rule out, so the answer is the same.
 *
 * hashtext is the hash PostgreSQL's own hash indexes keep on disk (pg_upgrade keeps them), so it
 * does not change under a stored value. Posts are never edited in place; the bits are set once,
 * when the item is created. Null (an item the trigger did not see) means "test the post".
 */
export const WORD_BITS = `
CREATE FUNCTION earshot_word_bits(words tsvector) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(bit_or((1::bigint << (h & 63)) | (1::bigint << ((h >> 6) & 63))), 0)
  FROM (SELECT hashtext(lexeme) AS h FROM unnest(words)) w
$$;

-- The order index is built again with the bits; dropped first, so the backfill does not update it.
DROP INDEX IF EXISTS inbox_queue_cover;
ALTER TABLE inbox_items ADD COLUMN word_bits bigint;

CREATE FUNCTION inbox_word_bits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.word_bits := (SELECT earshot_word_bits(to_tsvector('simple', m.text)) FROM mentions m WHERE m.id = NEW.id);
  RETURN NEW;
END $$;

CREATE TRIGGER inbox_word_bits BEFORE INSERT ON inbox_items FOR EACH ROW EXECUTE FUNCTION inbox_word_bits();

UPDATE inbox_items i SET word_bits = earshot_word_bits(to_tsvector('simple', m.text)) FROM mentions m WHERE m.id = i.id;

CREATE INDEX inbox_queue_cover ON inbox_items (rank, urgency DESC, sla_due_at, created_at DESC, id)
  INCLUDE (status, priority, snoozed_until, brand_id, source_id, category, language, assignee, dup_of, word_bits);
`;
