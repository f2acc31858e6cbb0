/**
 * The English sets' part of `npm run eval`, for exploring: the same outer folds and inner
 * tuning (crossval.ts), no peers and no speed, plus how much sincere praise to a brand stays
 * positive (what a lower irony threshold costs). One full `npm run eval` is still the figure to report.
 *
 *   npx tsx scripts/eval-english.ts [-- --folds 4 --inner 3 --data ../shared/data --save out.json --vectors on|off]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { useVectors } from '../src/triage/embeddings.js';
import { DEFAULT_DATA_DIR, loadTwcs } from '../src/triage/train/dataset.js';
import { loadAllLabelled } from '../src/triage/train/dataset-tweets.js';
import { crossValidate, type Scored } from '../src/triage/train/eval/crossval.js';
import { fmt, table } from '../src/triage/train/eval/metrics.js';
import { METRICS } from '../src/triage/train/eval/report.js';
import { toTrainingRows } from '../src/triage/train/training-rows.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    folds: { type: 'string', default: '4' },
    inner: { type: 'string', default: '3' },
    save: { type: 'string' },
    // 'off': the English word-vector features stay zero (the same folds, for a before/after).
    vectors: { type: 'string', default: 'on' },
  },
});
if (values.vectors === 'off') useVectors(null);

const ENGLISH = new Set([
  'airline macro-F1',
  'airline negative P',
  'airline negative R',
  'complaint F1 (unseen industry)',
  'ordinary tweets flagged as complaint',
  'general tweets macro-F1',
  'ironic read as positive',
  'category agrees with airline reason',
  'review sentences accuracy',
]);

/** Praise to a brand that must not turn into a complaint: positive rows read as positive, per set. */
function praiseKept(source: string) {
  return (s: Scored[]): number => {
    const rows = s.filter((r) => r.row.source === source && r.row.sentiment === 'positive' && !r.row.twoClass);
    const two = s.filter((r) => r.row.source === source && r.row.sentiment === 'positive' && r.row.twoClass);
    const pick = rows.length ? rows : two;
    return pick.length ? pick.filter((r) => r.sentiment !== 'negative').length / pick.length : NaN;
  };
}

function meanSd(v: number[]): string {
  const x = v.filter(Number.isFinite);
  const mean = x.reduce((a, b) => a + b, 0) / Math.max(1, x.length);
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, x.length - 1));
  return `${fmt(mean)} ± ${fmt(sd)}`;
}

function main(): void {
  const started = performance.now();
  const rows = toTrainingRows([...loadAllLabelled(values.data), ...loadTwcs(values.data)]);
  const folds = Number(values.folds);
  const cv = crossValidate(rows, folds, Number(values.inner), (f) =>
    process.stderr.write(`  fold ${f + 1}/${folds} done at ${((performance.now() - started) / 1000).toFixed(0)} s\n`),
  );
  const byFold = Array.from({ length: folds }, (_, f) => cv.scored.filter((s) => s.fold === f));
  const metrics: Array<[string, (s: Scored[]) => number]> = [
    ...METRICS.filter((m) => ENGLISH.has(m.name)).map((m): [string, (s: Scored[]) => number] => [m.name, m.ours]),
    ['airline positives not read as negative', praiseKept('airline')],
    ['general positives not read as negative', praiseKept('tweeteval')],
    ['review positives not read as negative', praiseKept('sentences')],
  ];
  console.log(
    table(
      ['metric', 'CV'],
      metrics.map(([name, f]) => [name, meanSd(byFold.map(f))]),
    ),
  );
  cv.thresholds.forEach((t, f) => console.log(`fold ${f + 1}: ${JSON.stringify(t)}`));
  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (values.save)
    writeFileSync(
      values.save,
      JSON.stringify(
        cv.scored.map((s) => ({ ...s, row: s.row.key, source: s.row.source, gold: s.row.sentiment, twoClass: s.row.twoClass })),
      ),
    );
}

main();
