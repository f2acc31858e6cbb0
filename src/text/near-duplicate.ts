/**
 * A stable near-duplicate key for a post, so one storm's copies (retweets, quotes, the same
 * complaint pasted by many accounts) can share one queue row.
 *
 * The text is normalised (case, links, @handles, "RT", punctuation and digits go), split into word
 * pairs (2-shingles), and MinHashed with four seeded hash functions; the key is the four minima
 * together. Two posts get the same key with probability about J^4 for a shingle overlap (Jaccard)
 * J: 0.66 for J = 0.9, 0.06 for J = 0.5, 0.0001 for J = 0.1, so near-copies group and posts that
 * only share a phrase almost never do. Texts under MIN_WORDS words have no key: "@AcmeAir help"
 * from two people is not a storm.
 */

const MIN_WORDS = 4;
const SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f];

export function normaliseForDuplicates(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(^|\s)rt\s+@[\w.@-]+:?/g, ' ')
    .replace(/@[\w.@-]+/g, ' ')
    .replace(/[\p{P}\p{S}\d]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** FNV-1a's state after `text` (UTF-16 units), from `h`: a shingle's hash continues its first word's. */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** murmur3's fmix32. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * FNV-1a of each word pair "a b", mixed with a seed, then finalised. The minimum over the pairs
 * is the same with repeats as without, so no set of shingles is built, and the state after
 * "a " is computed once per word and seed rather than once per pair.
 */
export function nearDuplicateKey(text: string): string | null {
  const words = normaliseForDuplicates(text).split(' ').filter(Boolean);
  if (words.length < MIN_WORDS) return null;
  return SEEDS.map((seed) => {
    const start = (0x811c9dc5 ^ seed) >>> 0;
    let min = 0xffffffff;
    let head = fnv(fnv(start, words[0] ?? ''), ' ');
    for (let i = 1; i < words.length; i += 1) {
      const word = words[i] ?? '';
      min = Math.min(min, fmix(fnv(head, word)));
      head = fnv(fnv(start, word), ' ');
    }
    return min.toString(16).padStart(8, '0');
  }).join('');
}
