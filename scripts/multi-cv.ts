/**
 * A quicker loop than `npm run eval` for work on the other languages: the same outer folds,
 * the same per-language negative thresholds tuned on inner folds of each training part, the same
 * scoring in the language identified from the text, but the sentiment head only (complaint,
 * irony and category heads are left out, they do not change the sentiment reading).
 *
 *   npx tsx scripts/multi-cv.ts [-- --folds 4 --inner 2 --no-english]
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { loadAllLabelled } from '../src/triage/train/dataset-tweets.js';
import { outerFold, scoreWith } from '../src/triage/train/eval/crossval.js';
import { fitHeads, foldOf, groupOf, prepare, type Prepared } from '../src/triage/train/fit.js';
import { fitHinglish } from '../src/triage/train/hinglish.js';
import { macroF1At } from '../src/triage/train/tune.js';
import { softmax } from '../src/triage/train/learn.js';
import { MAIN_OUTPUTS, SENTIMENT_CLASSES, type TriageModel } from '../src/triage/model.js';
import { MODEL_CATEGORIES } from '../src/triage/category.js';
import { FEATURE_DIM } from '../src/triage/features.js';
import { quantise } from '../src/triage/weights.js';
import { macroF1 } from '../src/triage/train/eval/metrics.js';
import { toTrainingRows } from '../src/triage/train/training-rows.js';
import type { Sentiment } from '../src/triage-types.js';

const { values } = parseArgs({
  options: {
    folds: { type: 'string', default: '4' },
    inner: { type: 'string', default: '2' },
    'no-english': { type: 'boolean', default: false },
    // One JSON line per scored multilingual row (language, identified, gold, predicted, text), for error analysis.
    dump: { type: 'string' },
  },
});
const folds = Number(values.folds);
const inner = Number(values.inner);
const started = performance.now();
const secs = (): string => ((performance.now() - started) / 1000).toFixed(0);

// Rows get their sentiment from toTrainingRows, as in npm run eval: ironic tweets are weak negatives there.
const posts = loadAllLabelled(DEFAULT_DATA_DIR).filter((p) => !values['no-english'] || p.source === 'multi');
const rows = toTrainingRows(posts).filter((r) => r.sentiment);
const data = prepare(rows);
process.stderr.write(`${data.length} rows prepared at ${secs()} s\n`);

const GRID = Array.from({ length: 26 }, (_, i) => Math.round((0.2 + i * 0.02) * 100) / 100);
const lang = (d: Prepared): string => d.row.language ?? 'en';

function sentimentOnly(train: Prepared[]): Float32Array {
  // fitHeads trains every head; only rows with sentiment are passed, and complaint/irony/category labels are dropped.
  const bare = train.map((d) => ({ x: d.x, row: { ...d.row, complaint: null, irony: null, category: null } }));
  return fitHeads(bare).main;
}

function thresholds(train: Prepared[]): Record<string, number> {
  const probs: Array<[number, number, number]> = [];
  const out = new Float64Array(3);
  for (let f = 0; f < inner; f += 1) {
    const inFold = train.map((d) => foldOf(groupOf(d.row), inner, 'inner:') === f);
    const main = sentimentOnly(train.filter((_, i) => !inFold[i]));
    const w = new Float32Array(3 * FEATURE_DIM);
    for (let k = 0; k < FEATURE_DIM; k += 1) for (let c = 0; c < 3; c += 1) w[k * 3 + c] = main[k * MAIN_OUTPUTS + c] as number;
    train.forEach((d, i) => {
      if (inFold[i]) probs[i] = Array.from(softmax(w, d.x, out)) as [number, number, number];
    });
  }
  const by: Record<string, number> = {};
  for (const code of new Set(train.map(lang))) {
    if (code === 'en') continue;
    const rs = train
      .map((d, i) => ({ d, i }))
      .filter(({ d }) => lang(d) === code && !d.row.twoClass)
      .map(({ d, i }) => ({ gold: SENTIMENT_CLASSES.indexOf(d.row.sentiment as Sentiment), probs: probs[i] as [number, number, number] }));
    let b = { t: 0.5, f1: -1 };
    for (const t of GRID) {
      const f1 = macroF1At(rs, t).f1;
      if (f1 > b.f1) b = { t, f1 };
    }
    by[code] = b.t;
  }
  return by;
}

if (values.dump) writeFileSync(values.dump, '');
const perLang = new Map<string, { f1: number[]; id: number[] }>();
for (let f = 0; f < folds; f += 1) {
  const test = data.filter((d) => outerFold(d.row, folds) === f);
  const train = data.filter((d) => outerFold(d.row, folds) !== f);
  const model: TriageModel = {
    main: quantise(sentimentOnly(train), MAIN_OUTPUTS),
    category: quantise(new Float32Array(MODEL_CATEGORIES.length * FEATURE_DIM), MODEL_CATEGORIES.length),
    hinglish: fitHinglish(train.map((d) => d.row)),
    negativeAt: 0.5,
    negativeAtByLanguage: inner >= 2 ? thresholds(train) : {},
    complaintAt: 0.5,
    ironyAt: 2,
    categoryAt: 0.35,
    brands: {},
    meta: {},
  };
  const scored = scoreWith(
    model,
    test.filter((d) => d.row.source === 'multi'),
    f,
  );
  const dump = values.dump;
  if (dump)
    for (const s of scored)
      appendFileSync(
        dump,
        `${JSON.stringify({ lang: s.row.language, id: s.identified, gold: s.row.sentiment, pred: s.sentiment, probs: s.probs, text: s.row.text })}\n`,
      );
  for (const code of new Set(scored.map((s) => s.row.language ?? 'en'))) {
    const mine = scored.filter((s) => s.row.language === code);
    const e = perLang.get(code) ?? { f1: [], id: [] };
    e.f1.push(
      macroF1(
        mine.map((s) => s.row.sentiment as Sentiment),
        mine.map((s) => s.sentiment),
      ),
    );
    e.id.push(mine.filter((s) => s.identified === code).length / mine.length);
    perLang.set(code, e);
  }
  process.stderr.write(`fold ${f + 1}/${folds} at ${secs()} s: ${JSON.stringify(model.negativeAtByLanguage)}\n`);
}

const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
const sd = (a: number[]): number => Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / Math.max(1, a.length - 1));
const all: number[] = [];
for (const [code, e] of [...perLang].sort()) {
  all.push(mean(e.f1));
  console.log(`${code}  F1 ${mean(e.f1).toFixed(3)} ± ${sd(e.f1).toFixed(3)}   ID ${mean(e.id).toFixed(3)}`);
}
console.log(`mean F1 ${mean(all).toFixed(4)}  (${secs()} s)`);
