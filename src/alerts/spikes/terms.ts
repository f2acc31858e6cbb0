import type { BrandConfig } from '../../config/schema.js';
import { maskDetailed } from '../../triage/mask.js';
import { stopwords } from './stopwords.js';

/** A post rarely has more topic words than this; a pasted essay must not weigh more than a tweet. */
const MAX_TERMS = 40;
/**
 * A word: letters (with their combining marks, so Devanagari and vowelled Arabic stay whole) and
 * digits, joined by inner apostrophes or hyphens ("l'avion", "AA900", "wi-fi"). The hyphen is
 * dropped, so "wi-fi" and "wifi", "re-book" and "rebook" count as one word.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[-'’][\p{L}\p{M}\p{N}]+)*/gu;
const HYPHENS = /-/g;
/** Numbers, and the ordinals, times and amounts written with them ("2nd", "5pm", "3hrs", "1k"): no topic. */
const NUMERIC = /^\p{N}+(?:st|nd|rd|th|k|m|h|hr|hrs|min|mins|am|pm|s|x)?$/u;
/** "flight's", "we'll", "couldn't": the word without its clitic (the negation is not a topic). */
const CLITIC = /(?:n['’]t|['’](?:s|ll|ve|re|d|m))$/;
const APOSTROPHES = /['’]/g;
/** What is left of "can't", "won't" and "shan't" once "n't" is off. */
const NEGATED_STEMS: Record<string, string> = { ca: 'can', wo: 'will', sha: 'shall' };
/** One spelling for the words a storm is most often about, so British and American posts add up. */
const SPELLING: Record<string, string> = {
  cancelled: 'canceled',
  cancelling: 'canceling',
  cancelation: 'cancellation',
  cancelations: 'cancellations',
};
/** French and Italian elide articles and prepositions onto the noun: "l'avion", "dell'aereo", "qu'il". */
const ELISION = /^(?:\p{L}{1,2}|qu|dell|dall|nell|sull|all|quell)['’]/u;
const ELIDING = new Set(['fr', 'it']);

/**
 * The words a post is about, for spike terms: the text masked as triage masks it (brand names,
 * links and handles out, hashtags split into words), cut into words by one Unicode pattern that
 * suits every language triage scores (all of them write spaces between words), function words
 * dropped, plus each pair of adjacent content words ("flight canceled"); a phrase never spans
 * punctuation or a dropped word. Distinct per post, so one post repeating a word counts once.
 *
 * Its own tokeniser rather than triage's: triage does not hand its tokens on, and reading the
 * post with wink-nlp a second time cost five times what counting the rest of the batch did.
 */
export function spikeTerms(text: string, language: string, brand: BrandConfig): string[] {
  const masked = maskDetailed(text, brand).text.toLowerCase();
  const stop = stopwords(language);
  const elides = ELIDING.has(language);
  const out = new Set<string>();
  let prev: string | null = null;
  let prevEnd = -1;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(masked); m !== null && out.size < MAX_TERMS; m = WORD.exec(masked)) {
    const w = keep(m[0], stop, elides);
    // Adjacent means one space apart (the mask leaves single spaces): "down, again" is no phrase.
    const adjacent = prev !== null && m.index === prevEnd + 1 && masked.charCodeAt(prevEnd) === 32;
    if (w) {
      out.add(w);
      if (adjacent && prev !== w) out.add(`${prev} ${w}`);
    }
    prev = w;
    prevEnd = m.index + m[0].length;
  }
  return [...out];
}

function keep(word: string, stop: Set<string>, elides: boolean): string | null {
  let w = word.includes('-') ? word.replace(HYPHENS, '') : word;
  if (w.includes("'") || w.includes('’')) {
    if (elides) w = w.replace(ELISION, '');
    w = w.replace(CLITIC, '');
    w = (NEGATED_STEMS[w] ?? w).replace(APOSTROPHES, '');
  }
  w = SPELLING[w] ?? w;
  if (w.length < 2 || w.length > 40 || NUMERIC.test(w) || stop.has(w)) return null;
  return w;
}
