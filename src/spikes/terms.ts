import type { BrandConfig } from '../config/schema.js';
import { maskDetailed } from '../triage/mask.js';
import { readMulti } from '../triage/multi.js';
import { analyse } from '../triage/nlp.js';
import { stopwords } from './stopwords.js';

/** A post rarely has more topic words than this; a pasted essay must not weigh more than a tweet. */
const MAX_TERMS = 40;
const KEEP_TYPES = new Set(['word', 'hashtag']);
const NUMERIC = /^\p{N}+$/u;

/**
 * The words a post is about, for spike terms: the same tokenisation triage uses (wink-nlp's
 * normal forms for English and for text triage cannot read, Intl.Segmenter words for the other
 * languages), brand names, links and handles masked out as triage masks them, function words
 * dropped, plus each pair of adjacent content words ("flight canceled", "aa 900" stays "aa900").
 * Distinct per post, so one post repeating a word counts once.
 */
export function spikeTerms(text: string, language: string, brand: BrandConfig): string[] {
  const masked = maskDetailed(text, brand);
  const stop = stopwords(language);
  // `null` marks a break (punctuation or a dropped word) that a phrase must not cross.
  const seq: Array<string | null> = [];
  if (language === 'en' || language === 'und' || language === '') {
    const a = analyse(masked.text);
    for (let i = 0; i < a.normals.length; i += 1) seq.push(KEEP_TYPES.has(a.types[i] ?? '') ? keep(a.normals[i] ?? '', stop) : null);
  } else {
    const { post } = readMulti({ text, lang: language, masked, question: false });
    for (const w of post.words) seq.push(keep(w, stop));
  }
  const out = new Set<string>();
  for (let i = 0; i < seq.length && out.size < MAX_TERMS; i += 1) {
    const w = seq[i];
    if (!w) continue;
    out.add(w);
    const next = seq[i + 1];
    if (next && next !== w) out.add(`${w} ${next}`);
  }
  return [...out];
}

function keep(word: string, stop: Set<string>): string | null {
  const w = word.replace(/^#/, '').replace(/['’]/g, '');
  if (w.length < 2 || w.length > 40 || NUMERIC.test(w) || stop.has(w)) return null;
  return w;
}
