import { DENSE_FEATURES } from './features.js';
import { ENGLISH } from './language.js';
import type { Signals } from './signals.js';
import { complaintWeight, type WeightTable } from './weights.js';

/**
 * Why the model called a post a complaint, in a responder's words: the hand-made cues and the
 * words or word pairs that pushed the complaint score up most. Read straight off the linear
 * complaint head (weight × value), so the explanation is what the model actually used.
 */
const CUE_WORDS: Partial<Record<(typeof DENSE_FEATURES)[number], string>> = {
  'wink negative': 'negative wording',
  'time wasted / waiting': 'time lost waiting',
  blame: 'blames the brand',
  'should have / expected': 'something was expected and did not happen',
  'something did not happen': 'something did not happen',
  'problem words': 'names a problem',
  'capitals / !!!': 'shouting',
};

const MIN_CUE = 0.25;
const MIN_TERM = 0.4;
const MAX_TERMS = 3;

function cueReasons(weights: WeightTable, sig: Signals): string[] {
  const out = new Set<string>();
  const { idx, val } = sig.features;
  for (let j = 0; j < DENSE_FEATURES.length; j += 1) {
    const name = DENSE_FEATURES[idx[j] as number];
    const words = name ? CUE_WORDS[name] : undefined;
    if (words && complaintWeight(weights, idx[j] as number) * (val[j] as number) >= MIN_CUE) out.add(words);
  }
  return [...out];
}

function word(sig: Signals, i: number): string {
  return (sig.analysis.values[i] ?? '').toLowerCase();
}

/** A negated word alone reads "not helpful"; a pair is shown as written, since its negator is usually beside it. */
function shown(sig: Signals, k: number, isBi: number): string {
  const t = sig.features.terms;
  const i = t[k] as number;
  if (isBi) return `${word(sig, t[k - 3] as number)} ${word(sig, i)}`;
  return sig.analysis.negated[i] ? `not ${word(sig, i)}` : word(sig, i);
}

function termReasons(weights: WeightTable, sig: Signals): string[] {
  const t = sig.features.terms;
  // Candidates as [weight, token position, 1 = bigram ending there]; strings are built only for the few picked.
  const cands: Array<[number, number, number]> = [];
  for (let k = 0; k < t.length; k += 3) {
    const uni = complaintWeight(weights, t[k + 1] as number);
    if (uni >= MIN_TERM) cands.push([uni, k, 0]);
    const bi = (t[k + 2] as number) >= 0 ? complaintWeight(weights, t[k + 2] as number) : 0;
    if (bi >= MIN_TERM) cands.push([bi, k, 1]);
  }
  cands.sort((x, y) => y[0] - x[0]);
  const picked: string[] = [];
  for (const [, k, isBi] of cands) {
    if (picked.length >= MAX_TERMS) break;
    const text = shown(sig, k, isBi);
    // "and do" may carry weight in the model but tells a responder nothing.
    if (text.split(' ').every((w) => ENGLISH.has(w) || w === 'not' || !/\p{L}/u.test(w))) continue;
    // A pair that contains an already-picked word says nothing new.
    if (!picked.some((p) => p.includes(text) || text.includes(p))) picked.push(text);
  }
  return picked.map((p) => `"${p}"`);
}

/** One line, or null when nothing stands out. */
export function complaintBecause(weights: WeightTable, sig: Signals): string | null {
  const cues = cueReasons(weights, sig);
  const terms = termReasons(weights, sig);
  const parts = [...cues, ...(terms.length ? [`words ${terms.join(', ')}`] : [])];
  return parts.length ? `complaint signs: ${parts.join('; ')}` : null;
}
