/**
 * Migration 22: item creation sets both word summaries itself (store/inbox.ts, CREATE), and the trigger
 * of migration 18 only fills what an insert left null (other writers: the Redis upgrade, tests).
 *
 * Measured in a 20,000-post replay with pg_stat_statements: the row trigger cost ~220 µs of server
 * time per item, most of it its plpgsql call and the word-bits function planned again for every
 * row (39 µs of planning per row alone), inside the item insert that holds the grouping lock,
 * so every worker's batch waited for it. In the insert the function is planned once per
 * statement. The bits are the same expression over the same stored text, so nothing else changes.
 */
export const WORD_BITS_INLINE = `
DROP TRIGGER inbox_word_bits ON inbox_items;
CREATE TRIGGER inbox_word_bits BEFORE INSERT ON inbox_items FOR EACH ROW WHEN (NEW.word_bits IS NULL OR NEW.word_bits2 IS NULL) EXECUTE FUNCTION inbox_word_bits();
`;
