import { DENSE_FEATURES } from './features.js';
import { ENGLISH } from './language.js';
import type { Signals } from './signals.js';
import { weightOf, type WeightTable } from './weights.js';

/**
 * Why the model called a post a complaint, in a responder's words: the hand-made cues and the
 * words or phrases that pushed the complaint score up most, shown as the post wrote them. Read
 * straight off the linear complaint head (weight × value), so the explanation is what the model
 * actually used.
 */
const CUE_WORDS: Partial<Record<(typeof DENSE_FEATURES)[number], string>> = {
  'wink negative': 'negative wording',
  'lexicon negative': 'negative wording',
  'time wasted / waiting': 'time lost waiting',
  blame: 'blames the brand',
  'should have / expected': 'something was expected and did not happen',
  'something did not happen': 'something did not happen',
  'problem words': 'names a problem',
  'capitals / !!!': 'shouting',
};

const COMPLAINT = 3;
const MIN_CUE = 0.25;
const MIN_TERM = 0.4;
const MAX_TERMS = 3;

function cueReasons(weights: WeightTable, sig: Signals): string[] {
  const out = new Set<string>();
  const { idx, val } = sig.features;
  for (let j = 0; j < DENSE_FEATURES.length; j += 1) {
    const name = DENSE_FEATURES[idx[j] as number];
    const words = name ? CUE_WORDS[name] : undefined;
    if (words && weightOf(weights, idx[j] as number, COMPLAINT) * (val[j] as number) >= MIN_CUE) out.add(words);
  }
  return [...out];
}

/** Nothing but function words and marks: it may carry weight in the model but tells a responder nothing. */
function uninformative(text: string): boolean {
  return text.split(/\s+/).every((w) => ENGLISH.has(w.toLowerCase()) || !/\p{L}/u.test(w));
}

function termReasons(weights: WeightTable, sig: Signals): string[] {
  const t = sig.features.terms;
  // Candidates as [weight, term index, 1 = pair ending there]; strings are built only for the few picked.
  const cands: Array<[number, number, number]> = [];
  for (let k = 0; k < t.length; k += 3) {
    const uni = weightOf(weights, t[k + 1] as number, COMPLAINT);
    if (uni >= MIN_TERM) cands.push([uni, k, 0]);
    const bi = (t[k + 2] as number) >= 0 ? weightOf(weights, t[k + 2] as number, COMPLAINT) : 0;
    if (bi >= MIN_TERM && k >= 3) cands.push([bi, k, 1]);
  }
  cands.sort((x, y) => y[0] - x[0]);
  const picked: string[] = [];
  for (const [, k, isPair] of cands) {
    if (picked.length >= MAX_TERMS) break;
    const text = sig.display(t[k] as number, isPair ? (t[k - 3] as number) : -1).trim();
    if (!text || uninformative(text)) continue;
    const lower = text.toLowerCase();
    // A phrase that contains an already-picked word says nothing new.
    if (!picked.some((p) => p.toLowerCase().includes(lower) || lower.includes(p.toLowerCase()))) picked.push(text);
  }
  return picked.map((p) => `"${p}"`);
}

/** One line, or null when nothing stands out. */
export function complaintBecause(weights: WeightTable, sig: Signals): string | null {
  const cues = cueReasons(weights, sig);
  const terms = termReasons(weights, sig);
  const parts = [...cues, ...(terms.length ? [`${terms.length === 1 ? 'word' : 'words'} ${terms.join(', ')}`] : [])];
  return parts.length ? `complaint signs: ${parts.join('; ')}` : null;
}
