import type { TokenFacts } from './token-facts.js';
import type { Category } from '../triage-types.js';
import { GROUPS, SEED_CATEGORIES, type Group, type SeedCategory } from './category-seeds.js';

export { MODEL_CATEGORIES, SEED_CATEGORIES, type SeedCategory } from './category-seeds.js';

/** A seed phrase and the group (index into GROUPS) whose hits it adds to. */
interface SeedPhrase {
  re: RegExp;
  group: number;
}
// A phrase whose first word can be read off (startWords) matches only where that word is a whole
// token, so it is tried only for posts that have the word; the others are tried behind one regex.
const GATED: SeedPhrase[] = [];
const UNGATED: SeedPhrase[] = [];
const PHRASE_IDS = new Map<string, number[]>();
// The words are joined with single spaces and padded, so a word ends at a space: `\b` would not
// see the end of "llegó", since "ó" is not an ASCII word character.
// Read off before that rewrite: the words a phrase can start with, when that is safe to say.
GROUPS.forEach((g, group) => {
  for (const p of g.phrases) {
    const starts = startWords(p.source);
    const seed = { re: new RegExp(p.source.replace(/\\b/g, '(?= )')), group };
    if (!starts) {
      UNGATED.push(seed);
      continue;
    }
    for (const w of new Set(starts)) {
      const ids = PHRASE_IDS.get(w);
      if (ids) ids.push(GATED.length);
      else PHRASE_IDS.set(w, [GATED.length]);
    }
    GATED.push(seed);
  }
});
for (const g of GROUPS) g.phrases = g.phrases.map((p) => new RegExp(p.source.replace(/\\b/g, '(?= )')));

/**
 * " (lost|missing) item\b" → lost, missing: the words that must be a whole token for the phrase
 * to match. Null for patterns like " log ?in", whose first word need not end at a space.
 */
function startWords(source: string): string[] | null {
  if (!source.startsWith(' ')) return null;
  const rest = source.slice(1);
  let alternatives = [rest];
  let after = '';
  if (rest.startsWith('(')) {
    const close = rest.indexOf(')');
    if (close < 0 || rest.slice(1, close).includes('(')) return null;
    alternatives = rest.slice(1, close).split('|');
    after = rest.slice(close + 1);
    if (/^[?*{]/.test(after)) return null;
  }
  const words: string[] = [];
  for (const alt of alternatives) {
    const w = /^\p{L}+/u.exec(alt)?.[0];
    if (!w) return null;
    const next = alt.slice(w.length) || after;
    if (!(next === '' || next.startsWith('\\b') || (next[0] === ' ' && !/^ [?*{]/.test(next)))) return null;
    words.push(w);
  }
  return words;
}

const SEED_INDEX: Record<string, number> = Object.fromEntries(SEED_CATEGORIES.map((c, i) => [c, i]));
const WORD_BITS = new Map<string, number>();
const REQUIRE_BITS = new Map<string, number>();
const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);
GROUPS.forEach((g, i) => {
  for (const w of words(g.words)) WORD_BITS.set(w, (WORD_BITS.get(w) ?? 0) | (1 << i));
  for (const w of words(g.requires ?? '')) REQUIRE_BITS.set(w, (REQUIRE_BITS.get(w) ?? 0) | (1 << i));
});
// With a spaced token, all phrases are tried, behind one combined test: most posts match none.
const ANY_PHRASE = new RegExp(GROUPS.flatMap((g) => g.phrases.map((p) => p.source)).join('|'));
const ANY_UNGATED = UNGATED.length ? new RegExp(UNGATED.map((p) => p.re.source).join('|')) : null;
const NO_IDS: readonly number[] = [];

function lookUp(t: string, f: TokenFacts): void {
  f.seedWords = WORD_BITS.get(t) ?? 0;
  f.seedRequires = REQUIRE_BITS.get(t) ?? 0;
  f.seedPhrases = PHRASE_IDS.get(t) ?? NO_IDS;
  f.seedSpaced = t.includes(' ');
}

/**
 * Per group, how many of its phrases `joined` matches, or null for none. A token with a space in
 * it could spell a phrase's first word without being that word, so then every phrase is tried.
 */
function phraseHits(joined: string, candidates: readonly number[] | null, spaced: boolean, required: number): number[] | null {
  let hits: number[] | null = null;
  const count = (p: SeedPhrase): void => {
    if ((GROUPS[p.group] as Group).requires && !(required & (1 << p.group))) return;
    if (!p.re.test(joined)) return;
    hits ??= new Array<number>(GROUPS.length).fill(0);
    hits[p.group] = (hits[p.group] as number) + 1;
  };
  if (spaced) {
    if (ANY_PHRASE.test(joined)) for (const p of GATED) count(p);
  } else if (candidates !== null) for (const id of candidates) count(GATED[id] as SeedPhrase);
  if (ANY_UNGATED?.test(joined)) for (const p of UNGATED) count(p);
  return hits;
}

/**
 * Per seed category, in SEED_CATEGORIES order, a 0–1 strength. `tokens` are the post's words in
 * lower case; `joined` the same words joined by single spaces and padded with one at each end.
 */
export function seedScores(tokens: readonly string[], joined: string, facts?: readonly TokenFacts[]): number[] {
  const counts = new Array<number>(GROUPS.length).fill(0);
  let required = 0;
  let spaced = false;
  let candidates: number[] | null = null;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] as string;
    const f = facts?.[i];
    if (f !== undefined && f.seedWords < 0) lookUp(t, f);
    const bits = f !== undefined ? f.seedWords : (WORD_BITS.get(t) ?? 0);
    if (bits !== 0) for (let g = 0; g < counts.length; g += 1) if (bits & (1 << g)) counts[g] = (counts[g] as number) + 1;
    required |= f !== undefined ? f.seedRequires : (REQUIRE_BITS.get(t) ?? 0);
    const ids = f !== undefined ? (f.seedPhrases as readonly number[]) : (PHRASE_IDS.get(t) ?? NO_IDS);
    // Each phrase once, however many of its start words the post has.
    for (let k = 0; k < ids.length; k += 1) if (!(candidates ??= []).includes(ids[k] as number)) candidates.push(ids[k] as number);
    if (f !== undefined ? f.seedSpaced : t.includes(' ')) spaced = true;
  }
  const hits = phraseHits(joined, candidates, spaced, required);
  const scores = new Array<number>(SEED_CATEGORIES.length).fill(0);
  for (let g = 0; g < GROUPS.length; g += 1) {
    const group = GROUPS[g] as Group;
    if (group.requires && !(required & (1 << g))) continue;
    const n = (counts[g] as number) + (hits?.[g] ?? 0);
    const score = n === 0 ? 0 : (group.weight * (1 + Math.min(2, n - 1) * 0.25)) / 4.5;
    const c = SEED_INDEX[group.category] as number;
    scores[c] = Math.max(scores[c] as number, score);
  }
  return scores;
}

/** The strongest seed, for weak labels and for a model without a category head. */
export function seedCategory(seeds: readonly number[]): SeedCategory | null {
  let best = -1;
  let score = 0;
  seeds.forEach((s, i) => {
    if (s > score) {
      best = i;
      score = s;
    }
  });
  return best < 0 ? null : (SEED_CATEGORIES[best] as SeedCategory);
}

/** How much a seed's strength (0–1) adds to the head's probability. */
export const SEED_BLEND = 1;

export interface CategoryInput {
  seeds: readonly number[];
  /** The head's probabilities over MODEL_CATEGORIES, computed only when needed; null when the language is not scored. */
  probs: (() => ArrayLike<number>) | null;
  /** P(problem category) from which the head's choice is taken. */
  threshold: number;
  question: boolean;
  positive: boolean;
  complaint: boolean;
  /** Negative in tone: with `complaint`, a post that has a problem to place. */
  negative?: boolean;
}

/**
 * A complaint or a negative post has a problem; the head only has to say which. Ordinary posts
 * must clear `threshold` to be put in a problem category at all.
 */
export const PROBLEM_CATEGORY_AT = 0.15;

export function categorise(input: CategoryInput): Category {
  const safety = SEED_CATEGORIES.indexOf('safety_legal_press');
  // Legal, press and safety posts go to the people who handle them, whatever else they say.
  if ((input.seeds[safety] ?? 0) > 0) return 'safety_legal_press';
  // Thanks for a rebooked flight is praise, not a delay case, unless it is also a complaint.
  if (input.positive && !input.complaint) return 'praise';
  if (input.probs) {
    const probs = input.probs();
    let best = -1;
    let p = 0;
    for (let c = 0; c < SEED_CATEGORIES.length; c += 1) {
      // Keywords the head may never have seen with this label (other industries, other languages) still count.
      const score = (probs[c] ?? 0) + SEED_BLEND * (input.seeds[c] ?? 0);
      if (score > p) {
        best = c;
        p = score;
      }
    }
    const problem = input.complaint || input.negative === true;
    if (best >= 0 && p >= (problem ? Math.min(PROBLEM_CATEGORY_AT, input.threshold) : input.threshold))
      return SEED_CATEGORIES[best] as Category;
  }
  // A complaint the head cannot place still has its keywords.
  const seeded = input.complaint || !input.probs ? seedCategory(input.seeds) : null;
  if (seeded) return seeded;
  return input.question ? 'question' : 'other';
}
