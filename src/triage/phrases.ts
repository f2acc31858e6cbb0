import type { TokenFacts } from './token-facts.js';

/**
 * A phrase cue matched against `Analysis.joined`, with the words it can start with, so most
 * cues are skipped by a set lookup instead of a regex scan (triage runs dozens per post).
 * `starts` is null when the pattern's first word cannot be read off safely; then it always runs.
 */
export interface Phrase {
  re: RegExp;
  starts: readonly string[] | null;
  /** Index into an analysis's phraseCandidates. */
  id: number;
}

// For every word some phrase can start with, the ids of those phrases: a post's tokens are looked
// up once to mark its candidate phrases, instead of each phrase probing the post for its words.
const phraseStarts = new Map<string, number[]>();
let phraseCount = 0;
/** Stands for "a token starting with an ASCII digit or a dot", which `\d` and `[\d.]` need; never a token itself. */
export const DIGIT_START = '\u0000digit';
// Phrases that can start with such a token.
const digitIds: number[] = [];
const registered: Phrase[] = [];

/** Every phrase made so far, for tests that check the gates against the plain regexes. */
export function registeredPhrases(): readonly Phrase[] {
  return registered;
}

/** A pattern's end of word: the end of the pattern or alternative, a `\b`, or a space not made optional. */
const endsWord = (next: string): boolean => next === '' || next.startsWith('\\b') || (next[0] === ' ' && !/^ [?*{]/.test(next));

/** The words `alt` can start with: "days?" → day, days; "[\d.]+" and "24 " → a digit token. Null when unsure. */
function wordsOf(alt: string, after: string): string[] | null {
  if (/^(?:\\d|\[\\d\.?\]|\d)(?![?*{])/.test(alt)) return [DIGIT_START];
  const w = /^[a-z]+/.exec(alt)?.[0];
  if (!w) return null;
  let rest = alt.slice(w.length);
  const words = [w];
  // A last letter made optional: "days?" is "day" or "days".
  if (rest.startsWith('?') && w.length > 1) {
    words.push(w.slice(0, -1));
    rest = rest.slice(1);
  }
  return endsWord(rest || after) ? words : null;
}

/**
 * The words a phrase can start with, each a whole token wherever the phrase matches `joined`
 * (whose words are separated by single spaces), or null when that cannot be read off safely.
 * " (is )?(anyone|anybody) there" → is, anyone, anybody.
 */
function firstWords(source: string): Set<string> | null {
  if (!source.startsWith(' ')) return null;
  let rest = source.slice(1);
  const words = new Set<string>();
  // An optional first word: the phrase starts with it or with what follows it.
  const optional = /^\(([a-z]+) \)\?/.exec(rest);
  if (optional) {
    words.add(optional[1] as string);
    rest = rest.slice(optional[0].length);
  }
  let alternatives = [rest];
  let after = '';
  if (rest.startsWith('(')) {
    const close = rest.indexOf(')');
    const inner = rest.slice(1, close);
    if (close < 0 || inner.includes('(') || /[?*{+]/.test(rest[close + 1] ?? '')) return null;
    alternatives = inner.split('|');
    after = rest.slice(close + 1);
  }
  for (const alt of alternatives) {
    const ws = wordsOf(alt, after);
    if (!ws) return null;
    for (const w of ws) words.add(w);
  }
  return words;
}

/** A token's candidate phrase ids. */
function idsFor(normal: string): readonly number[] | null {
  const ids = phraseStarts.get(normal) ?? null;
  const c = normal.charCodeAt(0);
  if (!digitIds.length || !((c >= 48 && c <= 57) || c === 46)) return ids;
  return ids ? [...ids, ...digitIds] : digitIds;
}

export function phraseTotal(): number {
  return phraseCount;
}

/**
 * Per phrase id, 1 when one of the words the phrase can start with is among `normals`. A plain
 * array: a typed array this long would be allocated off the JS heap, which costs more per post.
 */
export function markPhraseCandidates(normals: readonly string[], facts?: readonly TokenFacts[]): number[] {
  const marks = new Array<number>(phraseCount).fill(0);
  for (let i = 0; i < normals.length; i += 1) {
    const f = facts?.[i];
    let ids: readonly number[] | null;
    if (f === undefined) ids = idsFor(normals[i] as string);
    else {
      if (f.phraseCount !== phraseCount) {
        f.phraseIds = idsFor(normals[i] as string);
        f.phraseCount = phraseCount;
      }
      ids = f.phraseIds;
    }
    if (ids !== null) for (const id of ids) marks[id] = 1;
  }
  return marks;
}

export function phrase(re: RegExp): Phrase {
  const starts = firstWords(re.source);
  const id = phraseCount;
  phraseCount += 1;
  for (const w of starts ?? []) {
    if (w === DIGIT_START) {
      digitIds.push(id);
      continue;
    }
    const ids = phraseStarts.get(w);
    if (ids) ids.push(id);
    else phraseStarts.set(w, [id]);
  }
  const made = { re, starts: starts ? [...starts] : null, id };
  registered.push(made);
  return made;
}
