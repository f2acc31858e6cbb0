/**
 * `npm run eval`: measures triage on the dev data in one run (see README "How good is triage?").
 * 1. Cross-validation of Earshot on every labelled set (outer folds; thresholds tuned on inner
 *    folds of each training part only). Complaint-labelled industries are held out one per fold,
 *    so the complaint score is for an industry the model never saw. Duplicates (same id or same
 *    text once handles, links and "RT" are gone) always share a fold.
 * 2. The lexicon peers (wink-nlp, VADER, AFINN) on the same rows, each at its best threshold.
 * 3. Speed of the whole triage() per post on one core, model size and load time (committed model).
 *
 *   npm run eval [-- --folds 4 --inner 3 --data ../shared/data]
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AIRLINE_BRAND, brandFor, DEFAULT_DATA_DIR, loadTwcs } from '../src/triage/train/dataset.js';
import { loadAllLabelled } from '../src/triage/train/dataset-tweets.js';
import { crossValidate, type CrossValidation, type Scored } from '../src/triage/train/eval/crossval.js';
import type { TrainingRow } from '../src/triage/train/fit.js';
import { fmt, table } from '../src/triage/train/eval/metrics.js';
import { loadPeers } from '../src/triage/train/eval/peers.js';
import { metricRows, peerRows } from '../src/triage/train/eval/report.js';
import { modelLoadMs, postsPerSecond, triageSpeed } from '../src/triage/train/eval/speed.js';
import { defaultModelPath } from '../src/triage/model.js';
import { toTrainingRows } from '../src/triage/train/training-rows.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    folds: { type: 'string', default: '4' },
    inner: { type: 'string', default: '3' },
    // For working on the report: keep the cross-validated predictions in a file and reuse them.
    cache: { type: 'string' },
  },
});

function countBy<T>(items: T[], key: (t: T) => string): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

function cached(file: string | undefined, rows: TrainingRow[]): CrossValidation | null {
  if (!file || !existsSync(file)) return null;
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Omit<CrossValidation, 'scored'> & {
    scored: Array<Omit<Scored, 'row'> & { row: string }>;
  };
  process.stderr.write(`reusing cross-validated predictions from ${file}\n`);
  return { ...raw, scored: raw.scored.map((s) => ({ ...s, row: byKey.get(s.row) as TrainingRow })) };
}

function main(): void {
  const started = performance.now();
  const posts = [...loadAllLabelled(values.data), ...loadTwcs(values.data)];
  if (!posts.length) throw new Error(`no labelled data in ${values.data}`);
  const rows = toTrainingRows(posts);
  const labelled = rows.filter((r) => r.source !== 'twcs');
  const groups = new Set(labelled.map((r) => r.group)).size;
  const folds = Number(values.folds);
  const inner = Number(values.inner);
  process.stderr.write(`cross-validating ${rows.length} rows in ${folds} folds (${inner} inner)...\n`);
  const cv =
    cached(values.cache, rows) ??
    crossValidate(rows, folds, inner, (f) =>
      process.stderr.write(`  fold ${f + 1}/${folds} done at ${((performance.now() - started) / 1000).toFixed(0)} s\n`),
    );
  if (values.cache) writeFileSync(values.cache, JSON.stringify({ ...cv, scored: cv.scored.map((s) => ({ ...s, row: s.row.key })) }));
  const peers = loadPeers();
  const peerScored = peers.map((p) => ({ name: p.name, rows: peerRows(p, labelled) }));

  const load = modelLoadMs();
  const english = posts.filter((p) => p.source === 'airline').map((p) => p.text);
  const other = posts.filter((p) => p.source === 'multi').map((p) => p.text);
  const speedRows = [
    [
      'posts/s, English (whole triage, 1 core)',
      Math.round(triageSpeed(english, AIRLINE_BRAND)).toLocaleString('en-US'),
      ...peers.map((p) => Math.round(postsPerSecond(english.length, () => english.forEach((t) => p.score(t)))).toLocaleString('en-US')),
      '≥ 10,000',
    ],
    [
      'posts/s, other languages',
      Math.round(triageSpeed(other, brandFor('multi'))).toLocaleString('en-US'),
      ...peers.map(() => 'n/a'),
      '≥ 5,000',
    ],
  ];

  console.log(`\n## ${folds}-fold cross-validation on the dev sets (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  console.log(
    `rows: ${countBy(labelled, (r) => r.source ?? '?')}; plus ${rows.length - labelled.length} TWCS tweets, the consumers' ones as weak category labels and the thread openers a brand outside the complaint set's industries answered as weak complaints (not scored).`,
  );
  console.log(
    `${labelled.length - groups} rows share a duplicate group with another row (same tweet id, or the same text without handles/links/RT) and are kept in one fold.`,
  );
  console.log(
    'Complaint industries (electronics, apparel, food, cars) are held out one per fold; ordinary tweets are split like the rest.',
  );
  console.log(
    "Earshot: mean ± sd over the outer folds. Peers: every row, each metric at the peer's best single threshold (band for 3 classes).\n",
  );
  console.log(table(['metric', 'Earshot (CV)', ...peers.map((p) => p.name), 'target'], [...metricRows(cv, peerScored), ...speedRows]));
  console.log(
    `\nmodel: ${defaultModelPath()} (${fmt(statSync(defaultModelPath()).size / 1024 / 1024, 1)} MB), loads in ${load.toFixed(0)} ms.`,
  );
  console.log('thresholds per outer fold (tuned on its inner folds):');
  cv.thresholds.forEach((t, f) =>
    console.log(
      `  fold ${f + 1}: ${Object.entries(t)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`,
    ),
  );
}

main();
