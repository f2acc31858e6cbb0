import { brandFor, type Source } from '../dataset.js';
import type { TrainingRow } from '../fit.js';
import { maskText } from '../../mask.js';
import { REASON_CATEGORY } from '../training-rows.js';
import type { Sentiment } from '../../../triage-types.js';
import type { CrossValidation, Scored } from './crossval.js';
import { accuracy, classScores, fmt, macroF1 } from './metrics.js';
import type { Peer } from './peers.js';

/**
 * The evaluation table: each metric on Earshot's out-of-fold predictions (mean ± standard
 * deviation over the outer folds) beside the lexicon peers. Peers are not trained, so they score
 * every row once, each at its best single threshold for that metric, chosen on the same rows it
 * is scored on: generous to the peers, which is the safe side for a comparison.
 */
export interface Metric {
  name: string;
  target: string;
  /** Earshot, on one fold's out-of-fold predictions; NaN when the fold has no such rows. */
  ours: (s: Scored[]) => number;
  /** A peer at its best threshold over all rows, or null when the metric is not something a lexicon does. */
  peer: ((rows: PeerRow[]) => number) | null;
}

export interface PeerRow {
  row: TrainingRow;
  score: number;
}

const isSet = (source: Source) => (r: { row: TrainingRow }) => r.row.source === source;
const gold = (r: { row: TrainingRow }): Sentiment => r.row.sentiment as Sentiment;

/** Thresholds to try: quantiles of the scores, so the grid fits each peer's scale. */
function grid(rows: PeerRow[]): number[] {
  const s = rows.map((r) => Math.abs(r.score)).sort((a, b) => a - b);
  const out = new Set<number>([0]);
  for (let q = 0; q < 100; q += 1) out.add(s[Math.floor((q / 100) * (s.length - 1))] ?? 0);
  return [...out];
}

const band =
  (t: number) =>
  (s: number): Sentiment =>
    s > t ? 'positive' : s < -t ? 'negative' : 'neutral';

function bestBand(rows: PeerRow[]): number {
  let best = { t: 0, f1: -1 };
  const g = rows.map(gold);
  for (const t of grid(rows)) {
    const f1 = macroF1(
      g,
      rows.map((r) => band(t)(r.score)),
    );
    if (f1 > best.f1) best = { t, f1 };
  }
  return best.t;
}

function peerThreeClass(keep: (r: PeerRow) => boolean, pick: (g: Sentiment[], p: Sentiment[]) => number) {
  return (all: PeerRow[]): number => {
    const rows = all.filter((r) => keep(r) && r.row.sentiment);
    const t = bestBand(rows);
    return pick(
      rows.map(gold),
      rows.map((r) => band(t)(r.score)),
    );
  };
}

function f1(pred: boolean[], want: boolean[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  pred.forEach((p, i) => {
    if (p && want[i]) tp += 1;
    else if (p) fp += 1;
    else if (want[i]) fn += 1;
  });
  return tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
}

const complaintRows = (all: PeerRow[]) => all.filter((r) => r.row.source === 'complaints');
const complaintThresholds = new WeakMap<PeerRow[], number>();
function peerComplaintThreshold(all: PeerRow[]): number {
  const known = complaintThresholds.get(all);
  if (known !== undefined) return known;
  const rows = complaintRows(all);
  let best = { t: 0, f1: -1 };
  for (const t of [...grid(rows), ...grid(rows).map((x) => -x)]) {
    const v = f1(
      rows.map((r) => r.score < t),
      rows.map((r) => r.row.complaint === true),
    );
    if (v > best.f1) best = { t, f1: v };
  }
  complaintThresholds.set(all, best.t);
  return best.t;
}

const ordinary = (r: { row: TrainingRow }) => r.row.source === 'complaints' && /^random_/.test(r.row.domain ?? '');
const share = (flags: boolean[]): number => (flags.length ? flags.filter(Boolean).length / flags.length : NaN);
const LANGS = ['es', 'pt', 'fr', 'de', 'it', 'ar', 'hi'] as const;
const IDENTIFIED_SETS = new Set(['multi', 'airline', 'tweeteval', 'irony', 'complaints']);

function languageMetrics(): Metric[] {
  const perLang = LANGS.map((l): Metric => ({
    name: `${l} macro-F1`,
    target: l === 'ar' || l === 'hi' ? '≥ 0.45' : '≥ 0.60',
    ours: (s) => {
      const rows = s.filter((r) => r.row.source === 'multi' && r.row.language === l);
      return rows.length
        ? macroF1(
            rows.map(gold),
            rows.map((r) => r.sentiment),
          )
        : NaN;
    },
    peer: peerThreeClass((r) => r.row.source === 'multi' && r.row.language === l, macroF1),
  }));
  const lid = ['en', ...LANGS].map((l): Metric => ({
    name: `language ID ${l}`,
    target: '≥ 0.97',
    ours: (s) =>
      share(s.filter((r) => IDENTIFIED_SETS.has(r.row.source ?? '') && (r.row.language ?? 'en') === l).map((r) => r.identified === l)),
    peer: null,
  }));
  return [...perLang, ...lid];
}

export const METRICS: Metric[] = [
  {
    name: 'airline macro-F1',
    target: '≥ 0.80',
    ours: (s) =>
      macroF1(
        s.filter(isSet('airline')).map(gold),
        s.filter(isSet('airline')).map((r) => r.sentiment),
      ),
    peer: peerThreeClass(isSet('airline'), macroF1),
  },
  {
    name: 'airline negative P',
    target: '≥ 0.85',
    ours: (s) =>
      classScores(
        s.filter(isSet('airline')).map(gold),
        s.filter(isSet('airline')).map((r) => r.sentiment),
        'negative',
      ).precision,
    peer: peerThreeClass(isSet('airline'), (g, p) => classScores(g, p, 'negative').precision),
  },
  {
    name: 'airline negative R',
    target: '≥ 0.90',
    ours: (s) =>
      classScores(
        s.filter(isSet('airline')).map(gold),
        s.filter(isSet('airline')).map((r) => r.sentiment),
        'negative',
      ).recall,
    peer: peerThreeClass(isSet('airline'), (g, p) => classScores(g, p, 'negative').recall),
  },
  {
    name: 'complaint F1 (unseen industry)',
    target: '≥ 0.80',
    ours: (s) => {
      const rows = s.filter(isSet('complaints'));
      return f1(
        rows.map((r) => r.complaint),
        rows.map((r) => r.row.complaint === true),
      );
    },
    peer: (all) => {
      const t = peerComplaintThreshold(all);
      const rows = complaintRows(all);
      return f1(
        rows.map((r) => r.score < t),
        rows.map((r) => r.row.complaint === true),
      );
    },
  },
  {
    name: 'ordinary tweets flagged as complaint',
    target: '≤ 0.15',
    ours: (s) => share(s.filter(ordinary).map((r) => r.complaint)),
    peer: (all) => {
      const t = peerComplaintThreshold(all);
      return share(all.filter(ordinary).map((r) => r.score < t));
    },
  },
  {
    name: 'general tweets macro-F1',
    target: '≥ 0.63',
    ours: (s) =>
      macroF1(
        s.filter(isSet('tweeteval')).map(gold),
        s.filter(isSet('tweeteval')).map((r) => r.sentiment),
      ),
    peer: peerThreeClass(isSet('tweeteval'), macroF1),
  },
  ...languageMetrics(),
  {
    name: 'ironic read as positive',
    target: '≤ 0.15',
    ours: (s) => share(s.filter((r) => r.row.irony === true).map((r) => r.sentiment === 'positive')),
    // At the band that suits the peer best on general tweets: irony has no sentiment labels to tune on.
    peer: (all) => {
      const t = bestBand(all.filter((r) => r.row.source === 'tweeteval'));
      return share(all.filter((r) => r.row.irony === true).map((r) => r.score > t));
    },
  },
  {
    name: 'category agrees with airline reason',
    target: '≥ 0.70',
    ours: (s) => {
      const rows = s.filter((r) => r.row.source === 'airline' && r.row.sentiment === 'negative' && REASON_CATEGORY[reasonOf(r.row)]);
      return share(rows.map((r) => r.category === REASON_CATEGORY[reasonOf(r.row)]));
    },
    peer: null,
  },
  {
    name: 'review sentences accuracy',
    target: '≥ 0.85',
    ours: (s) => {
      const rows = s.filter(isSet('sentences'));
      return accuracy(
        rows.map(gold),
        rows.map((r): Sentiment => (r.probs[0] > r.probs[2] ? 'negative' : 'positive')),
      );
    },
    peer: (all) => {
      const rows = all.filter(isSet('sentences'));
      let best = 0;
      for (const t of [...grid(rows), ...grid(rows).map((x) => -x)])
        best = Math.max(
          best,
          accuracy(
            rows.map(gold),
            rows.map((r): Sentiment => (r.score < t ? 'negative' : 'positive')),
          ),
        );
      return best;
    },
  },
];

function reasonOf(row: TrainingRow): string {
  return row.reason ?? '';
}

function meanSd(values: number[]): string {
  const v = values.filter((x) => Number.isFinite(x));
  if (!v.length) return 'n/a';
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return `${fmt(mean)} ± ${fmt(sd)}`;
}

export function peerRows(peer: Peer, rows: TrainingRow[]): PeerRow[] {
  return rows.map((row) => ({ row, score: peer.score(maskText(row.text, brandFor((row.source ?? 'twcs') as Source))) }));
}

/** One line per metric: name, Earshot mean ± sd over folds, then each peer, then the target. */
export function metricRows(cv: CrossValidation, peers: Array<{ name: string; rows: PeerRow[] }>): string[][] {
  const byFold = Array.from({ length: cv.folds }, (_, f) => cv.scored.filter((s) => s.fold === f));
  return METRICS.map((m) => [m.name, meanSd(byFold.map(m.ours)), ...peers.map((p) => (m.peer ? fmt(m.peer(p.rows)) : 'n/a')), m.target]);
}
