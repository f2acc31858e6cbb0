import { readFileSync } from 'node:fs';
import { findModelFile } from './model-files.js';
import type { Analysis } from './nlp.js';
import { MULTI_LEXICONS } from './polarity-multi.js';

/**
 * Lexicon polarity of a post, VADER-style: each word's polarity from a human-rated lexicon
 * (models/polarity-en.tsv, see scripts/train-lexicon.ts), raised by "very"/"so", lowered by
 * "kind of", flipped and shrunk in a negation's scope, stressed in capitals, and after a "but"
 * counted more than before it. The trained model learns words from its training sets; the
 * lexicon knows thousands of words those sets barely contain, which is what general tweets on
 * any topic need. Emoji polarities are our own short list (the lexicon has none).
 */
export interface Polarity {
  positive: number;
  negative: number;
  /** Sum squashed to [-1, 1] as VADER does: s / sqrt(s² + 15). */
  compound: number;
}

const LEXICON_FILE = 'models/polarity-en.tsv';

function lexiconPath(): string | null {
  return findModelFile(LEXICON_FILE);
}

const EMOJI: Array<[string, number]> = [
  ['😀', 2],
  ['😃', 2],
  ['😄', 2.2],
  ['😁', 2],
  ['😆', 1.8],
  ['😂', 1.5],
  ['🤣', 1.5],
  ['😊', 2.2],
  ['🙂', 1.2],
  ['😍', 2.8],
  ['🥰', 2.8],
  ['😘', 2.2],
  ['😎', 1.6],
  ['🤩', 2.6],
  ['👍', 1.8],
  ['👏', 1.8],
  ['🙌', 2],
  ['💪', 1.5],
  ['🎉', 2.2],
  ['🥳', 2.4],
  ['❤', 2.5],
  ['❤️', 2.5],
  ['♥', 2.3],
  ['💕', 2.4],
  ['💖', 2.4],
  ['💙', 2.2],
  ['💯', 1.8],
  ['✨', 1.2],
  ['🔥', 1.2],
  ['🙏', 1],
  ['😢', -2],
  ['😭', -1.8],
  ['😞', -2],
  ['😔', -1.8],
  ['😩', -2],
  ['😫', -2],
  ['😡', -3],
  ['😠', -2.8],
  ['🤬', -3.2],
  ['😤', -2],
  ['👎', -2],
  ['💔', -2.4],
  ['😒', -1.8],
  ['🙄', -1.6],
  ['😑', -1],
  ['😐', -0.6],
  ['😬', -0.8],
  ['🤮', -2.8],
  ['🤢', -2.4],
  ['😱', -1.6],
];

const EMOJI_POLARITY = new Map(EMOJI);

function loadLexicon(): Map<string, number> {
  const lex = new Map<string, number>(EMOJI);
  const file = lexiconPath();
  if (!file) return lex;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    if (!lex.has(line.slice(0, tab))) lex.set(line.slice(0, tab), Number(line.slice(tab + 1)));
  }
  return lex;
}

const LEXICON = loadLexicon();
const BOOSTERS = new Set(
  'very so really extremely absolutely totally completely incredibly super truly utterly highly such quite especially seriously deeply hella soo sooo'.split(
    ' ',
  ),
);
const DAMPENERS = new Set('slightly somewhat barely hardly marginally partly kinda sorta little'.split(' '));
const BOOST = 0.293;
const CAPS = 0.733;
const NEGATION = -0.74;

function capitalised(v: string): boolean {
  if (v.length < 2) return false;
  // A word starting with a-z is not in capitals: checked first, since toUpperCase makes a new string.
  const c0 = v.charCodeAt(0);
  if (c0 >= 97 && c0 <= 122) return false;
  return v === v.toUpperCase() && v !== v.toLowerCase();
}

export function polarityOf(a: Analysis): Polarity {
  const n = a.normals.length;
  let but = -1;
  let caps = 0;
  let words = 0;
  for (let i = 0; i < n; i += 1) {
    if (a.normals[i] === 'but') but = i;
    if (a.types[i] === 'word') {
      words += 1;
      if (capitalised(a.values[i] ?? '')) caps += 1;
    }
  }
  // Capitals stress a word only when the rest of the post is not shouting too.
  const stressCaps = caps > 0 && caps < words;
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < n; i += 1) {
    const f = a.facts?.[i];
    let v: number | null | undefined;
    if (f === undefined) v = LEXICON.get(a.normals[i] ?? '');
    else v = f.polarity !== undefined ? f.polarity : (f.polarity = LEXICON.get(a.normals[i] ?? '') ?? null);
    if (v === undefined || v === null) continue;
    const prev = i > 0 ? (a.normals[i - 1] ?? '') : '';
    if (BOOSTERS.has(prev)) v += Math.sign(v) * BOOST;
    else if (DAMPENERS.has(prev)) v -= Math.sign(v) * BOOST;
    if (stressCaps && capitalised(a.values[i] ?? '')) v += Math.sign(v) * CAPS;
    if (a.negated[i]) v *= NEGATION;
    if (but >= 0) v *= i < but ? 0.5 : i > but ? 1.5 : 1;
    if (v > 0) positive += v;
    else negative -= v;
  }
  return { positive, negative, compound: squash(positive - negative) };
}

/**
 * For posts read without wink-nlp (the other languages): the language's own short list
 * (polarity-multi.ts), then, for Hindi tweets, which are half English, the English lexicon.
 * No boosters or capitals. `symbols` are the post's emoji.
 */
export function wordPolarity(
  words: readonly string[],
  negated: (i: number) => boolean,
  lang = 'hi',
  symbols: readonly string[] = [],
): Polarity {
  const own = MULTI_LEXICONS.get(lang);
  const english = lang === 'hi';
  let positive = 0;
  let negative = 0;
  for (const s of symbols) {
    const v = EMOJI_POLARITY.get(s);
    if (v === undefined) continue;
    if (v > 0) positive += v;
    else negative -= v;
  }
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i] ?? '';
    let v = own?.get(w) ?? (english ? LEXICON.get(w) : undefined);
    if (v === undefined) continue;
    if (negated(i)) v *= NEGATION;
    if (v > 0) positive += v;
    else negative -= v;
  }
  return { positive, negative, compound: squash(positive - negative) };
}

function squash(s: number): number {
  return s / Math.sqrt(s * s + 15);
}
