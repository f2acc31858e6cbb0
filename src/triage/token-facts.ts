/**
 * What triage's per-token lookups found for one distinct token, kept with the token's wink
 * vocabulary id (wink-tokens.ts), so a word seen before costs one object read instead of a
 * hash-map lookup in each of the lexicons, phrase tables and hash caches it is checked against.
 * Every field starts unknown and is filled by the module that owns the lookup, from the same
 * lookup it would otherwise make per post, so the values cannot differ from it. A token's
 * normal form and stem are fixed for its id (for a contraction piece, for its id and normal
 * form), which is what makes the memo valid.
 */
export interface TokenHash {
  uni: number;
  /** FNV state after "b" + token, from which a bigram starting at this token continues. */
  bigramPrefix: number;
  /** The token as hashed; a leading "!" marks negation. */
  tok: string;
  negated: boolean;
  /** More unigram buckets the token stands for (a held-letter word's plain spelling, features.ts); usually empty. */
  more: readonly number[];
}

export class TokenFacts {
  /** Lexicon membership bits of the normal form and stem (nlp.ts), valid for `lexiconsVersion`. */
  lexBits = 0;
  lexVersion = -1;
  /** Ids of the phrases that can start with this token (phrases.ts), valid while `phraseCount` is unchanged. */
  phraseIds: readonly number[] | null = null;
  phraseCount = -1;
  /** The model's hash of the token as written and in a negation's scope; null: not a feature (features.ts). */
  plain: TokenHash | null | undefined = undefined;
  negated: TokenHash | null | undefined = undefined;
  /** Polarity in the English lexicon, null when not in it (polarity.ts). */
  polarity: number | null | undefined = undefined;
  /** Category seed groups the token is a keyword of, or a required word of, (category.ts); -1 until looked up. */
  seedWords = -1;
  seedRequires = 0;
  /** Ids of the seed phrases that can start with the token, and whether it has a space in it (category.ts). */
  seedPhrases: readonly number[] | null = null;
  seedSpaced = false;
  /** Row of the token's word vector, -1 for none (embeddings-features.ts), valid for the vectors of `embedVersion`. */
  embedRow = -1;
  embedVersion = -1;
}
