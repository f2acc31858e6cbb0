import { CUE_IRONY_AT, strongSarcasmCue } from '../decide.js';
import { DENSE_FEATURES } from '../features.js';
import { SENTIMENT_CLASSES } from '../model.js';
import type { OutOfFold, Prepared } from './fit-types.js';

/**
 * How the irony head, its threshold and the negative threshold for English posts that do not
 * name the brand are chosen, on the inner folds of the training part only.
 *
 * The irony set is half ironic, so a head trained on it alone rates any short praise about even,
 * and a threshold low enough to catch the ironic tweets turned "Great crew, thanks" negative.
 * Sincere praise to brands (airline, general and review positives) are the head's non-ironic
 * counterweight; how much they count is chosen here, with the thresholds, by what the decision
 * does downstream: at most IRONIC_GOAL of ironic tweets left reading as praise, and among the
 * settings that manage it, the best three-class macro-F1 on airline and general tweets, which
 * is what turning sincere praise negative costs. Ironic tweets and general tweets name no brand,
 * so the negative threshold for such posts (decide.ts sentimentClass) moves both at once.
 */
export const SINCERE_WEIGHTS = [0.3, 1, 2] as const;
export const DEFAULT_SINCERE_WEIGHT = 1;
/**
 * The target itself: inner-fold models learn from a third less data than the final one, so their
 * share is the pessimistic side (a goal of 0.12 here gave 0.094 out of fold, and cost 0.010 of
 * airline and 0.021 of general tweets' macro-F1 for the 0.03 below 0.12 that nobody asked for).
 */
const IRONIC_GOAL = 0.15;
// Not below 0.3: with a grid down to 0.2 the final model met the goal at 0.2 by turning plain
// positive statements negative ("Had a lovely weekend with my family", irony 0.21).
/** Above any probability: the irony head alone does not overrule the sentiment head. */
export const NEVER_BY_HEAD = 1.01;
const GRID = Array.from({ length: 27 }, (_, i) => Math.round((0.3 + i * 0.025) * 1000) / 1000);
const ADDRESSED_GRID = [...GRID, 0.7, 0.8, 0.9, NEVER_BY_HEAD];
const UNADDRESSED_GRID = Array.from({ length: 9 }, (_, i) => Math.round((0.4 + i * 0.04) * 100) / 100);

const NAMES_BRAND = DENSE_FEATURES.indexOf('names the brand');
export const namesBrand = (d: Prepared): boolean => (d.x.val[NAMES_BRAND] ?? 0) > 0;

/** A praise row that teaches the irony head what sincere reads like: any set but the irony set itself. */
export function isSincerePraise(row: Prepared['row']): boolean {
  return row.irony === false && row.source !== 'irony';
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

interface Row {
  gold: number;
  set: 'airline' | 'tweeteval' | 'ironic' | null;
  probs: [number, number, number];
  cue: boolean;
  addressed: boolean;
}

function rowsFor(data: Prepared[], oof: OutOfFold): Row[] {
  return data.map((d, i) => {
    const r = d.row;
    const threeClass = r.sentiment && !r.twoClass && (r.language ?? 'en') === 'en';
    const set = r.irony === true ? 'ironic' : threeClass && (r.source === 'airline' || r.source === 'tweeteval') ? r.source : null;
    return {
      gold: r.sentiment ? SENTIMENT_CLASSES.indexOf(r.sentiment) : -1,
      set,
      probs: oof.probs[i] as [number, number, number],
      cue: strongSarcasmCue(d.x),
      addressed: namesBrand(d),
    };
  });
}

function macroF1(pairs: Array<[number, number]>): number {
  let sum = 0;
  for (let c = 0; c < 3; c += 1) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const [g, p] of pairs) {
      if (p === c && g === c) tp += 1;
      else if (p === c) fp += 1;
      else if (g === c) fn += 1;
    }
    sum += tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  }
  return sum / 3;
}

interface Outcome {
  ironyAt: number;
  /** The irony threshold for English posts that name the brand. */
  ironyAtAddressed: number;
  negativeAtUnaddressed: number;
  /** On the inner folds: ironic tweets still read as praise, and the mean macro-F1 of airline and general tweets. */
  ironicPositive: number;
  f1: number;
}

export interface IronyChoice extends Outcome {
  sincereWeight: number;
}

const cls = (probs: [number, number, number], negativeAt: number): number => (probs[0] >= negativeAt ? 0 : probs[2] > probs[1] ? 2 : 1);

/** What the decision does with irony threshold `t` for posts that name no brand and `addressedAt` for posts that do. */
function outcomeAt(rows: Row[], base: number[], p: readonly number[], t: number, addressedAt: number, unaddressed: number): Outcome {
  let ironic = 0;
  let ironicPositive = 0;
  const airline: Array<[number, number]> = [];
  const general: Array<[number, number]> = [];
  rows.forEach((r, i) => {
    if (!r.set) return;
    let c = base[i] as number;
    if (c === 2 && (p[i] as number) >= (r.cue ? CUE_IRONY_AT : r.addressed ? addressedAt : t)) c = r.cue || r.addressed ? 0 : 1;
    // decide.ts cueOverrulesNeutral: `cue` already holds strongSarcasmCue of the row.
    else if (c === 1 && r.cue && (p[i] as number) >= CUE_IRONY_AT) c = 0;
    if (r.set === 'ironic') {
      ironic += 1;
      if (c === 2) ironicPositive += 1;
    } else (r.set === 'airline' ? airline : general).push([r.gold, c]);
  });
  const f1 =
    ((airline.length ? macroF1(airline) : 0) + (general.length ? macroF1(general) : 0)) / (airline.length && general.length ? 2 : 1);
  return {
    ironyAt: t,
    ironyAtAddressed: addressedAt,
    negativeAtUnaddressed: unaddressed,
    ironicPositive: ironicPositive / Math.max(1, ironic),
    f1,
  };
}

const baseClasses = (rows: Row[], negativeAt: number, unaddressed: number): number[] =>
  rows.map((r) => (r.set ? cls(r.probs, r.addressed ? negativeAt : unaddressed) : -1));

/** The irony threshold for one set of out-of-fold irony logits and one negative threshold for posts not naming the brand. */
function chooseThreshold(rows: Row[], p: readonly number[], negativeAt: number, unaddressed: number): Outcome {
  const base = baseClasses(rows, negativeAt, unaddressed);
  let best: Outcome = { ironyAt: 0.9, ironyAtAddressed: 0.9, negativeAtUnaddressed: unaddressed, ironicPositive: 1, f1: -1 };
  for (const t of GRID) {
    const outcome = outcomeAt(rows, base, p, t, t, unaddressed);
    if (better(outcome, best)) best = outcome;
  }
  return best;
}

/**
 * Then the threshold for posts that name the brand, with the rest fixed: the irony head learned
 * sarcasm from tweets that name no brand, and on posts to a brand (the airline set) its own
 * reading turned more sincere praise negative than sarcasm it caught at every threshold in the
 * CV. Above 1 the head alone never overrules a positive reading there; the cue rule still does.
 */
function chooseAddressed(rows: Row[], p: readonly number[], negativeAt: number, chosen: Outcome): Outcome {
  const base = baseClasses(rows, negativeAt, chosen.negativeAtUnaddressed);
  let best = chosen;
  for (const a of ADDRESSED_GRID) {
    const outcome = outcomeAt(rows, base, p, chosen.ironyAt, a, chosen.negativeAtUnaddressed);
    if (better(outcome, best)) best = outcome;
  }
  return best;
}

/** Meeting the goal comes first; then macro-F1; short of the goal, fewer ironic tweets as praise. */
function better(a: Outcome, b: Outcome): boolean {
  const meetsA = a.ironicPositive <= IRONIC_GOAL;
  const meetsB = b.ironicPositive <= IRONIC_GOAL;
  if (meetsA !== meetsB) return meetsA;
  if (meetsA) return a.f1 > b.f1;
  return a.ironicPositive < b.ironicPositive || (a.ironicPositive === b.ironicPositive && a.f1 > b.f1);
}

/**
 * `ironyLogits(w)`: out-of-fold irony logits of every row with sincere praise weighing `w`
 * (fit.ts trains the irony head alone per inner fold for it). `negativeAt` is the threshold for
 * posts that name the brand, tuned before (tune.ts).
 */
export function chooseIrony(data: Prepared[], oof: OutOfFold, negativeAt: number, ironyLogits: (w: number) => number[]): IronyChoice {
  const fallback = {
    sincereWeight: DEFAULT_SINCERE_WEIGHT,
    ironyAt: 0.7,
    ironyAtAddressed: 0.7,
    negativeAtUnaddressed: negativeAt,
    ironicPositive: NaN,
    f1: NaN,
  };
  const rows = rowsFor(data, oof);
  if (!rows.some((r) => r.set === 'ironic')) return fallback;
  // Without three-class rows that name no brand there is nothing to tune that threshold on.
  const unaddressed = rows.some((r) => !r.addressed && (r.set === 'tweeteval' || r.set === 'airline'))
    ? [negativeAt, ...UNADDRESSED_GRID]
    : [negativeAt];
  let best: { choice: IronyChoice; p: number[] } | null = null;
  for (const w of SINCERE_WEIGHTS) {
    const p = ironyLogits(w).map(sigmoid);
    for (const u of unaddressed) {
      const choice = { sincereWeight: w, ...chooseThreshold(rows, p, negativeAt, u) };
      if (!best || better(choice, best.choice)) best = { choice, p };
    }
  }
  if (!best) return fallback;
  return { sincereWeight: best.choice.sincereWeight, ...chooseAddressed(rows, best.p, negativeAt, best.choice) };
}
