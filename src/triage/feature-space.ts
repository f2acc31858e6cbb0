/**
 * The feature space every triage model reads, for every language: a dense block of hand-made
 * features, then 2^HASH_BITS hashed buckets, then (English only) the post's word vector. Hashing keeps the model file small and needs no
 * vocabulary. The extractors are features.ts (English, wink-nlp) and multi.ts (other languages);
 * feature-vector.ts packs what they produce into the sparse vector.
 */
export const HASH_BITS = 20;
const HASH_SIZE = 1 << HASH_BITS;

export const DENSE_FEATURES = [
  'bias',
  'wink positive',
  'wink negative',
  'time wasted / waiting',
  'blame',
  'should have / expected',
  'something did not happen',
  'problem words',
  'praise words',
  'capitals / !!!',
  'question',
  'exclamation',
  'has link',
  'mentions other handles',
  'names the brand',
  'length',
  'rule complaint score',
  'negation',
  'seed: delay / cancellation',
  'seed: lost / damaged item',
  'seed: billing / refund',
  'seed: staff / service',
  'seed: product defect / outage',
  'seed: account / login',
  'seed: safety / legal / press',
  'not English',
  'praise beside a problem',
  'sarcasm marks',
  'lexicon positive',
  'lexicon negative',
  'lexicon balance',
  'lexicon mixed',
] as const;
/** Where the category seed scores start in the dense block, in the order of category.ts SEED_CATEGORIES. */
export const SEED_OFFSET = DENSE_FEATURES.indexOf('seed: delay / cancellation');
export const NOT_ENGLISH = DENSE_FEATURES.indexOf('not English');
export const DENSE = DENSE_FEATURES.length;
/** After the hashed buckets, English posts' word-vector block (embeddings-features.ts): last, so a post's indices stay sorted. */
export const EMBED_DIMS = 100;
export const EMBED_START = DENSE + HASH_SIZE;
export const FEATURE_DIM = EMBED_START + EMBED_DIMS;

export interface Features {
  idx: Int32Array;
  val: Float32Array;
  /**
   * For explanations: per kept token, its position in the analysis and the hashes of its
   * unigram and of the bigram ending at it (-1 for the first token), so explain.ts can read
   * the weights back without hashing again.
   */
  terms: number[];
  /** English posts with a word vector: what the vector block was summed from (embeddings-features.ts). */
  embedWords?: EmbedWords;
}

/**
 * The post's vector block is `scale` times the sum of `weights[i]` times the stored bytes of
 * word-vector row `rows[i]`, so a layer over it can be read word by word (small-net.ts).
 */
export interface EmbedWords {
  rows: Int32Array;
  weights: Float64Array;
  scale: number;
}

export const FNV_START = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a, continued from `h`: fast, stable across runs and platforms, good enough spread for feature hashing. */
export function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

export function bucket(h: number): number {
  return DENSE + ((h >>> 0) & (HASH_SIZE - 1));
}

/** Same value as hashing the joined string `${a}${b}${c}`, without building it. */
export function hash(a: string, b = '', c = ''): number {
  return bucket(fnv(fnv(fnv(FNV_START, a), b), c));
}
