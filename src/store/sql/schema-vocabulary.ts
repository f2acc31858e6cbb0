/**
 * Migration 20: substrings of posts are found through the vocabulary of stored words instead of
 * a trigram index over every post's text, the largest index of the store (269 B per stored
 * mention in the bench replay). mention_words keeps each distinct word of the stored posts (the
 * 'simple' lexemes the word index mentions_fts already holds) with a trigram index of its own,
 * so it grows with the words a brand's posts use rather than with the posts. A substring search
 * asks it which words contain each of its tokens, then the word index which posts hold one word
 * per token, and tests the text on those posts only (search-vocabulary.ts, search-match.ts).
 *
 * A statement trigger adds a batch's new words in the same transaction as its posts, in word
 * order, so two writers adding the same new words wait for each other instead of deadlocking.
 * Words of deleted posts stay: such a word only makes a candidate that the text test rejects.
 * On an upgrade the words of the posts already stored are read once (ts_stat over mentions).
 */
export const VOCABULARY = `
CREATE TABLE mention_words (word text PRIMARY KEY);

CREATE FUNCTION mention_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO mention_words (word)
    SELECT DISTINCT w FROM new_rows r, unnest(tsvector_to_array(to_tsvector('simple', r.text))) w ORDER BY w
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER mention_words_insert AFTER INSERT ON mentions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mention_words_add();

INSERT INTO mention_words (word) SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', text) FROM mentions') ORDER BY word ON CONFLICT DO NOTHING;
CREATE INDEX mention_words_trgm ON mention_words USING gin (word gin_trgm_ops) WITH (gin_pending_list_limit = 128);
DROP INDEX IF EXISTS mentions_trgm;
`;
