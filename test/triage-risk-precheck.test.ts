import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../src/text/csv.js';
import { riskHits } from '../src/triage/risk.js';
import { GROUPS } from '../src/triage/risk-terms.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';

// riskHits runs the per-group patterns only after one combined pass (a smaller one on plain-ASCII
// text) says a term may be there. The pass must never hide a hit the groups themselves would find.
const HAND = [
  'I will call my lawyer and file a chargeback, refund now',
  'LAWYER. Refund. Reporter from the Times here, for a comment',
  'unsafe: smoke in the cabin, stuck on the tarmac for 3 hours',
  'cancel my account, charged me twice, FAA complaint, police',
  'Mein Koffer ist weg … Anwalt, Rückerstattung bitte',
  'quiero un reembolso, mi abogado llamará',
  'سأتصل بمحامي',
  'मैं वकील से बात करूंगा',
  'адвокат',
  '弁護士に相談します',
  '退款',
  'discriminated and harassed by staff',
  'please send my money back',
  'nothing risky here at all',
];

function texts(): string[] {
  const read = (file: string, every: number): string[] => {
    const p = path.join(DEFAULT_DATA_DIR, file);
    return existsSync(p)
      ? readCsvObjects(readFileSync(p, 'utf8'))
          .filter((_, i) => i % every === 0)
          .map((r) => r.text ?? '')
      : [];
  };
  return [...HAND, ...read('airline-tweets-dev.csv', 3), ...read('multilingual-sentiment-dev.csv', 3)];
}

describe('risk pre-check', () => {
  it('finds what the per-group patterns find, on ASCII and other text', () => {
    let hit = 0;
    let ascii = 0;
    for (const t of texts()) {
      const plain = GROUPS.filter((g) => g.re.test(t)).map((g) => ({ reason: g.reason, points: g.points }));
      if (plain.length && /^[\x00-\x7f]*$/.test(t)) ascii += 1;
      if (plain.length) hit += 1;
      expect(riskHits(t), t).toEqual(plain);
    }
    expect(hit).toBeGreaterThan(50);
    expect(ascii).toBeGreaterThan(30);
  });
});
