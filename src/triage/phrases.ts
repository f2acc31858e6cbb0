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

function firstWords(source: string): Set<string> | null {
  if (!source.startsWith(' ')) return null;
  const rest = source.slice(1);
  let alternatives = [rest];
  if (rest.startsWith('(')) {
    const close = rest.indexOf(')');
    const inner = rest.slice(1, close);
    if (close < 0 || inner.includes('(') || /[?*{]/.test(rest[close + 1] ?? '')) return null;
    alternatives = inner.split('|');
  }
  const words = new Set<string>();
  for (const alt of alternatives) {
    const w = /^[a-z]+/.exec(alt)?.[0];
    // The word must end where a token ends: "hours?" could be "hours", so it is not gated.
    if (!w) return null;
    const next = alt.slice(w.length, w.length + 2);
    if (!(next === '' || next === '\\b' || (next[0] === ' ' && !/[?*]/.test(next[1] ?? '')))) return null;
    words.add(w);
  }
  return words;
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
    if (f === undefined) ids = phraseStarts.get(normals[i] as string) ?? null;
    else {
      if (f.phraseCount !== phraseCount) {
        f.phraseIds = phraseStarts.get(normals[i] as string) ?? null;
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
    const ids = phraseStarts.get(w);
    if (ids) ids.push(id);
    else phraseStarts.set(w, [id]);
  }
  return { re, starts: starts ? [...starts] : null, id };
}
