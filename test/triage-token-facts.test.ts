import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../src/text/csv.js';
import { seedScores } from '../src/triage/category.js';
import { AIRLINE_BRAND, DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { extractFeatures } from '../src/triage/features.js';
import { maskDetailed } from '../src/triage/mask.js';
import { analyse, type Analysis } from '../src/triage/nlp.js';
import { polarityOf } from '../src/triage/polarity.js';
import { complaintCues, isQuestion } from '../src/triage/rules.js';

// Lexicon bits, phrase starts, polarity, seed words and feature hashes are memoised per token
// (token-facts.ts). An analysis without facts takes the plain lookups: both must read every post
// the same way, whatever posts were read before (the memo is filled by them).
const HAND = [
  "I can't log in and you charged me TWICE!!! not helpful, won't fly again",
  "didn't arrive, didn't refund, can't wait to never fly again 🙃 thanks a lot",
  'My bag is lost, still waiting 3 hours on hold, where is my bag? #fail',
  'Love the crew!! Best flight ever 😍 not bad at all',
];

function devTexts(): string[] {
  const file = path.join(DEFAULT_DATA_DIR, 'airline-tweets-dev.csv');
  if (!existsSync(file)) return [];
  return readCsvObjects(readFileSync(file, 'utf8'))
    .filter((_, i) => i % 20 === 0)
    .map((r) => r.text ?? '');
}

/** The same reading with no memo: a plain object, so every lookup goes to the lexicons and maps themselves. */
function withoutFacts(a: Analysis): Analysis {
  return {
    docScore: a.docScore,
    normals: a.normals,
    stems: a.stems,
    values: a.values,
    types: a.types,
    negated: a.negated,
    joined: a.joined,
    tokenSet: new Set(a.normals),
    knownWords: a.knownWords,
    shown: (i, from) => a.shown(i, from),
  };
}

function reading(a: Analysis, raw: string, masked: ReturnType<typeof maskDetailed>) {
  const question = isQuestion(masked.text, raw);
  const cues = complaintCues(a, masked.text, question, null);
  const seeds = seedScores(a.normals, a.joined, a.facts);
  const f = extractFeatures({ analysis: a, masked, cues, question, seeds });
  return { cues, seeds, polarity: polarityOf(a), idx: [...f.idx], val: [...f.val], terms: f.terms };
}

describe('per-token memo', () => {
  it('reads every post as the plain lookups do, on first sight and from the memo', () => {
    const texts = [...HAND, ...devTexts()];
    for (let pass = 0; pass < 2; pass += 1) {
      for (const raw of texts) {
        const masked = maskDetailed(raw, AIRLINE_BRAND);
        const a = analyse(masked.text);
        expect(a.facts?.length).toBe(a.normals.length);
        expect(reading(a, raw, masked), raw).toEqual(reading(withoutFacts(a), raw, masked));
      }
    }
  });

  it('shares one memo per word across posts, and one per normal form of a contraction piece', () => {
    const a = analyse('the refund never came');
    const b = analyse('a refund is not enough');
    expect(a.facts?.[1]).toBe(b.facts?.[1]);
    // "can't" is "ca" + "n't" with the normal forms "can" and "not".
    const c = analyse("I can't");
    const d = analyse("they can't");
    expect(c.normals.slice(1)).toEqual(['can', 'not']);
    expect(c.facts?.[2]).toBe(d.facts?.[2]);
  });
});
