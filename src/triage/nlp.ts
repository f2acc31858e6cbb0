import winkNLP, { type Document, type ItsFunction, type Tokens } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { markPhraseCandidates, phraseTotal, type Phrase } from './phrases.js';
import type { TokenFacts } from './token-facts.js';
import { TokenReader } from './wink-tokens.js';

export { phrase, type Phrase } from './phrases.js';

// Loaded once per process: the model takes ~100 ms to unpack, far too slow per post.
// Only the annotations triage reads. Sentence splitting is left out too: it costs about a third
// of wink's time per post, and posts are short enough to be scored as one span.
let nlp = winkNLP(model, ['negation', 'sentiment']);
const its = nlp.its;
// wink-nlp adds every word it has not seen to its in-memory vocabulary and never lets go, so a
// long-running worker reading real streams (handles, typos, new slang) would grow for ever. A
// fresh instance every so many posts bounds that; the ~100 ms it costs is noise at this spacing.
// Token ids restart with it, which the stem cache below already tolerates (it checks the text).
const DOCS_PER_INSTANCE = 100_000;
let docsRead = 0;

function readDoc(text: string): Document {
  docsRead += 1;
  if (docsRead > DOCS_PER_INSTANCE) {
    nlp = winkNLP(model, ['negation', 'sentiment']);
    reader.reset();
    docsRead = 1;
  }
  return nlp.readDoc(text);
}
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
  /** Per token, the memo of triage's lookups for it (token-facts.ts); absent for analyses not read from wink. */
  readonly facts?: readonly TokenFacts[];
  /** How many word tokens the English model's vocabulary knows: a cheap language signal. */
  knownWords: number;
  /**
   * Tokens `from`..`i` (just `i` when `from` < 0) as the post wrote them, widened to whole words:
   * "n't" is shown with the word it belongs to ("isn't"), never as a piece.
   */
  shown(i: number, from: number): string;
}

// Porter stemming is the costliest step per token, and vocabulary repeats, so stems are memoised
// by token text (the stemmer reads the text, not the normal form). Keyed by the text as is: the
// stemmer lower-cases first, and wink hands back the same string objects, so no new key per token.
// Bounded so a flood of unique tokens (ids, typos) cannot grow it without limit. The token reader
// keeps them per vocabulary id as well, in front of this map.
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 50_000;

function cachedStem(tokens: Tokens, i: number, value: string): string {
  let st = stemCache.get(value);
  if (st === undefined) {
    st = String(tokens.itemAt(i).out(stemOf));
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    stemCache.set(value, st);
  }
  return st;
}

export const reader = new TokenReader(its as unknown as ConstructorParameters<typeof TokenReader>[0], cachedStem);
// Contractions, negation scope, emoji, numbers, a handle-like word and punctuation: every kind of token triage reads.
reader.verify(
  ["I can't believe they didn't refund me, won't fly again!! 😡 2 hrs", 'Not helpful at all... gonna cancel #fail :( $200 @ 5pm'].map((t) =>
    nlp.readDoc(t),
  ),
);

// Idioms whose negation wink-nlp reads literally ("can't wait" scores negative); rewritten to plain equivalents first.
const IDIOMS: Array<[RegExp, string]> = [
  [/\bcan(?:['’]?t|not| not) wait\b/gi, 'so excited'],
  [/\bcan(?:['’]?t|not| not) thank (?:you|u) enough\b/gi, 'thank you so much'],
  [/\bcould(?:n['’]?t| not) (?:be|have been) (?:happier|better)\b/gi, 'very happy'],
  [/\bno (?:problem|worries)\b/gi, 'fine'],
  [/\bcan(?:['’]?t|not| not) believe\b/gi, 'wow'],
  // The lexicon scores "according" +0.5, which makes news reports read as praise.
  [/\baccording to\b/gi, 'per'],
];

const ANY_IDIOM = new RegExp(IDIOMS.map(([re]) => re.source).join('|'), 'i');

/**
 * A class rather than an object literal with getters: a literal with accessors is rebuilt
 * property by property on every call, which cost about as much as wink's own tokenising.
 */
class PostAnalysis implements Analysis {
  readonly joined: string;
  private set: Set<string> | null = null;
  private known = -1;
  private flags: number[] | null = null;
  private flagsVersion = -1;
  private candidates: number[] | null = null;

  constructor(
    private readonly doc: Document,
    readonly docScore: number,
    readonly normals: string[],
    readonly stems: string[],
    readonly values: string[],
    readonly types: string[],
    readonly negated: boolean[],
    readonly facts: readonly TokenFacts[],
  ) {
    this.joined = ` ${normals.join(' ')} `;
  }

  get tokenSet(): Set<string> {
    this.set ??= new Set(this.normals);
    return this.set;
  }

  /** Per token, the bits of the lexicons its normal or stem is in (see lexicon()). */
  get lexiconFlags(): number[] {
    if (this.flags === null || this.flagsVersion !== lexiconsVersion) {
      const flags: number[] = [];
      for (let i = 0; i < this.normals.length; i += 1) {
        const f = this.facts[i] as TokenFacts;
        if (f.lexVersion !== lexiconsVersion) {
          f.lexBits = (wordBits.get(this.normals[i] ?? '') ?? 0) | (wordBits.get(this.stems[i] ?? '') ?? 0);
          f.lexVersion = lexiconsVersion;
        }
        flags.push(f.lexBits);
      }
      this.flags = flags;
      this.flagsVersion = lexiconsVersion;
    }
    return this.flags;
  }

  /**
   * Per phrase id, 1 when one of the words the phrase can start with is among the tokens. A plain
   * array: a typed array this long would be allocated off the JS heap, which costs more per post.
   */
  get phraseCandidates(): number[] {
    if (this.candidates === null || this.candidates.length !== phraseTotal())
      this.candidates = markPhraseCandidates(this.normals, this.facts);
    return this.candidates;
  }

  private spaces: string[] | null = null;

  shown(i: number, from: number): string {
    this.spaces ??= this.doc.tokens().out(its.precedingSpaces) as string[];
    const sp = this.spaces;
    let start = from >= 0 ? from : i;
    let end = i;
    while (start > 0 && sp[start] === '' && this.types[start - 1] === 'word') start -= 1;
    while (end + 1 < this.values.length && sp[end + 1] === '' && /^['’]|^n['’]t$/i.test(this.values[end + 1] ?? '')) end += 1;
    let out = this.values[start] ?? '';
    for (let j = start + 1; j <= end; j += 1) out += `${sp[j] ? ' ' : ''}${this.values[j] ?? ''}`;
    return out;
  }

  // Only the language check reads it, and only for posts without English function words.
  get knownWords(): number {
    if (this.known < 0) {
      let n = 0;
      for (let i = 0; i < this.types.length; i += 1) if (this.types[i] === 'word' && !this.doc.isOOV(this.normals[i] ?? '')) n += 1;
      this.known = n;
    }
    return this.known;
  }
}

export function analyse(input: string): Analysis {
  let text = input;
  if (ANY_IDIOM.test(text)) for (const [re, plain] of IDIOMS) text = text.replace(re, plain);
  const doc = readDoc(text);
  const t = reader.read(doc);
  const docScore = Number(doc.out(its.sentiment)) || 0;
  return new PostAnalysis(doc, docScore, t.normals, t.stems, t.values, t.types, t.negated, t.facts);
}

/** The word tokens only (no punctuation, emoji, numbers), lower case. */
export function wordsOf(a: Analysis): string[] {
  const words: string[] = [];
  for (let i = 0; i < a.normals.length; i += 1) {
    if (a.types[i] === 'word') words.push(a.normals[i] ?? '');
  }
  return words;
}

// Which lexicons each word is in, one bit per lexicon, so hasToken() costs two lookups per token
// per post instead of two per lexicon per token. Lexicons are built at module load and never
// changed afterwards; the version catches one built after a post was read.
const lexiconBits = new Map<Set<string>, number>();
const wordBits = new Map<string, number>();
let lexiconsVersion = 0;

function registerLexicon(set: Set<string>): void {
  if (lexiconBits.size >= 31) return;
  const bit = 1 << lexiconBits.size;
  lexiconBits.set(set, bit);
  for (const w of set) wordBits.set(w, (wordBits.get(w) ?? 0) | bit);
  lexiconsVersion += 1;
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
  registerLexicon(set);
  return set;
}

export function hasToken(set: Set<string>, a: Analysis, i: number): boolean {
  const bit = lexiconBits.get(set);
  if (bit !== undefined && a instanceof PostAnalysis) return ((a.lexiconFlags[i] ?? 0) & bit) !== 0;
  return set.has(a.normals[i] ?? '') || set.has(a.stems[i] ?? '');
}

export function phraseIn(p: Phrase, a: Analysis): boolean {
  const starts = p.starts;
  if (starts) {
    if (a instanceof PostAnalysis) {
      if (!a.phraseCandidates[p.id]) return false;
    } else if (!markPhraseCandidates(a.normals)[p.id]) return false;
  }
  return p.re.test(a.joined);
}
