/**
 * Language identification alone, in seconds: the same 4 outer folds as `npm run eval`, the
 * Hinglish head trained on each training part, every dev row identified from its masked text.
 * Prints the share identified as the set's language, per language, and a second figure for
 * every language but English: its rows whose every word is in the English vocabulary of that
 * fold's English training rows (the rule the Hinglish head's training uses) are plain English,
 * and reading them as English counts as right there. The sets are labelled by where a tweet was
 * collected, not by what it says, and a brand hearing an English sentence wants it read as one.
 *
 *   npx tsx scripts/language-cv.ts [-- --misses /tmp/misses.tsv]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { loadAllLabelled } from '../src/triage/train/dataset-tweets.js';
import { outerFold } from '../src/triage/train/eval/crossval.js';
import { englishVocabulary, fitHinglish } from '../src/triage/train/hinglish.js';
import { wordsIn } from '../src/triage/language.js';
import { identifyPostLanguage } from '../src/triage/signals.js';
import { maskText } from '../src/triage/mask.js';
import type { TriageModel } from '../src/triage/model.js';
import { toTrainingRows } from '../src/triage/train/training-rows.js';

const { values } = parseArgs({ options: { folds: { type: 'string', default: '4' }, misses: { type: 'string' } } });
const folds = Number(values.folds);
const rows = toTrainingRows(loadAllLabelled(DEFAULT_DATA_DIR)).filter((r) => r.source !== 'twcs');
const acc = new Map<string, { ok: number; n: number }>();
const plain = new Map<string, { ok: number; n: number; rows: number }>();
const misses: string[] = [];
for (let f = 0; f < folds; f += 1) {
  const train = rows.filter((r) => outerFold(r, folds) !== f);
  const model = { hinglish: fitHinglish(train) } as TriageModel;
  const english = englishVocabulary(train.map((r) => ({ lang: r.language ?? 'en', words: wordsIn(maskText(r.text, r.brand)) })));
  for (const r of rows.filter((x) => outerFold(x, folds) === f)) {
    const text = maskText(r.text, r.brand);
    const id = identifyPostLanguage(text, null, model).language;
    const lang = r.language ?? 'en';
    const e = acc.get(lang) ?? { ok: 0, n: 0 };
    e.n += 1;
    if (id === lang) e.ok += 1;
    else misses.push(`${lang}\t${id}\t${text.replace(/\s+/g, ' ')}`);
    acc.set(lang, e);
    if (lang !== 'en') {
      const words = wordsIn(text);
      const isPlain = words.length > 0 && words.every((w) => english.has(w));
      const p = plain.get(lang) ?? { ok: 0, n: 0, rows: 0 };
      p.n += 1;
      if (isPlain) p.rows += 1;
      if (id === lang || (isPlain && id === 'en')) p.ok += 1;
      plain.set(lang, p);
    }
  }
}
if (values.misses) writeFileSync(values.misses, `${misses.join('\n')}\n`);
for (const [lang, e] of [...acc].sort()) console.log(`${lang}  ${(e.ok / e.n).toFixed(3)}  (${e.n} rows)`);
for (const [lang, p] of [...plain].sort())
  console.log(
    `${lang}, plain-English rows read as English counted right: ${(p.ok / p.n).toFixed(3)} (${p.rows} of ${p.n} rows plain English)`,
  );
