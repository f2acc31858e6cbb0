import type { PackedNgrams } from './eld-table.js';

/**
 * ELD's detect() (the `eld` package, src/languageDetector.js, Apache-2.0) computed the same way
 * on the same table, only faster and smaller: on posts in other languages ELD was a third of
 * triage's time, most of it spent enumerating the keys of per-n-gram objects (`for…in`, a string
 * key per language) and of a per-post object used as a set. Here the table is packed into typed
 * arrays (eld-table.ts), every n-gram's pairs side by side, and a post's n-grams are a Set. The
 * sums are of integers, so the order they are added in cannot change them. The result object, the
 * separator regex and the byte dictionary are the package's own, so isReliable() and getScores()
 * are unchanged; test/triage-eld.test.ts compares both on dev posts.
 */
export interface EldResult {
  language: string;
  isReliable(): boolean;
  getScores(): Record<string, number>;
}
export interface Eld {
  detect(text: string): EldResult;
}

export type ResultClass = new (language: string, results: number[], numNgrams: number, langCodes: Record<string, string>) => EldResult;

export interface EldParts {
  /** eld's `separators`: runs of non-letters, replaced by one space. */
  separators: RegExp;
  /** eld's `dictionary`: one character per byte value, so UTF-8 bytes can be strings. */
  dictionary: readonly string[];
  Result: ResultClass;
}

/** eld reads at most this many characters, and stops at a space after CUT_AFTER bytes or anywhere after CUT_HARD. */
const MAX_CHARS = 1000;
const CUT_AFTER = 350;
const CUT_HARD = 380;
/** Longer words are read up to here (their last n-gram still runs to the word's end, as in eld). */
const MAX_WORD = 70;

export class FastEld implements Eld {
  private readonly languages: Record<string, string>;
  private readonly languageCount: number;

  constructor(
    private readonly table: PackedNgrams,
    private readonly parts: EldParts,
  ) {
    this.languages = table.header.languages;
    this.languageCount = Object.keys(this.languages).length;
  }

  detect(input: string): EldResult {
    const text = input.substring(0, MAX_CHARS).replace(this.parts.separators, ' ').trim().toLowerCase();
    const grams = ngramsOf(byteWords(text, this.parts.dictionary));
    const scores = new Array<number>(this.languageCount).fill(0);
    const { pairAt, pairLang, pairScore } = this.table;
    for (const gram of grams) {
      const i = this.table.find(gram);
      if (i < 0) continue;
      for (let p = pairAt[i] as number; p < (pairAt[i + 1] as number); p += 1) {
        const lang = pairLang[p] as number;
        scores[lang] = (scores[lang] as number) + (pairScore[p] as number);
      }
    }
    // The first language with the highest positive score, in index order, as eld's getMaxLang.
    let best = -1;
    let max = 0;
    for (let i = 0; i < scores.length; i += 1) {
      const v = scores[i] as number;
      if (v > max) {
        max = v;
        best = i;
      }
    }
    const Result = this.parts.Result;
    if (best < 0) return new Result('', [], 0, {});
    return new Result(this.languages[best] ?? '', scores, grams.size, this.languages);
  }
}

/**
 * The text's words as UTF-8 byte strings (one dictionary character per byte above ASCII), split
 * at spaces, cut where eld cuts. An unpaired surrogate is read with the next unit, as eld does.
 */
function byteWords(s: string, dict: readonly string[]): string[] {
  const words: string[] = [];
  let word = '';
  let bytes = 0;
  for (let i = 0; i < s.length; i += 1) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 32) {
        if (word !== '') words.push(word);
        word = '';
        if (bytes > CUT_AFTER) break;
      } else word += s[i];
      bytes += 1;
    } else if (c < 0x800) {
      word += (dict[0xc0 | (c >> 6)] as string) + (dict[0x80 | (c & 0x3f)] as string);
      bytes += 2;
    } else if (c < 0xd800 || c >= 0xe000) {
      word += (dict[0xe0 | (c >> 12)] as string) + (dict[0x80 | ((c >> 6) & 0x3f)] as string) + (dict[0x80 | (c & 0x3f)] as string);
      bytes += 3;
    } else {
      i += 1;
      c = 0x10000 + (((c & 0x3ff) << 10) | (s.charCodeAt(i) & 0x3ff));
      word += (dict[0xf0 | (c >> 18)] as string) + (dict[0x80 | ((c >> 12) & 0x3f)] as string);
      word += (dict[0x80 | ((c >> 6) & 0x3f)] as string) + (dict[0x80 | (c & 0x3f)] as string);
      bytes += 4;
    }
    if (bytes > CUT_HARD) break;
  }
  if (word !== '') words.push(word);
  return words;
}

/** Byte 4-grams at a stride of 3, the first marked by a leading space and the last by a trailing one. */
function ngramsOf(words: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const word of words) {
    const len = Math.min(word.length, MAX_WORD);
    let j = 0;
    for (; j + 4 < len; j += 3) out.add(j === 0 ? ` ${word.substring(0, 4)}` : word.substring(j, j + 4));
    out.add(`${j === 0 ? ' ' : ''}${word.substring(len !== 3 ? len - 4 : 0)} `);
  }
  return out;
}
