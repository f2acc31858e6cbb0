// What each linear head reads of a post's features: which cues and blocks are kept from it, and why.

import { DENSE_FEATURES, EMBED_START, type Features } from '../features.js';
import type { BinaryExample } from './learn.js';
import { isSincerePraise } from './tune-irony.js';
import type { Prepared } from './fit-types.js';

/**
 * Left out of the complaint head:
 * - general negativity (the wink-nlp and lexicon polarity features): a complaint is something
 *   that fell short, not a bad mood, and leaning on polarity made the head miss factual
 *   complaints from industries it never saw;
 * - "names the brand": in the dev data every airline tweet names its airline and no ordinary
 *   tweet names a brand, so the head learned it as a complaint cue, while every post a brand's
 *   keyword search brings in names the brand ("Lumen shares rose 3%" read as a complaint).
 * Leave-one-industry-out complaint F1, same 4 folds: 0.640 with them, 0.68 without (README).
 * The head's weights for these features stay zero, so scoring needs no change.
 */
export const NOT_FOR_COMPLAINTS = (
  ['wink positive', 'wink negative', 'lexicon positive', 'lexicon negative', 'lexicon balance', 'lexicon mixed', 'names the brand'] as const
).map((n) => DENSE_FEATURES.indexOf(n));

/** The dense block comes first in every feature vector (features.ts assemble), so dense feature i is at position i. */
export function forComplaints(x: Features): Features {
  const val = x.val.slice();
  for (const i of NOT_FOR_COMPLAINTS) val[i] = 0;
  zeroVectors(x, val);
  return { idx: x.idx, val, terms: x.terms };
}

/**
 * The complaint and irony heads do not read the word-vector block (the last features of an English
 * post); the sentiment and category heads do. Same folds: category 0.704 -> 0.720 with it; in the
 * complaint head it cost complaint F1 0.690 -> 0.682. In the sentiment head it took the plain
 * argmax on general tweets 0.577 -> 0.592 (scripts/english-heads-cv.ts), and the whole English
 * decision 0.573 -> 0.584 with thresholds tuned on 3 inner folds, as training uses (README).
 */
export function zeroVectors(x: Features, val: Float32Array): void {
  for (let j = x.idx.length - 1; j >= 0 && (x.idx[j] as number) >= EMBED_START; j -= 1) val[j] = 0;
}

/**
 * The irony head does not read "names the brand" either: every sincere praise row from the airline
 * set names its airline and no irony-set tweet names a brand, so it would learn that a post to a
 * brand is sincere, which is exactly where sarcastic complaints are sent.
 */
const NOT_FOR_IRONY = DENSE_FEATURES.indexOf('names the brand');

function forIrony(x: Features): Features {
  const val = x.val.slice();
  val[NOT_FOR_IRONY] = 0;
  zeroVectors(x, val);
  return { idx: x.idx, val, terms: x.terms };
}

export function ironyExamples(data: Prepared[], sincereWeight: number): BinaryExample[] {
  const out: BinaryExample[] = [];
  for (const { row, x } of data) {
    if (row.irony == null) continue;
    const w = (row.ironyWeight ?? row.weight) * (isSincerePraise(row) ? sincereWeight : 1);
    out.push({ x: forIrony(x), y: row.irony ? 1 : 0, w });
  }
  return out;
}
