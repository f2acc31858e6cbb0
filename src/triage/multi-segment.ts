/**
 * Words and symbol tokens of a post in a language other than English. Intl.Segmenter splits any
 * script (Node 20 ships ICU's data, so no package is needed), but it was a quarter of triage()'s
 * time on those posts. Most of them are plain Latin words, spaces and a little punctuation at the
 * edges of words, where ICU's word rules (Unicode UAX #29) reduce to "a run of letters and digits
 * is one word; every other character is a token of its own", so such posts are split here by
 * hand and the rest still go to ICU. test/triage-multi-segment.test.ts compares the two on every
 * dev post and on random strings of these characters.
 */
export interface Segmented {
  /** Word-like segments, lower case. */
  words: string[];
  /** The same, as written. */
  shown: string[];
  /** "!", "?" and emoji, in order. */
  symbols: string[];
}

const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(lang: string): Intl.Segmenter {
  let s = segmenters.get(lang);
  if (s === undefined) {
    s = new Intl.Segmenter(lang, { granularity: 'word' });
    segmenters.set(lang, s);
  }
  return s;
}

const EMOJI_RE = /\p{Extended_Pictographic}/u;

/** ICU's route: any script, any punctuation. */
export function segmentIcu(text: string, lang: string): Segmented {
  const words: string[] = [];
  const shown: string[] = [];
  const symbols: string[] = [];
  for (const s of segmenter(lang).segment(text)) {
    if (s.isWordLike) {
      shown.push(s.segment);
      words.push(s.segment.toLowerCase());
    } else if (s.segment === '!' || s.segment === '?' || EMOJI_RE.test(s.segment)) symbols.push(s.segment.trim());
  }
  return { words, shown, symbols };
}

/** UAX #29's ALetter: ASCII letters and the Latin letters of Latin-1 and Latin Extended-A/B (U+00C0–U+024F without × and ÷). */
function letter(c: number): boolean {
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7;
}

const digit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Whether the character at `i`, between two word characters, keeps them one word (UAX #29 WB6,
 * WB7, WB11, WB12): ":" and "·" between letters ("a:b"), "." and the apostrophes between
 * letters or between digits ("l'eau", "e.g", "1.5"), "," and ";" between digits ("1,5").
 */
function joins(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(i + 1);
  const letters = letter(before) && letter(after);
  const digits = digit(before) && digit(after);
  if (c === 58 || c === 0xb7) return letters;
  if (c === 46 || c === 39 || c === 0x2019) return letters || digits;
  if (c === 44 || c === 59) return digits;
  return false;
}

/** Characters no word rule joins to a neighbour (UAX #29 class Other), each a token of its own. */
const LONE = new Set([...'!?"()¡¿-–—#…/*+=%&~«»“”<>[]{}|^$€£@'].map((ch) => ch.charCodeAt(0)));
const MIDS = new Set([...":·.'’,;"].map((ch) => ch.charCodeAt(0)));
/** Extend characters an emoji may carry: variation selectors and skin tones (as UTF-16 code units). */
const VARIATION = (c: number): boolean => c === 0xfe0f || c === 0xfe0e;

/** Length of the emoji (one pictograph, then variation selectors or skin tones) at `i`, or 0 when there is none or it is a sequence ICU joins further (ZWJ, keycaps, flags). */
function emojiAt(text: string, i: number): number {
  const cp = text.codePointAt(i) as number;
  let end = i + (cp > 0xffff ? 2 : 1);
  if (!EMOJI_RE.test(String.fromCodePoint(cp))) return 0;
  for (;;) {
    const next = text.codePointAt(end) ?? 0;
    if (VARIATION(next)) end += 1;
    else if (next >= 0x1f3fb && next <= 0x1f3ff) end += 2;
    else break;
  }
  return text.charCodeAt(end) === 0x200d ? 0 : end - i;
}

/**
 * The hand route, or null when the text has anything else in it: a character outside the sets
 * above, or any space but the plain one (tabs and line breaks have rules of their own).
 */
export function segmentPlain(text: string): Segmented | null {
  const out: Segmented = { words: [], shown: [], symbols: [] };
  let start = -1;
  for (let i = 0; i <= text.length; i += 1) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if (letter(c) || digit(c) || (start >= 0 && MIDS.has(c) && joins(text, i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      const w = text.slice(start, i);
      out.shown.push(w);
      out.words.push(w.toLowerCase());
      start = -1;
    }
    if (c === 32) continue;
    if (LONE.has(c) || MIDS.has(c)) {
      if (c === 33 || c === 63) out.symbols.push(c === 33 ? '!' : '?');
      continue;
    }
    const n = c >= 0x2000 ? emojiAt(text, i) : 0;
    if (n === 0) return null;
    out.symbols.push(text.slice(i, i + n));
    i += n - 1;
  }
  return out;
}

export function segment(text: string, lang: string): Segmented {
  return segmentPlain(text) ?? segmentIcu(text, lang);
}
