import type { TokenFacts } from './token-facts.js';
import type { Category } from '../triage-types.js';
import { GROUPS, SEED_CATEGORIES, type Group, type SeedCategory } from './category-seeds.js';

export { MODEL_CATEGORIES, SEED_CATEGORIES, type SeedCategory } from './category-seeds.js';

// The words are joined with single spaces and padded, so a word ends at a space: `\b` would not
// see the end of "llegó", since "ó" is not an ASCII word character.
// Read off before that rewrite: the words a phrase can start with, when that is safe to say.
const PHRASE_STARTS = new Set<string>();
const UNGATED: string[] = [];
for (const g of GROUPS) {
  for (const p of g.phrases) {
    const starts = startWords(p.source);
    if (starts) starts.forEach((w) => PHRASE_STARTS.add(w));
    else UNGATED.push(p.source.replace(/\\b/g, '(?= )'));
  }
}
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
// Most posts match no phrase: one combined test first, the per-group patterns only after a hit.
const ANY_PHRASE = new RegExp(GROUPS.flatMap((g) => g.phrases.map((p) => p.source)).join('|'));
// Without a token that starts a gated phrase, only the ungated ones can match.
const ANY_UNGATED = UNGATED.length ? new RegExp(UNGATED.join('|')) : null;

// A token with a space inside could spell a phrase's first word on its own.
const startsPhrase = (t: string): boolean => PHRASE_STARTS.has(t) || t.includes(' ');

function lookUp(t: string, f: TokenFacts): void {
  f.seedWords = WORD_BITS.get(t) ?? 0;
  f.seedRequires = REQUIRE_BITS.get(t) ?? 0;
  f.seedGate = startsPhrase(t);
}

/**
 * Per seed category, in SEED_CATEGORIES order, a 0–1 strength. `tokens` are the post's words in
 * lower case; `joined` the same words joined by single spaces and padded with one at each end.
 */
export function seedScores(tokens: readonly string[], joined: string, facts?: readonly TokenFacts[]): number[] {
  const counts = new Array<number>(GROUPS.length).fill(0);
  let required = 0;
  let gate = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] as string;
    const f = facts?.[i];
    if (f !== undefined && f.seedWords < 0) lookUp(t, f);
    const bits = f !== undefined ? f.seedWords : (WORD_BITS.get(t) ?? 0);
    if (bits !== 0) for (let g = 0; g < counts.length; g += 1) if (bits & (1 << g)) counts[g] = (counts[g] as number) + 1;
    required |= f !== undefined ? f.seedRequires : (REQUIRE_BITS.get(t) ?? 0);
    if (!gate && (f !== undefined ? f.seedGate : startsPhrase(t))) gate = true;
  }
  const phrases = gate ? ANY_PHRASE.test(joined) : ANY_UNGATED !== null && ANY_UNGATED.test(joined);
  const scores = new Array<number>(SEED_CATEGORIES.length).fill(0);
  for (let g = 0; g < GROUPS.length; g += 1) {
    const group = GROUPS[g] as Group;
    if (group.requires && !(required & (1 << g))) continue;
    let hits = counts[g] as number;
    if (phrases) for (const p of group.phrases) if (p.test(joined)) hits += 1;
    // Repetition adds a little; it should not let a vague group outvote a specific one.
    const score = hits === 0 ? 0 : (group.weight * (1 + Math.min(2, hits - 1) * 0.25)) / 4.5;
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
