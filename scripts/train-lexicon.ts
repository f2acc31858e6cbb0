/**
 * Writes models/polarity-en.tsv, the English word polarities triage's lexicon features read
 * (src/triage/polarity.ts), from the VADER lexicon shipped in the `vader-sentiment` dev
 * dependency (C.J. Hutto and E. Gilbert, 2014; lexicon MIT, JavaScript port Apache-2.0).
 * Only entries that can be one wink-nlp token are kept: lower-case words and emoticons. Run it
 * again only to change that selection; the file is committed so production needs no dev package.
 *
 *   npx tsx scripts/train-lexicon.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const source = path.join(path.dirname(require.resolve('vader-sentiment/package.json')), 'vader_lexicon.txt');
const out: string[] = [
  '# English polarities (-4..4) from the VADER lexicon, C.J. Hutto and E. Gilbert, ICWSM 2014 (MIT),',
  '# as shipped in vader-sentiment (Apache-2.0). Written by scripts/train-lexicon.ts.',
];
const seen = new Set<string>();
for (const line of readFileSync(source, 'utf8').split('\n')) {
  const [term, mean] = line.split('\t');
  if (!term || mean === undefined || /\s/.test(term) || term !== term.toLowerCase() || seen.has(term)) continue;
  const v = Number(mean);
  if (!Number.isFinite(v) || v === 0) continue;
  seen.add(term);
  out.push(`${term}\t${v}`);
}
writeFileSync('models/polarity-en.tsv', `${out.join('\n')}\n`);
console.log(`wrote models/polarity-en.tsv: ${out.length - 2} entries`);
