import winkNLP, { type ItsFunction, type Tokens } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

// Loaded once per process: the model takes ~100 ms to unpack, far too slow per post.
// Only the annotations triage reads. Sentence splitting is left out too: it costs about a third
// of wink's time per post, and posts are short enough to be scored as one span.
const nlp = winkNLP(model, ['negation', 'sentiment']);
const its = nlp.its;
// The typings declare stem with the model-addons argument, which `out` supplies at run time.
const stemOf = its.stem as unknown as ItsFunction<string>;

export interface Analysis {
  /** wink-nlp's polarity of the whole post in [-1, 1]. */
  docScore: number;
  /** Normalised tokens ("can't" → "can", "not"; "thx" → "thanks"), lower case. */
  normals: string[];
  /** Porter stems, so one lexicon entry covers "cancel", "cancelled", "cancelling". */
  stems: string[];
  /** Original token text, for the capitals check. */
  values: string[];
  types: string[];
  /** True for tokens in the scope of a negation ("didn't *arrive*"). */
  negated: boolean[];
  /** Normals joined with single spaces and padded, so phrase cues can be matched with " still waiting ". */
  joined: string;
  /** The distinct normals, built on first use: phrase cues check their first word here before running a regex. */
  readonly tokenSet: Set<string>;
  /** How many word tokens the English model's vocabulary knows: a cheap language signal. */
  knownWords: number;
}

// Porter stemming is the costliest step per token, and vocabulary repeats, so stems are memoised
// by token text (the stemmer reads the text, not the normal form). Bounded so a flood of unique tokens (ids, typos) cannot grow it without limit.
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 50_000;

function stemsOf(tokens: Tokens, values: string[]): string[] {
  const stems: string[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const key = (values[i] ?? '').toLowerCase();
    let st = stemCache.get(key);
    if (st === undefined) {
      st = String(tokens.itemAt(i).out(stemOf));
      if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
      stemCache.set(key, st);
    }
    stems.push(st);
  }
  return stems;
}

// Idioms whose negation wink-nlp reads literally ("can't wait" scores negative); rewritten to plain equivalents first.
const IDIOMS: Array<[RegExp, string]> = [
  [/\bcan(?:['’]?t|not) wait\b/gi, 'so excited'],
  [/\bcan(?:['’]?t|not) thank (?:you|u) enough\b/gi, 'thank you so much'],
  [/\bcould(?:n['’]?t| not) (?:be|have been) (?:happier|better)\b/gi, 'very happy'],
  [/\bno (?:problem|worries)\b/gi, 'fine'],
  [/\bcan(?:['’]?t|not) believe\b/gi, 'wow'],
  // The lexicon scores "according" +0.5, which makes news reports read as praise.
  [/\baccording to\b/gi, 'per'],
];

const ANY_IDIOM = new RegExp(IDIOMS.map(([re]) => re.source).join('|'), 'i');

export function analyse(input: string): Analysis {
  let text = input;
  if (ANY_IDIOM.test(text)) for (const [re, plain] of IDIOMS) text = text.replace(re, plain);
  const doc = nlp.readDoc(text);
  const tokens = doc.tokens();
  const normals = tokens.out(its.normal) as string[];
  const docScore = Number(doc.out(its.sentiment)) || 0;
  const types = tokens.out(its.type) as string[];
  const values = tokens.out(its.value) as string[];
  let knownWords = -1;
  let tokenSet: Set<string> | null = null;
  return {
    docScore,
    normals,
    stems: stemsOf(tokens, values),
    values,
    types,
    negated: tokens.out(its.negationFlag) as unknown as boolean[],
    joined: ` ${normals.join(' ')} `,
    get tokenSet() {
      tokenSet ??= new Set(normals);
      return tokenSet;
    },
    // Only the language check reads it, and only for posts without English function words.
    get knownWords() {
      if (knownWords < 0) {
        knownWords = 0;
        for (let i = 0; i < types.length; i += 1) if (types[i] === 'word' && !doc.isOOV(normals[i] ?? '')) knownWords += 1;
      }
      return knownWords;
    },
  };
}

/** The word tokens only (no punctuation, emoji, numbers), lower case. */
export function wordsOf(a: Analysis): string[] {
  const words: string[] = [];
  for (let i = 0; i < a.normals.length; i += 1) {
    if (a.types[i] === 'word') words.push(a.normals[i] ?? '');
  }
  return words;
}

/**
 * A lexicon of each entry's normal form and, when `stems` is set, its stem, so "cancel" covers
 * "cancelled". Short entries keep no stem ("sos" stems to "so"), and lexicons whose stems would
 * collide with ordinary words ("helpful" → "help") pass `stems: false`. Built once at load.
 */
export function lexicon(words: string, opts: { stems: boolean } = { stems: true }): Set<string> {
  const set = new Set<string>();
  for (const w of words.split(/\s+/).filter(Boolean)) {
    set.add(w);
    const tokens = nlp.readDoc(w).tokens();
    // Multi-token entries ("wi-fi") would add their pieces; phrases belong in the regex cues instead.
    if (tokens.length() !== 1) continue;
    set.add(String(tokens.out(its.normal)[0]));
    if (opts.stems && w.length >= 4) set.add(String(tokens.out(stemOf)[0]));
  }
  return set;
}

export function hasToken(set: Set<string>, a: Analysis, i: number): boolean {
  return set.has(a.normals[i] ?? '') || set.has(a.stems[i] ?? '');
}

/**
 * A phrase cue matched against `Analysis.joined`, with the words it can start with, so most
 * cues are skipped by a set lookup instead of a regex scan (triage runs dozens per post).
 * `starts` is null when the pattern's first word cannot be read off safely; then it always runs.
 */
export interface Phrase {
  re: RegExp;
  starts: Set<string> | null;
}

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

export function phrase(re: RegExp): Phrase {
  return { re, starts: firstWords(re.source) };
}

export function phraseIn(p: Phrase, a: Analysis): boolean {
  if (p.starts) {
    const set = a.tokenSet;
    let any = false;
    for (const w of p.starts) {
      if (set.has(w)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return p.re.test(a.joined);
}
