import type { PoolClient } from 'pg';
import { likePattern } from './text-match.js';

/** A token inside more stored words than this narrows nothing down; it is left out (see substringWords). */
export const WORDS_PER_TOKEN = 300;
/** Trigrams cannot look up shorter tokens, and those are inside too many words anyway. */
const MIN_TOKEN = 3;

/**
 * Per token of the search text (its 'simple' lexemes), the stored words that contain it, from the
 * vocabulary's trigram index (migration 20). A post that contains the text contains each token
 * inside one of its words, so the posts holding one word of each list are the candidates, found
 * by the word index, and the text is tested on those alone. An empty list means no stored word
 * contains that token: no post contains the text. Null when no token narrows the search (all
 * shorter than 3 characters, or each inside more than WORDS_PER_TOKEN words): the text is then
 * tested on the posts themselves, as a walk of the newest (search-match.ts).
 */
export async function substringWords(client: PoolClient, tokens: string[]): Promise<string[][] | null> {
  const usable = [...new Set(tokens)].filter((t) => [...t].length >= MIN_TOKEN);
  if (usable.length === 0) return null;
  const { rows } = await client.query<{ words: string[] }>(
    `SELECT ARRAY(SELECT word FROM mention_words WHERE word LIKE t.pattern LIMIT ${WORDS_PER_TOKEN + 1}) AS words
     FROM unnest($1::text[]) AS t(pattern)`,
    [usable.map((t) => likePattern(t))],
  );
  const lists = rows.map((r) => r.words).filter((words) => words.length <= WORDS_PER_TOKEN);
  return lists.length ? lists : null;
}
