import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eld as packaged } from 'eld/small';
import { eld } from '../src/triage/eld-data.js';
import { readCsvObjects } from '../src/text/csv.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';

describe('ELD from models/eld-small.json', () => {
  it('answers exactly as the installed eld package does (rerun `npm run build:eld` after upgrading eld)', () => {
    const file = path.join(DEFAULT_DATA_DIR, 'multilingual-sentiment-dev.csv');
    const rows = readCsvObjects(readFileSync(file, 'utf8')).filter((_, i) => i % 40 === 0);
    expect(rows.length).toBeGreaterThan(200);
    for (const row of rows) {
      const text = String(row['text']);
      const ours = eld.detect(text);
      const theirs = packaged.detect(text);
      expect(ours.language, text).toBe(theirs.language);
      expect(ours.getScores()).toEqual(theirs.getScores());
    }
  });
});
