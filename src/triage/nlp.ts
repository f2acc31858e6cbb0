import winkNLP, { type ItsFunction, type Tokens } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

// Loaded once per process: the model takes ~100 ms to unpack, far too slow per post.
// Only the annotations triage reads; POS and NER would roughly double the cost per post.
const nlp = winkNLP(model, ['sbd', 'negation', 'sentiment']);
const its = nlp.its;
// The typings declare stem with the model-addons argument, which `out` supplies at run time.
const stemOf = its.stem as unknown as ItsFunction<string>;

export interface Analysis {
  /** wink-nlp's document polarity in [-1, 1] (mean of sentence scores). */
  docScore: number;
  /** The most negative and most positive sentence scores, so one angry sentence is not averaged away. */
  minSentence: number;
  maxSentence: number;
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
  sentenceCount: number;
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

export function analyse(input: string): Analysis {
  let text = input;
  for (const [re, plain] of IDIOMS) text = text.replace(re, plain);
  const doc = nlp.readDoc(text);
  const tokens = doc.tokens();
  const normals = tokens.out(its.normal) as string[];
  const sentenceScores = doc.sentences().out(its.sentiment) as unknown as number[];
  const docScore = Number(doc.out(its.sentiment)) || 0;
  const types = tokens.out(its.type) as string[];
  const values = tokens.out(its.value) as string[];
  let knownWords = 0;
  for (let i = 0; i < types.length; i += 1) {
    if (types[i] === 'word' && !doc.isOOV(normals[i] ?? '')) knownWords += 1;
  }
  return {
    docScore,
    minSentence: sentenceScores.length ? Math.min(...sentenceScores) : 0,
    maxSentence: sentenceScores.length ? Math.max(...sentenceScores) : 0,
    normals,
    stems: stemsOf(tokens, values),
    values,
    types,
    negated: tokens.out(its.negationFlag) as unknown as boolean[],
    joined: ` ${normals.join(' ')} `,
    sentenceCount: sentenceScores.length,
    knownWords,
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
