/**
 * The quickest loop for English sentiment and complaint ideas: the outer folds of `npm run eval`
 * (crossval.ts), one head at a time, no inner tuning, so each idea costs a minute or two instead
 * of a full eval. Screening only: a change that pays here is then measured with `npm run eval`.
 * - sentiment: the sentiment head alone, trained like fit.ts with the settings given here; macro-F1
 *   of its plain argmax per set (general tweets, airline, other languages) and review-sentence accuracy;
 * - complaint: the complaint head alone (without the features fit.ts keeps from it); per held-out
 *   industry, AUC and the F1 at the threshold that flags 10% of the ordinary tweets in the fold.
 *
 *   npx tsx scripts/english-heads-cv.ts [-- --head sentiment|complaint --runs 2 --l2 1e-4 --epochs 10 --general 3 --vectors on|off]
 */
import { parseArgs } from 'node:util';
import { FEATURE_DIM, type Features } from '../src/triage/features.js';
import { loadAllLabelled } from '../src/triage/train/dataset-tweets.js';
import { loadTwcs } from '../src/triage/train/dataset.js';
import { outerFold } from '../src/triage/train/eval/crossval.js';
import { macroF1 } from '../src/triage/train/eval/metrics.js';
import { CLASS_WEIGHT, prepare, type Prepared } from '../src/triage/train/fit.js';
import { NOT_FOR_COMPLAINTS, zeroVectors } from '../src/triage/train/head-inputs.js';
import { softmax, trainLogistic, trainSoftmax, type BinaryExample, type Example } from '../src/triage/train/learn.js';
import { toTrainingRows } from '../src/triage/train/training-rows.js';
import { SENTIMENT_CLASSES } from '../src/triage/model.js';
import type { Sentiment } from '../src/triage-types.js';

const { values: v } = parseArgs({
  options: {
    head: { type: 'string', default: 'sentiment' },
    runs: { type: 'string', default: '2' },
    l2: { type: 'string', default: '1e-4' },
    epochs: { type: 'string', default: '10' },
    rate: { type: 'string', default: '0.03' },
    // The general tweets' sentiment weight (training-rows.ts gives 3): the rows carry it, this rescales.
    general: { type: 'string', default: '3' },
    // 'off': the sentiment head without the word-vector block (fit.ts gives it to it), for a before/after.
    vectors: { type: 'string', default: 'on' },
  },
});
const FOLDS = 4;
const opts = { dim: FEATURE_DIM, epochs: Number(v.epochs), rate: Number(v.rate), l2: Number(v.l2) };

const results = new Map<string, number[]>();
const record = (name: string, x: number): void => void results.set(name, [...(results.get(name) ?? []), x]);

function sentimentFold(train: Prepared[], test: Prepared[]): void {
  const ex: Example[] = [];
  for (const { row, x } of train) {
    if (!row.sentiment) continue;
    const y = SENTIMENT_CLASSES.indexOf(row.sentiment);
    const scale = row.source === 'tweeteval' ? Number(v.general) / 3 : 1;
    ex.push({ x, y, w: row.weight * scale * (CLASS_WEIGHT[row.source ?? '']?.[y] ?? 1) });
  }
  const runs = Number(v.runs);
  const w = new Float32Array(3 * FEATURE_DIM);
  for (let r = 0; r < runs; r += 1) {
    const wr = trainSoftmax(ex, { classes: 3, seed: 7 + 4 * r, ...opts });
    for (let i = 0; i < w.length; i += 1) w[i] = (w[i] as number) + (wr[i] as number) / runs;
  }
  const out = new Float64Array(3);
  const argmax = (x: Features): Sentiment => {
    const p = softmax(w, x, out);
    const best =
      (p[0] as number) >= (p[1] as number) && (p[0] as number) >= (p[2] as number) ? 0 : (p[1] as number) >= (p[2] as number) ? 1 : 2;
    return SENTIMENT_CLASSES[best];
  };
  for (const source of ['tweeteval', 'airline', 'multi']) {
    const rows = test.filter((d) => d.row.source === source && d.row.sentiment && !d.row.twoClass);
    record(
      `${source} macro-F1 (argmax)`,
      macroF1(
        rows.map((d) => d.row.sentiment as Sentiment),
        rows.map((d) => argmax(d.x)),
      ),
    );
  }
  const sentences = test.filter((d) => d.row.source === 'sentences');
  const right = sentences.filter((d) => {
    const p = softmax(w, d.x, out);
    return (p[2] as number) > (p[0] as number) === (d.row.sentiment === 'positive');
  });
  record('review sentences accuracy', right.length / sentences.length);
}

function withoutPolarity(x: Features): Features {
  const val = x.val.slice();
  for (const i of NOT_FOR_COMPLAINTS) val[i] = 0;
  return { idx: x.idx, val, terms: x.terms };
}

function complaintFold(train: Prepared[], test: Prepared[]): void {
  const ex: BinaryExample[] = train
    .filter((d) => d.row.complaint != null)
    .map((d) => ({ x: withoutPolarity(d.x), y: d.row.complaint ? 1 : 0, w: d.row.complaintWeight ?? d.row.weight }));
  const w = trainLogistic(ex, { seed: 7, ...opts });
  const scored = test
    .filter((d) => d.row.source === 'complaints')
    .map((d) => {
      const x = withoutPolarity(d.x);
      let z = 0;
      for (let j = 0; j < x.idx.length; j += 1) z += (w[x.idx[j] as number] as number) * (x.val[j] as number);
      return { z, y: d.row.complaint === true, ordinary: (d.row.domain ?? '').startsWith('random') };
    });
  const pos = scored.filter((s) => s.y);
  const neg = scored.filter((s) => !s.y);
  let auc = 0;
  for (const p of pos) for (const n of neg) auc += p.z > n.z ? 1 : p.z === n.z ? 0.5 : 0;
  record('complaint AUC (unseen industry)', auc / (pos.length * neg.length));
  const ordinary = scored
    .filter((s) => s.ordinary)
    .map((s) => s.z)
    .sort((a, b) => b - a);
  const at = ordinary[Math.floor(ordinary.length * 0.1)] ?? 0;
  const tp = pos.filter((s) => s.z > at).length;
  const fp = neg.filter((s) => s.z > at).length;
  record('complaint F1 at 10% ordinary flagged', (2 * tp) / (2 * tp + fp + (pos.length - tp)));
}

function main(): void {
  const started = performance.now();
  // TWCS rows as in training and npm run eval: their thread openers are weak complaints (training-rows.ts); they carry no sentiment.
  const data = prepare(
    toTrainingRows([...loadAllLabelled(), ...loadTwcs()]).filter((r) => (v.head === 'complaint' ? r.complaint != null : r.sentiment)),
  );
  // As fit.ts, the complaint head never reads the word-vector block.
  if (v.vectors === 'off' || v.head === 'complaint') for (const { x } of data) zeroVectors(x, x.val);
  for (let f = 0; f < FOLDS; f += 1) {
    const train = data.filter((d) => outerFold(d.row, FOLDS) !== f);
    const test = data.filter((d) => outerFold(d.row, FOLDS) === f);
    (v.head === 'complaint' ? complaintFold : sentimentFold)(train, test);
  }
  console.log(JSON.stringify(v));
  for (const [name, x] of results) {
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
    console.log(`  ${name.padEnd(38)} ${mean.toFixed(4)} ± ${sd.toFixed(3)}   folds ${x.map((y) => y.toFixed(3)).join(' ')}`);
  }
  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main();
