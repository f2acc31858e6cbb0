/**
 * How a word of a post in another language becomes the token the model hashes (multi.ts). Tweets
 * spell the same thing many ways, and with ~2,000 training tweets per language each spelling is
 * too rare to learn on its own:
 * - laughter ("jajaja", "kkkkk", "hahah", "mdr", "ahahah", "rsrs", "هههه") is one token, "haha",
 *   shared by every language and with English, since it means the same everywhere;
 * - letters held for emphasis ("siiiii", "buenooo") are cut to two, and the post is marked as
 *   having them;
 * - French and Italian elisions are split ("l'avion" → "avion", "dell'hotel" → "hotel"), and
 *   "n'" ("je n'aime pas") negates the word it is attached to;
 * - accented words also give their plain-letter form ("pésimo" → "pesimo"), which is how many
 *   people type them.
 */
export const LAUGH = 'haha';

const LAUGH_RE =
  /^(?:a?(?:h+a+){2,}h*|(?:j+a+){2,}j*|(?:[hj]+e+){2,}[hj]*|(?:h+[io]+){2,}h*|k{3,}|(?:rs){2,}|x+d+|l+o+l+|lmf?ao+|p?tdr+|mdr+|ه{3,})$/u;

/** First letters laughter can start with: most words are ruled out without the regular expression. */
const LAUGH_START = new Set('ahjkrxlmptه');

export function isLaugh(word: string): boolean {
  return word.length >= 3 && LAUGH_START.has(word[0] ?? '') && LAUGH_RE.test(word);
}

/** The word with every run of three or more of one letter cut to two, or null when it has none. */
export function unstretched(word: string): string | null {
  let run = 1;
  let stretched = false;
  for (let i = 1; i < word.length; i += 1) {
    run = word.charCodeAt(i) === word.charCodeAt(i - 1) ? run + 1 : 1;
    if (run >= 3) {
      stretched = true;
      break;
    }
  }
  return stretched ? word.replace(/(.)\1{2,}/gu, '$1$1') : null;
}

const APOSTROPHE = /['’]/u;
const ELIDING = new Set(['fr', 'it']);

/** For "l'avion": the word after the elided article or pronoun, and whether that was "n'" (a negation). */
export function elided(word: string, lang: string): { stem: string; negates: boolean } | null {
  if (!ELIDING.has(lang) || !APOSTROPHE.test(word)) return null;
  const at = Math.max(word.lastIndexOf("'"), word.lastIndexOf('’'));
  const stem = word.slice(at + 1);
  if (at <= 0 || stem.length < 2) return null;
  return { stem, negates: lang === 'fr' && word.slice(0, at) === 'n' };
}

const MARKS = /\p{M}/gu;

/** The word without accents, or null when it has none (ASCII words, and scripts whose marks are not accents). */
export function unaccented(word: string, lang: string): string | null {
  if (lang === 'ar' || lang === 'hi') return null;
  let plain = true;
  for (let i = 0; i < word.length; i += 1) if (word.charCodeAt(i) > 0x7f) plain = false;
  if (plain) return null;
  const folded = word.normalize('NFD').replace(MARKS, '');
  return folded === word ? null : folded;
}

/**
 * Emoticons typed with punctuation, as the emoji they stand for, so they share the emoji's weights
 * and polarity (Intl.Segmenter splits ":-)" into three symbols, so they are found in the text).
 */
const EMOTICON_RE = /(?<![\p{L}\p{N}])(?:[:;=]['-]?[)\]dDpP3*]+|[:;=]['-]?[([/\\]+|<3+|\(\s?y\s?\)|[xX][dD]+\b|\^_?\^)/gu;

export function emoticons(text: string, into: string[]): void {
  if (!/[:;=<(xX^]/.test(text)) return;
  for (const m of text.matchAll(EMOTICON_RE)) into.push(emojiFor(m[0]));
}

function emojiFor(e: string): string {
  const last = e[e.length - 1] ?? '';
  if (e.startsWith('<')) return '❤️';
  if (e.startsWith('(')) return '👍';
  if (e.startsWith('^')) return '😊';
  if (last === 'd' || last === 'D') return e.startsWith('x') || e.startsWith('X') ? '😂' : '😀';
  if (last === 'p' || last === 'P') return '😛';
  if ('([/\\'.includes(last)) return e.includes("'") ? '😢' : '😞';
  return e.startsWith(';') ? '😉' : '🙂';
}
