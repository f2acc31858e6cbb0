import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../src/text/csv.js';
import { isQuestion } from '../src/triage/rules.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';

// rules.ts reads a post's first word without lower-casing the whole post when it can; this is
// the rule as written before that shortcut, which it must agree with everywhere.
const QUESTION_START = new Set(
  'who what when where why which whose how can could does is are was will would should may any anyone has have did'.split(' '),
);
function plainRule(masked: string, raw: string): boolean {
  if (/\?[^\p{L}\p{N}]*$/u.test(masked) || /\?\s/.test(masked)) return true;
  const lead = raw.replace(/^(?:\s*[@#.]\S*)+\s*/u, '').toLowerCase();
  const first = /^\p{L}+/u.exec(lead)?.[0] ?? '';
  return QUESTION_START.has(first) && !/^\p{L}+(?:n['’]?t|\s+not)\b/u.test(lead);
}

const HAND = [
  'How do I export my notebooks',
  'HOW do I export',
  "Can't believe this",
  'Isn’t it late',
  'Is not working',
  '@acme #help Why is my bag gone',
  'İs this right',
  'Isé here',
  'Whyé not',
  'Why',
  'why2 people',
  'Did',
  'did you see',
  'Ça va pas',
  '',
  '   ',
  'Which one?',
  'DOES ANYONE KNOW',
  'wherever you go',
];

describe('question by the first word', () => {
  it('agrees with the rule lower-casing the whole post', () => {
    for (const raw of HAND) expect(isQuestion(raw.replace(/\?/g, ''), raw), raw).toBe(plainRule(raw.replace(/\?/g, ''), raw));
    const file = path.join(DEFAULT_DATA_DIR, 'airline-tweets-dev.csv');
    if (!existsSync(file)) return;
    let questions = 0;
    for (const r of readCsvObjects(readFileSync(file, 'utf8')).filter((_, i) => i % 3 === 0)) {
      const raw = r.text ?? '';
      // The masked text without "?", so the first word decides.
      const masked = raw.replace(/\?/g, '');
      const want = plainRule(masked, raw);
      if (want) questions += 1;
      expect(isQuestion(masked, raw), raw).toBe(want);
    }
    expect(questions).toBeGreaterThan(30);
  });
});
